import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('welcome enterprise job', () => {
  test('case 1', () => simulate(11));
});
