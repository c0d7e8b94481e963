import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('inventory items controller', () => {
  test('case 1', () => simulate(167));
});
