const { simulate } = require('../../../support/workload');

describe('shipping methods', () => {
  test('case 1', () => simulate(79));
  test('case 2', () => simulate(80));
});
