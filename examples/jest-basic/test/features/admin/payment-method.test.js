const { simulate } = require('../../../support/workload');

describe('payment method', () => {
  test('case 1', () => simulate(1450));
  test('case 2', () => simulate(1450));
});
