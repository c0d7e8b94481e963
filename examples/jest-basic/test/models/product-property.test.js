const { simulate } = require('../../support/workload');

describe('product property', () => {
  test('case 1', () => simulate(17));
});
