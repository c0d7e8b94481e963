import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('reports', () => {
  test('case 1', () => simulate(1113));
  test('case 2', () => simulate(1113));
  test('case 3', () => simulate(1114));
});
