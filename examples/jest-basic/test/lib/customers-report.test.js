const { simulate } = require('../../support/workload');

describe('customers report', () => {
  test('case 1', () => simulate(139));
});
