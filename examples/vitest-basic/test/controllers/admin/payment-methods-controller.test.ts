import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('payment methods controller', () => {
  test('case 1', () => simulate(24));
});
