import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('user passwords controller', () => {
  test('case 1', () => simulate(36));
});
