import { test, work } from '../support';

// Many fast API checks: what most of a real suite is.
for (let i = 1; i <= 8; i++) {
  test(`health check ${i}`, async ({ api }) => {
    await work(api, '/api/health', 10 + i);
  });
}
