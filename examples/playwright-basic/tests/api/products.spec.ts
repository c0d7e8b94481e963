import { test, work } from '../support';

// Many fast API checks: what most of a real suite is.
for (let i = 1; i <= 8; i++) {
  test(`products check ${i}`, async ({ api }) => {
    await work(api, '/api/products', 10 + i);
  });
}
