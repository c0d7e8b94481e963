import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('accounts and billing settings', () => {
  test('case 1', () => simulate(399));
  test('case 2', () => simulate(399));
});
