import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('cart controller', () => {
  test('case 1', () => simulate(60));
});
