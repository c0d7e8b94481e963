import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('groups', () => {
  test('case 1', () => simulate(109));
});
