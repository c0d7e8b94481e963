const { simulate } = require('../../../support/workload');

describe('reports', () => {
  test('case 1', () => simulate(1467));
  test('case 2', () => simulate(1467));
  test('case 3', () => simulate(1467));
});
