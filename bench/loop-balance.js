// Shard balance in the real CI loop: the wall time of N = 3 parallel shard jobs, split by shardwise (from a
// store learned by one cold run and merge) and by the runner's own --shard (Jest, Vitest), on each example.
// Printed as max/mean of the shard wall times (1 = perfectly even; the CI waits for the slowest shard).
// Target: shardwise ≤ 1.15 and below the native split. A ratio, not a test: on a busy machine the spread
// moves (test/loop.test.ts checks the loop's correctness instead).
//
//   node bench/loop-balance.js            (build first: npx tsc -b)
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import { SHARDS, cli, copyExample, merge, runMatrix, runners } from '../test/loop-harness.js';

const TARGET = 1.15;
const ROUNDS = 2;

if (!existsSync(cli)) {
  console.error(`${cli} is missing: build first (npx tsc -b)`);
  process.exit(2);
}

/** Per-shard wall times averaged over `ROUNDS` matrices: three runner start-ups share the cores here,
 * which a CI matrix (one machine per job) does not, and one round's start-up jitter is a few percent. */
async function averagedMatrix(runner, dir, native) {
  const sums = new Array(SHARDS).fill(0);
  for (let round = 0; round < ROUNDS; round++) {
    (await runMatrix(runner, dir, native)).forEach((ms, i) => (sums[i] += ms));
  }
  return sums.map((ms) => ms / ROUNDS);
}

const maxOverMean = (xs) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);
const seconds = (xs) => xs.map((ms) => (ms / 1000).toFixed(1)).join(', ');

console.log(
  `${SHARDS} shard jobs in parallel, per-shard wall times averaged over ${ROUNDS} rounds; ` +
    `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}.\n`,
);
console.log('| runner | split | max/mean | slowest shard s | shard wall times s | target |');
console.log('|--------|-------|---------:|----------------:|--------------------|--------|');
for (const runner of runners) {
  const dir = await copyExample(runner);
  try {
    // Cold run and merge: the store a CI cache would hold from now on.
    await runMatrix(runner, dir);
    await merge(dir);
    const ours = await averagedMatrix(runner, dir, false);
    const theirs = await averagedMatrix(runner, dir, true);
    const [r, n] = [maxOverMean(ours), maxOverMean(theirs)];
    const verdict = r <= TARGET && r < n ? '✓' : '✗';
    console.log(
      `| ${runner.name} | shardwise | ${r.toFixed(3)} | ${(Math.max(...ours) / 1000).toFixed(1)} | ${seconds(ours)} | ≤ ${TARGET} and < native ${verdict} |`,
    );
    console.log(
      `| ${runner.name} | ${runner.name} --shard | ${n.toFixed(3)} | ${(Math.max(...theirs) / 1000).toFixed(1)} | ${seconds(theirs)} | |`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
