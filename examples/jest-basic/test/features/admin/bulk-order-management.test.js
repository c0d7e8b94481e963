const { simulate } = require('../../../support/workload');

describe('bulk order management', () => {
  test('case 1', () => simulate(1467));
  test('case 2', () => simulate(1467));
  test('case 3', () => simulate(1467));
});
