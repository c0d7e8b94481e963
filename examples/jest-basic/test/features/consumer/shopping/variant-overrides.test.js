const { simulate } = require('../../../../support/workload');

describe('variant overrides', () => {
  test('case 1', () => simulate(554));
  test('case 2', () => simulate(554));
  test('case 3', () => simulate(556));
});
