import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('permissions', () => {
  test('case 1', () => simulate(249));
  test('case 2', () => simulate(251));
});
