const { simulate } = require('../../../../support/workload');

describe('variant overrides', () => {
  test('case 1', () => simulate(1467));
  test('case 2', () => simulate(1467));
  test('case 3', () => simulate(1467));
});
