const { simulate } = require('../../../support/workload');

describe('order cycles', () => {
  test('case 1', () => simulate(467));
  test('case 2', () => simulate(467));
  test('case 3', () => simulate(467));
});
