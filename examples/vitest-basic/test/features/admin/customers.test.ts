import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('customers', () => {
  test('case 1', () => simulate(1200));
  test('case 2', () => simulate(1200));
  test('case 3', () => simulate(1204));
});
