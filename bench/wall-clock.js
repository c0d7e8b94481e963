// The wall-clock model on the real loop (issue 11): on each example, 3 shard jobs in parallel with 1 and with
// 2 workers per job. One learning pipeline (cold run + merge) learns the store and the wall model; then,
// side by side in one run, shardwise's jobs and the runner's own --shard jobs. Printed:
//   - predicted vs actual wall per shard (the prediction each job ran under, from its report's plan), and the
//     median over shards of |predicted − actual| / actual (target ≤ 10%);
//   - slowest/mean shard wall, shardwise against the native split (targets ≤ 1.10 where native ≥ 1.3);
//   - `--compare`'s predicted gain over `jest --shard`/`vitest --shard` (the same model applied to the native
//     cut) against the gain measured in this run (target: within 10 percentage points);
//   - the learned start-up costs.
// Ratios and errors, not timed tests: on a busy machine they move (test/loop.test.ts checks correctness).
//
//   node bench/wall-clock.js [--rounds N]       (build first: npx tsc -b)
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSplit, parseStore, splitWallMs } from '../packages/core/dist/public/index.js';
import { SHARDS, cli, copyExample, merge, repo, run, runners } from '../test/loop-harness.js';
import { median } from './partition.js';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 2;
// BENCH_RUNNER=jest|vitest and BENCH_WORKERS=1|2 narrow the run (the full one takes a few minutes).
const WORKERS = process.env.BENCH_WORKERS ? [Number(process.env.BENCH_WORKERS)] : [1, 2];
const RUNNERS = runners.filter((r) => !process.env.BENCH_RUNNER || r.name === process.env.BENCH_RUNNER);

if (!existsSync(cli)) {
  console.error(`${cli} is missing: build first (npx tsc -b)`);
  process.exit(2);
}

/** Shard i of n with `workers` workers per job; `native` leaves shardwise out. */
function command(name, i, n, workers, native) {
  if (name === 'jest') {
    return [
      path.join(repo, 'node_modules/jest/bin/jest.js'),
      `--shard=${i}/${n}`,
      `--maxWorkers=${workers}`,
      '--ci',
      ...(native ? ['--testSequencer=@jest/test-sequencer'] : []),
    ];
  }
  return [
    path.join(repo, 'node_modules/vitest/vitest.mjs'),
    'run',
    `--shard=${i}/${n}`,
    ...(workers === 1 ? ['--no-file-parallelism'] : ['--maxWorkers', String(workers)]),
    ...(native ? ['--config', 'vitest.native.config.ts'] : []),
  ];
}

/** The N jobs in parallel; each job's wall (process start to exit) in ms. */
async function matrix(name, dir, workers, native) {
  await fs.rm(path.join(dir, '.shardwise/reports'), { recursive: true, force: true });
  const results = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) => run(command(name, i + 1, SHARDS, workers, native), dir)),
  );
  results.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`${name} shard ${i + 1} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  });
  return results.map((r) => r.ms);
}

/** Each shard's prediction (from the plan its report carries) and the job wall its runner reported. */
async function predictions(dir) {
  const reportsDir = path.join(dir, '.shardwise/reports');
  const rows = [];
  for (const name of await fs.readdir(reportsDir)) {
    const report = JSON.parse(await fs.readFile(path.join(reportsDir, name), 'utf8'));
    const i = report.shard.index;
    rows[i - 1] = {
      predicted: report.plan.wallMs?.[i - 1] ?? report.plan.estimatedMs[i - 1],
      reported: report.job.wallMs,
    };
  }
  return rows;
}

const maxOverMean = (xs) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);
const s1 = (ms) => (ms / 1000).toFixed(1);

console.log(
  `${SHARDS} shard jobs in parallel on one machine (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}); ` +
    `after one learning pipeline, ${ROUNDS} rounds each of shardwise and the native split, alternated.\n`,
);
const summary = [];
for (const runner of RUNNERS) {
  for (const workers of WORKERS) {
    const dir = await copyExample(runner);
    try {
      // The learning pipeline: a cold run (no store: by estimate) and a merge, as a first CI run does.
      await matrix(runner.name, dir, workers, false);
      await merge(dir);
      const store = parseStore(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8'));
      const model = store.models?.get(runner.name);
      const ours = [];
      const theirs = [];
      const errors = [];
      const perShard = [];
      for (let round = 0; round < ROUNDS; round++) {
        const walls = await matrix(runner.name, dir, workers, false);
        const predicted = await predictions(dir);
        walls.forEach((ms, i) => {
          errors.push(Math.abs(predicted[i].predicted - ms) / ms);
          perShard.push(`${s1(predicted[i].predicted)}/${s1(ms)} (${s1(predicted[i].reported)})`);
        });
        ours.push(walls);
        theirs.push(await matrix(runner.name, dir, workers, true));
      }
      // The comparison `shard plan --compare` makes: the native cut under the same wall model.
      const files = [...store.files.keys()];
      const of = (f) => store.files.get(f).durationMs;
      const plan = JSON.parse(
        (await run([cli, 'plan', '--shards', String(SHARDS), '--json', '--runner', runner.name], dir)).stdout,
      );
      const nativeModel = model ?? { startupMs: 0, workerStartupMs: 0, workers };
      const predictedNative = splitWallMs(hashSplit(files, of, SHARDS, runner.name).shards, of, nativeModel);
      const predictedOurs = plan.wall?.makespanMs ?? plan.makespanMs;
      const predictedGain = 1 - predictedOurs / predictedNative;
      const oursMax = median(ours.map((w) => Math.max(...w)));
      const theirsMax = median(theirs.map((w) => Math.max(...w)));
      const measuredGain = 1 - oursMax / theirsMax;
      const balanceOurs = median(ours.map(maxOverMean));
      const balanceTheirs = median(theirs.map(maxOverMean));
      summary.push({
        runner: runner.name,
        workers,
        error: median(errors),
        perShard: perShard.join(' '),
        balanceOurs,
        balanceTheirs,
        predictedGain,
        measuredGain,
        model: model
          ? `start-up ${s1(model.startupMs)} s, worker ${s1(model.workerStartupMs)} s, ${model.workers} worker(s), gap ${model.fileGapMs ?? 0} ms, fixed/file ${model.fileFixedMs ?? '-'} ms`
          : 'none learned',
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
console.log(
  '| runner | workers | median abs error | predicted/actual s per shard (reported) | max/mean shardwise | native | predicted gain | measured gain | learned model |',
);
console.log('|---|---:|---:|---|---:|---:|---:|---:|---|');
for (const r of summary) {
  console.log(
    `| ${r.runner} | ${r.workers} | ${pct(r.error)} ${r.error <= 0.1 ? '✓' : '✗'} | ${r.perShard} | ${r.balanceOurs.toFixed(3)} ${r.balanceOurs <= 1.1 ? '✓' : '✗'} | ${r.balanceTheirs.toFixed(3)} | ${pct(r.predictedGain)} | ${pct(r.measuredGain)} ${Math.abs(r.predictedGain - r.measuredGain) <= 0.1 ? '✓' : '✗'} | ${r.model} |`,
  );
}
console.log(
  '\nTargets: median abs error ≤ 10%; shardwise max/mean ≤ 1.10 where the native split gives ≥ 1.3; predicted gain within 10 points of the measured gain.',
);
