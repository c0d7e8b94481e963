import { describe, test } from 'vitest';
import { simulate } from '../../support/workload';

describe('product serializer', () => {
  test('case 1', () => simulate(11));
});
