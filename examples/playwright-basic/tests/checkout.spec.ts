import { test, work } from './support';

// A slow file whose tests are independent: in parallel mode each test is a unit of its own, and
// shardwise spreads them over the shards by their recorded times.
test.describe.configure({ mode: 'parallel' });

for (const [step, ms] of [
  ['pays by card', 600],
  ['pays by bank transfer', 500],
  ['applies a voucher', 400],
  ['ships abroad', 300],
  ['GET /checkout//summary (a URL in a title)', 200],
] as const) {
  test(step, async ({ api }) => {
    await work(api, '/checkout', ms);
  });
}
