import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('shipping methods', () => {
  test('case 1', () => simulate(169));
  test('case 2', () => simulate(171));
});
