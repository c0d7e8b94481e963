const { simulate } = require('../../../support/workload');

describe('inventory items controller', () => {
  test('case 1', () => simulate(167));
});
