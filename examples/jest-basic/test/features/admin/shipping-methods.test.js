const { simulate } = require('../../../support/workload');

describe('shipping methods', () => {
  test('case 1', () => simulate(169));
  test('case 2', () => simulate(171));
});
