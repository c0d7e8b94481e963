import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('column preference', () => {
  test('case 1', () => simulate(11));
});
