const { simulate } = require('../../support/workload');

describe('group buy report', () => {
  test('case 1', () => simulate(109));
  test('case 2', () => simulate(111));
});
