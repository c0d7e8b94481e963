import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('enterprise confirmations controller', () => {
  test('case 1', () => simulate(54));
});
