const { simulate } = require('../../support/workload');

describe('cached products renderer', () => {
  test('case 1', () => simulate(11));
});
