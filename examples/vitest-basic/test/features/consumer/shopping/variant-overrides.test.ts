import { describe, test } from 'vitest';
import { simulate } from '../../../../support/workload';

describe('variant overrides', () => {
  test('case 1', () => simulate(1187));
  test('case 2', () => simulate(1187));
  test('case 3', () => simulate(1191));
});
