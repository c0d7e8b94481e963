import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('groups controller', () => {
  test('case 1', () => simulate(21));
});
