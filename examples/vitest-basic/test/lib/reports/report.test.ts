import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('report', () => {
  test('case 1', () => simulate(11));
});
