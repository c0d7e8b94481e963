// `npm run bench`: the partitioner against its targets, then the other benchmarks in bench/.
//   node bench/run.js [--quick] [--runs N]     (--quick or BENCH_ONLY=partition: the partition part only)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realDatasets, realDir, repoRoot, syntheticDatasets, threePerShard } from './datasets.js';
import { churn, qualityCell } from './partition.js';

const args = process.argv.slice(2);
const partitionOnly = args.includes('--quick') || process.env.BENCH_ONLY === 'partition';
const runsArg = args.indexOf('--runs');
const RUNS = Math.max(5, runsArg >= 0 ? Number(args[runsArg + 1]) : 5);
const KS = [2, 4, 8, 16, 32, 64];

const pad = (text, width, right = false) =>
  right ? String(text).padStart(width) : String(text).padEnd(width);
const ratio = (x) => x.toFixed(5);
const percent = (x) => `${(100 * x).toFixed(1)}%`;

function table(headers, rows, rightAligned = []) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    '| ' + cells.map((c, i) => pad(c, widths[i], rightAligned.includes(i))).join(' | ') + ' |';
  console.log(line(headers));
  console.log(
    '|' +
      widths
        .map((w, i) => (rightAligned.includes(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2)))
        .join('|') +
      '|',
  );
  for (const r of rows) console.log(line(r));
}

function machine() {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${load}`;
}

console.log(
  `# shardwise benchmark\n\n${machine()}. Timings are medians of ${RUNS} runs; plans are deterministic.\n`,
);

// 1. Quality against the lower bound.
const real = realDatasets();
if (real.length === 0) console.log(`(no real datasets: ${realDir} is missing)\n`);
const datasets = [...real, ...syntheticDatasets()];
console.log('## Makespan / lower bound\n');
console.log(
  "LB is the partitioner's proven lower bound; `*` marks cells where the largest file alone sets it. jest/vitest: the\n" +
    'built-in `--shard` split (sha1 of the path, equal-count slices). Targets: never worse than LPT; = LB where shards\n' +
    'hold ≥ 8 files on average; within 0.5% of LB with fewer files wherever the optimum allows it.\n',
);
const cells = [];
const summary = [];
for (const k of KS) {
  for (const d of [...datasets, threePerShard(k)]) cells.push(qualityCell(d, k, RUNS));
}
const byDataset = new Map();
for (const c of cells) {
  const key = c.dataset.startsWith('3 per shard') ? '3 per shard' : c.dataset;
  if (!byDataset.has(key)) byDataset.set(key, []);
  byDataset.get(key).push(c);
}
const rows = [];
for (const [name, list] of byDataset) {
  for (const c of list) {
    const flag = c.flags.length > 0 ? `✗ ${c.flags.join('; ')}` : c.note ? `✓ ${c.note}` : '✓';
    rows.push([
      name,
      c.n,
      c.k,
      c.perShard.toFixed(1),
      ratio(c.shardwise) + (c.largestSetsLb ? '*' : ' '),
      ratio(c.lpt),
      ratio(c.jest),
      ratio(c.vitest),
      c.ms.toFixed(1),
      flag,
    ]);
  }
}
table(
  ['dataset', 'files', 'k', 'files/shard', 'shardwise', 'LPT', 'jest', 'vitest', 'plan ms', 'target'],
  rows,
  [1, 2, 3, 4, 5, 6, 7, 8],
);
const misses = cells.filter((c) => c.flags.length > 0);
const atLb = cells.filter((c) => c.makespan === c.lb).length;
const worst = (key) => cells.reduce((a, c) => (c[key] > a[key] ? c : a));
summary.push(
  `quality: ${cells.length} cells, ${atLb} at LB (proven optimal), ${misses.length} missing a target; ` +
    `worst shardwise ${ratio(worst('shardwise').shardwise)} (${worst('shardwise').dataset}, k=${worst('shardwise').k}), ` +
    `worst LPT ${ratio(worst('lpt').lpt)} (${worst('lpt').dataset}, k=${worst('lpt').k}), ` +
    `worst jest ${ratio(worst('jest').jest)} (${worst('jest').dataset}, k=${worst('jest').k})`,
);
for (const c of cells.filter((x) => x.note))
  summary.push(`${c.dataset}, k=${c.k}: ${ratio(c.shardwise)} × LB, ${c.note}`);
for (const c of misses) summary.push(`MISSED: ${c.dataset}, k=${c.k}: ${c.flags.join('; ')}`);

// 2. Stability.
console.log('\n## Stability: re-plan after ±10% drift (k = 8, medians of 5 drifts)\n');
const churnRows = [...datasets, threePerShard(8)].map((d) => churn(d, 8));
table(
  ['dataset', 'files', 'moved, fresh plan', 'moved, with previous', 'fresh / LB', 'with previous / LB'],
  churnRows.map((r) => [
    r.dataset,
    r.n,
    percent(r.movedFresh),
    percent(r.movedStable),
    ratio(r.freshRatio),
    ratio(r.stableRatio) + (r.stableWorse ? ' ✗ worse than fresh' : ''),
  ]),
  [1, 2, 3, 4, 5],
);
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
summary.push(
  `stability (k=8, ±10%): median ${percent(med(churnRows.map((r) => r.movedFresh)))} of files move with a fresh plan, ` +
    `${percent(med(churnRows.map((r) => r.movedStable)))} with \`previous\`` +
    (churnRows.some((r) => r.stableWorse) ? ' — WORSE THAN FRESH somewhere' : ', never a worse makespan'),
);

