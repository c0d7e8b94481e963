const { simulate } = require('../../support/workload');

describe('packing report', () => {
  test('case 1', () => simulate(146));
  test('case 2', () => simulate(146));
});
