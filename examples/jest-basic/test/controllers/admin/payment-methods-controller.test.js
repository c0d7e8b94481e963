const { simulate } = require('../../../support/workload');

describe('payment methods controller', () => {
  test('case 1', () => simulate(24));
});
