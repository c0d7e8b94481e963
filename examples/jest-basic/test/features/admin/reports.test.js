const { simulate } = require('../../../support/workload');

describe('reports', () => {
  test('case 1', () => simulate(2385));
  test('case 2', () => simulate(2385));
  test('case 3', () => simulate(2387));
});
