import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('checkout controller', () => {
  test('case 1', () => simulate(86));
});
