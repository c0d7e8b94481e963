const { simulate } = require('../../../support/workload');

describe('groups', () => {
  test('case 1', () => simulate(109));
});
