const { simulate } = require('../../support/workload');

describe('product serializer', () => {
  test('case 1', () => simulate(11));
});
