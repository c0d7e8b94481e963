const { simulate } = require('../../support/workload');

describe('checkout controller', () => {
  test('case 1', () => simulate(86));
});
