const { simulate } = require('../../../support/workload');

describe('overview', () => {
  test('case 1', () => simulate(122));
  test('case 2', () => simulate(122));
});