// 3. Speed and memory, each size in a fresh process.
console.log(
  `\n## Planning speed (log-normal durations, median of ${RUNS} runs after three warm-ups) and memory\n`,
);
const speedScript = path.join(repoRoot, 'bench', 'speed.js');
const child = (n, k, mode) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--expose-gc',
        // Memory: a young generation large enough that no collection runs during the plan (see speed.js).
        ...(mode === 'memory' ? ['--max-semi-space-size=1024'] : []),
        speedScript,
        String(n),
        String(k),
        String(RUNS),
        mode,
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    ),
  );
const sizes = [
  { n: 100_000, k: 64, target: 100 },
  { n: 1_000_000, k: 256, target: 1500 },
];
/** ✓ on wall time; on a busy machine (load above the core count) ✓ on CPU time is reported as such. */
function verdict(r) {
  if (r.time.median <= r.target) return '✓';
  if (os.loadavg()[0] > os.cpus().length && r.time.cpuMedian <= r.target) return '✓ (CPU; machine busy)';
  return '✗';
}
const speedRows = sizes.map(({ n, k, target }) => {
  const time = child(n, k, 'time');
  const memory = child(n, k, 'memory');
  return { n, k, target, time, memory };
});
table(
  [
    'files',
    'shards',
    'wall ms (median)',
    'wall runs',
    'partition() alone',
    'CPU ms (median)',
    'cold wall ms',
    'target',
    'makespan / LB',
    'allocated MB',
    'retained bytes/file',
  ],
  speedRows.map((r) => [
    r.n.toLocaleString('en'),
    r.k,
    r.time.median.toFixed(0),
    r.time.samples.map((x) => x.toFixed(0)).join(' '),
    r.time.callMedian.toFixed(0),
    r.time.cpuMedian.toFixed(0),
    r.time.cold.toFixed(0),
    `≤ ${r.target} ${verdict(r)}`,
    ratio(r.time.ratio),
    (r.memory.lowerBound ? '≥ ' : '') + ((r.memory.allocatedBytesPerFile * r.n) / 2 ** 20).toFixed(1),
    r.memory.retainedBytesPerFile.toFixed(0),
  ]),
  [1, 2, 4, 5, 6, 8, 9, 10],
);
console.log(
  "\nwall: elapsed time of partition() and the first read of the plan's fingerprint, which is computed then\n" +
    '(files and durations in memory, a fresh GC before each run); partition() alone: without that read (what\n' +
    "`shard files` pays). CPU: the process's CPU time over the same span, all threads (GC helpers included). On a machine shared with other\n" +
    'work the wall time also counts waiting for a core, so the verdict falls back to the CPU time there.\n' +
    'allocated: heap and buffers allocated by one plan (an upper bound on its peak memory); "≥" when a\n' +
    'collection ran during the call, which hides freed temporaries. retained: the plan itself after GC.',
);
{
  // Linearity, from two sizes small enough that no collection runs during the call.
  const [small, large] = [child(30_000, 64, 'memory'), child(300_000, 64, 'memory')];
  const bytes = (r) => r.allocatedBytesPerFile * r.n;
  const marginal = (bytes(large) - bytes(small)) / (large.n - small.n);
  const fixed = bytes(small) - marginal * small.n;
  const exact = !small.lowerBound && !large.lowerBound;
  const line =
    `memory: allocation grows by ${marginal.toFixed(0)} bytes per file (plus ${(fixed / 2 ** 20).toFixed(0)} MB fixed), ` +
    `fitted at 30,000 and 300,000 files${exact ? '' : ' (a collection ran: approximate)'}; the plan retains ` +
    `${speedRows.map((r) => r.memory.retainedBytesPerFile.toFixed(0)).join(' and ')} bytes per file at ` +
    `${speedRows.map((r) => r.n.toLocaleString('en')).join(' and ')} files`;
  console.log(`\n${line}`);
  summary.push(line);
}
for (const r of speedRows) {
  summary.push(
    `speed: ${r.n.toLocaleString('en')} × ${r.k}: median ${r.time.median.toFixed(0)} ms wall, ` +
      `${r.time.cpuMedian.toFixed(0)} ms CPU (target ≤ ${r.target} ms: ${verdict(r)}), ` +
      `${r.memory.lowerBound ? '≥ ' : ''}${((r.memory.allocatedBytesPerFile * r.n) / 2 ** 20).toFixed(0)} MB allocated`,
  );
}

console.log('\n## Summary\n');
for (const line of summary) console.log(`- ${line}`);
console.log(`- ${machine()}`);

// 4. The other benchmarks.
if (!partitionOnly) {
  for (const script of [
    'cli-files.js',
    'jest-overhead.js',
    'vitest-overhead.js',
    'loop-balance.js',
    'wall-clock.js',
    'split.js',
    'jest-split.js',
    'playwright-balance.js',
    'queue-balance.js',
  ]) {
    const file = path.join(repoRoot, 'bench', script);
    console.log(`\n# bench/${script}\n`);
    if (!existsSync(file)) {
      console.log(`(skipped: bench/${script} does not exist yet)`);
      continue;
    }
    const result = spawnSync(process.execPath, [file], { stdio: 'inherit', cwd: repoRoot });
    if (result.status !== 0) {
      console.log(`(bench/${script} exited with ${result.status ?? result.signal})`);
      process.exitCode = 1;
    }
  }
}
