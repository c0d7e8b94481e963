const { simulate } = require('../../../support/workload');

describe('customers', () => {
  test('case 1', () => simulate(560));
  test('case 2', () => simulate(560));
  test('case 3', () => simulate(562));
});
