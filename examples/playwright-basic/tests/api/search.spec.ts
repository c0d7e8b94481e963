import { test, work } from '../support';

// Many fast API checks: what most of a real suite is.
for (let i = 1; i <= 8; i++) {
  test(`search check ${i}`, async ({ api }) => {
    await work(api, '/api/search', 10 + i);
  });
}
