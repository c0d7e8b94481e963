const { simulate } = require('../../../support/workload');

describe('authentication', () => {
  test('case 1', () => simulate(150));
  test('case 2', () => simulate(150));
});
