const { simulate } = require('../../support/workload');

describe('welcome enterprise job', () => {
  test('case 1', () => simulate(11));
});
