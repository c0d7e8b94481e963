import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('property merge', () => {
  test('case 1', () => simulate(15));
});
