const { simulate } = require('../../support/workload');

describe('property merge', () => {
  test('case 1', () => simulate(15));
});
