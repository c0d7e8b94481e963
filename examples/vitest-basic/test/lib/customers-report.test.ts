import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('customers report', () => {
  test('case 1', () => simulate(139));
});
