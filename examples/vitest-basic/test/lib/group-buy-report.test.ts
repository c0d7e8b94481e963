import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('group buy report', () => {
  test('case 1', () => simulate(109));
  test('case 2', () => simulate(111));
});
