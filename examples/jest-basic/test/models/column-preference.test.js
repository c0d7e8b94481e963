const { simulate } = require('../../support/workload');

describe('column preference', () => {
  test('case 1', () => simulate(11));
});
