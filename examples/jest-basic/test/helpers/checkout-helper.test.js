const { simulate } = require('../../support/workload');

describe('checkout helper', () => {
  test('case 1', () => simulate(11));
});
