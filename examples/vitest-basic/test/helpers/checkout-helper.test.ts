import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('checkout helper', () => {
  test('case 1', () => simulate(11));
});
