const { simulate } = require('../../support/workload');

describe('groups controller', () => {
  test('case 1', () => simulate(21));
});
