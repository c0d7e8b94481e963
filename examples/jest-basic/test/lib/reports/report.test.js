const { simulate } = require('../../../support/workload');

describe('report', () => {
  test('case 1', () => simulate(11));
});
