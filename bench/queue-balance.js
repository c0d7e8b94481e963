// Queue mode against the static plan (issue 21): four jobs at once on 40 files whose times vary from run to
// run (each file × a seeded random factor in 0.7–1.5, drawn anew each round, the same draw for both modes)
// and one slow job (every file × 1.5 in job 4). Static: each job runs its shard of the plan the store gives.
// Queue: the four jobs pull from a real redis-server (in one process, one connection each), longest first.
// Files "run" as real sleeps, so the walls are measured, not computed. Printed per mode, medians over the
// rounds (interleaved): slowest/mean job wall, and the slowest job's wall. Then the queue's own cost per
// unit (claim + acknowledge, one unit per batch, a no-op batch), median of 5.
// Targets: queue ≤ 1.05 where static ≥ 1.20, and the queue's slowest job at least 15% sooner.
//
//   node bench/queue-balance.js [--rounds N]       (build first: npx tsc -b; needs redis-server)
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { partition } from '../packages/core/dist/public/index.js';
import { seededRandom } from '../packages/core/dist/base/rng.js';
import { parseQueueUrl, RedisQueue, runQueueJob, seedOrder } from '../packages/core/dist/public/queue.js';
import { median } from './partition.js';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 5;
const JOBS = 4;
const SLOW_JOB = 4;
const SLOW = 1.5;
const FILES = Array.from({ length: 40 }, (_, i) => `tests/f${String(i + 1).padStart(2, '0')}.test.js`);
// A skewed suite: most files 40–300 ms, two big ones.
const BASE = Object.fromEntries(
  FILES.map((f, i) => [f, i === 0 ? 600 : i === 1 ? 450 : 40 + ((i * 37) % 23) * 12]),
);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each file's factor for one round: seeded, in [0.7, 1.5). */
function factors(round) {
  const draw = seededRandom(1000 + round);
  return Object.fromEntries(FILES.map((f) => [f, 0.7 + (0.8 * draw(1_000_000)) / 1_000_000]));
}
const fileMs = (file, factor, job) => Math.round(BASE[file] * factor[file] * (job === SLOW_JOB ? SLOW : 1));

async function runFiles(files, factor, job) {
  for (const f of files) await sleep(fileMs(f, factor, job));
}

async function staticRound(factor) {
  const plan = partition(FILES, { shardCount: JOBS, durations: BASE });
  return Promise.all(
    plan.shards.map(async (shard, i) => {
      const start = performance.now();
      await runFiles(shard.files, factor, i + 1);
      return performance.now() - start;
    }),
  );
}

async function queueRound(url, factor, round) {
  const units = seedOrder(FILES.map((unit) => ({ unit, ms: BASE[unit] })));
  const unitMs = FILES.reduce((s, f) => s + BASE[f], 0) / FILES.length;
  const queues = await Promise.all(
    Array.from({ length: JOBS }, () =>
      RedisQueue.open({ address: parseQueueUrl(url), runId: `bench-${round}` }),
    ),
  );
  try {
    return await Promise.all(
      queues.map(async (queue, i) => {
        const start = performance.now();
        await runQueueJob({
          queue,
          runId: `bench-${round}`,
          attempt: 1,
          job: i + 1,
          jobs: JOBS,
          fingerprint: 'bench',
          units,
          unitMs,
          startupMs: 0,
          runBatch: async (batch) => {
            await runFiles(batch, factor, i + 1);
            return 0;
          },
          now: () => Math.round(performance.now() - start),
        });
        return performance.now() - start;
      }),
    );
  } finally {
    await queues[0].clear();
    await Promise.all(queues.map((q) => q.close()));
  }
}

async function overheadPerUnit(url, n) {
  const queue = await RedisQueue.open({ address: parseQueueUrl(url), runId: `bench-overhead-${n}` });
  const units = Array.from({ length: 300 }, (_, i) => `u${i}`);
  const start = performance.now();
  await runQueueJob({
    queue,
    runId: `bench-overhead-${n}`,
    attempt: 1,
    job: 1,
    jobs: 1,
    fingerprint: 'bench',
    units,
    unitMs: 1,
    startupMs: 0,
    runBatch: () => Promise.resolve(0),
    now: () => Math.round(performance.now() - start),
  });
  const ms = (performance.now() - start) / units.length;
  await queue.clear();
  await queue.close();
  return ms;
}

async function startServer() {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const q = await RedisQueue.open({ address: parseQueueUrl(url), runId: 'probe' });
      await q.close();
      return { url, stop: () => process.kill(child.pid, 'SIGTERM') };
    } catch (error) {
      if (i > 100) throw error;
      await sleep(50);
    }
  }
}

const server = await startServer().catch((error) => {
  console.log(`(skipped: cannot start redis-server: ${error.message}; apt-get install -y redis-server)`);
  process.exit(0);
});
try {
  console.log(
    `Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}; ${ROUNDS} rounds, interleaved.\n`,
  );
  const results = { static: [], queue: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const factor = factors(round);
    const order = round % 2 === 0 ? ['static', 'queue'] : ['queue', 'static'];
    for (const mode of order) {
      const walls =
        mode === 'static' ? await staticRound(factor) : await queueRound(server.url, factor, round);
      const max = Math.max(...walls);
      const mean = walls.reduce((a, b) => a + b, 0) / walls.length;
      results[mode].push({ ratio: max / mean, max });
    }
  }
  const row = (mode) => {
    const r = results[mode];
    return `| ${mode.padEnd(6)} | ${median(r.map((x) => x.ratio))
      .toFixed(3)
      .padStart(8)} | ${(median(r.map((x) => x.max)) / 1000).toFixed(2).padStart(11)} s |`;
  };
  console.log('| mode   | max/mean | slowest job   |\n|--------|---------:|--------------:|');
  console.log(row('static'));
  console.log(row('queue'));
  const sooner = 1 - median(results.queue.map((x) => x.max)) / median(results.static.map((x) => x.max));
  console.log(
    `\nThe queue's slowest job finished ${(100 * sooner).toFixed(1)}% sooner than the static plan's (target ≥ 15%).`,
  );
  const overhead = [];
  for (let n = 0; n < 5; n++) overhead.push(await overheadPerUnit(server.url, n));
  console.log(
    `Queue overhead per unit (claim + acknowledge, one unit per batch): ${median(overhead).toFixed(2)} ms (median of 5 × 300 units).`,
  );
} finally {
  server.stop();
}
