const { simulate } = require('../../support/workload');

describe('user passwords controller', () => {
  test('case 1', () => simulate(36));
});
