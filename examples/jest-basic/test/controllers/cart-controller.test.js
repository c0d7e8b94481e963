const { simulate } = require('../../support/workload');

describe('cart controller', () => {
  test('case 1', () => simulate(60));
});
