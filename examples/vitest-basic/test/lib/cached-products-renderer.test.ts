import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('cached products renderer', () => {
  test('case 1', () => simulate(11));
});
