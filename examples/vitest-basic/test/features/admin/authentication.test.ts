import { describe, test } from 'vitest';
import { simulate } from '../../../support/workload';

describe('authentication', () => {
  test('case 1', () => simulate(459));
  test('case 2', () => simulate(461));
});
