const { simulate } = require('../../support/workload');

describe('enterprise serializer', () => {
  test('case 1', () => simulate(11));
});
