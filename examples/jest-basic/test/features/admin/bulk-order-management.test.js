const { simulate } = require('../../../support/workload');

describe('bulk order management', () => {
  test('case 1', () => simulate(869));
  test('case 2', () => simulate(869));
  test('case 3', () => simulate(869));
});
