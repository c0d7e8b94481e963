const { simulate } = require('../../support/workload');

describe('enterprise confirmations controller', () => {
  test('case 1', () => simulate(54));
});
