import { expect, SCALE, test, work } from './support';

// Parallel tests that share a beforeAll: one unit for shardwise (split across shards, each shard would
// pay the login again).
test.describe.configure({ mode: 'parallel' });

let session = '';
test.beforeAll(async ({ playwright }) => {
  session = 'signed-in';
  await new Promise((resolve) => setTimeout(resolve, 600 * SCALE));
  expect(playwright).toBeTruthy();
});

test('shows the profile', async ({ api }) => {
  await work(api, '/account/profile', 200);
  expect(session).toBe('signed-in');
});
test('changes the password', async ({ api }) => {
  await work(api, '/account/password', 200);
});
test('lists past orders', async ({ api }) => {
  await work(api, '/account/orders', 200);
});
