import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('product property', () => {
  test('case 1', () => simulate(17));
});
