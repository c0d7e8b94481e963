import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('permissions', () => {
  test('case 1', () => simulate(116));
  test('case 2', () => simulate(117));
});
