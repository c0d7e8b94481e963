const { simulate } = require('../../support/workload');

describe('permissions', () => {
  test('case 1', () => simulate(1200));
  test('case 2', () => simulate(1200));
});
