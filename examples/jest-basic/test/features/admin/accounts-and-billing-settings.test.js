const { simulate } = require('../../../support/workload');

describe('accounts and billing settings', () => {
  test('case 1', () => simulate(150));
  test('case 2', () => simulate(150));
});
