const { simulate } = require('../../../support/workload');

describe('enterprises', () => {
  test('case 1', () => simulate(977));
  test('case 2', () => simulate(977));
});
