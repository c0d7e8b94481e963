import { expect, test, work } from '../support';

// A serial group: each step needs the one before, so the group is one unit.
test.describe.serial('a user’s life', () => {
  let id = 0;
  test('is invited', async ({ api }) => {
    await work(api, '/admin/users/invite', 500);
    id = 42;
  });
  test('accepts the invitation', async ({ api }) => {
    expect(id).toBe(42);
    await work(api, '/admin/users/accept', 500);
  });
  test('is removed', async ({ api }) => {
    await work(api, '/admin/users/remove', 500);
  });
});
