// Playwright: how even three shard jobs come out on examples/playwright-basic, split by @shardwise/playwright
// (from a store learned by one cold sharded run and `shard merge`) and by Playwright's own `--shard` (by
// test count), side by side in each round; every round also proves from Playwright's own JSON reporter output
// that each test ran exactly once across the shards, for both splits; and it measures what the reporter costs.
//
//   node bench/playwright-balance.js [--runs N] [--scale S]     (build first: npx tsc -b)
//
// Targets: slowest/mean shard wall ≤ 1.10 with shardwise, where `playwright test --shard` gives ≥ 1.3; the
// reporter's recording (its test events and its report) < 2 % of the suite's wall time. A shard's wall is the
// job's: spawn of `playwright test` to its exit. The three jobs of a round run at once, on this machine's cores
// (a CI matrix gives each job a machine), so start-up jitter moves a round's ratio; the medians of the rounds
// are the figures.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(repo, 'examples/playwright-basic');
const cliBin = path.join(repo, 'packages/cli/dist/bin.js');
const SHARDS = 3;
const TARGET = 1.1;
const NATIVE_TARGET = 1.3;
const OVERHEAD_PERCENT = 2;

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, scale: { type: 'string', default: '6' } },
});
const RUNS = Math.max(1, Number(values.runs));
// The example's waits, stretched (EXAMPLE_SCALE): at scale 1 its tests take ~7 s in all, less than three
// Playwright start-ups on a busy 2-core machine, and start-up would decide the shards' walls.
const SCALE = Number(values.scale);

if (!existsSync(cliBin) || !existsSync(path.join(repo, 'packages/playwright-plugin/dist/index.js'))) {
  console.error('build first: npx tsc -b');
  process.exit(2);
}

function run(args, cwd, env = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...cleanEnv(), NO_COLOR: '1', CI: 'true', EXAMPLE_SCALE: String(SCALE), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
  });
}

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(SHARDWISE_|PLAYWRIGHT_|PW_|DEBUG$)/.test(k)) env[k] = v;
  return env;
}

const playwright = (dir, args, env) =>
  run([path.join(dir, 'node_modules/@playwright/test/cli.js'), 'test', ...args], dir, env);

/** Every test of a Playwright JSON report (`listed`: also those without a result, for `--list`). */
function testsOf(report, listed = false) {
  const out = [];
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests)
        if (listed || t.results.length > 0)
          out.push(`${t.projectName}|${spec.file} › ${[...titles, spec.title].join(' › ')}`);
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  for (const file of report.suites) visit(file, []);
  return out;
}

/** Each test of `all` ran exactly once across the shards' JSON reports: the missing and duplicated ones. */
function exactlyOnce(all, shards) {
  const count = new Map(all.map((t) => [t, 0]));
  const extra = [];
  for (const t of shards.flat()) {
    if (count.has(t)) count.set(t, count.get(t) + 1);
    else extra.push(t);
  }
  const missing = [...count].filter(([, n]) => n === 0).map(([t]) => t);
  const twice = [...count].filter(([, n]) => n > 1).map(([t]) => t);
  return { ok: missing.length === 0 && twice.length === 0 && extra.length === 0, missing, twice, extra };
}

/** Three shard jobs at once; `shardwise` false: the reporter is left out (`--reporter=json` replaces the config's). */
async function matrix(dir, round, shardwise) {
  const tag = `${shardwise ? 'sw' : 'pw'}-${round}`;
  const results = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      playwright(
        dir,
        [
          `--shard=${i + 1}/${SHARDS}`,
          // Each job its own output folder: Playwright empties it at start, which would race with the others.
          `--output=${path.join(dir, 'bench', `results-${tag}-${i + 1}`)}`,
          `--reporter=${shardwise ? '@shardwise/playwright,json' : 'json'}`,
        ],
        {
          PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(dir, 'bench', `${tag}-${i + 1}.json`),
          SHARDWISE_REPORTS_DIR: path.join(dir, 'bench', `reports-${tag}`),
          DEBUG: 'shardwise',
        },
      ),
    ),
  );
  const shards = [];
  for (const [i, r] of results.entries()) {
    if (r.code !== 0) throw new Error(`${tag} shard ${i + 1} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'bench', `${tag}-${i + 1}.json`), 'utf8'));
    const debug =
      /time in the reporter [\d.]+ ms \(preprocess ([\d.]+), onTestEnd ([\d.]+), onEnd ([\d.]+)\)/.exec(
        r.stderr,
      );
    shards.push({
      wallMs: r.wallMs,
      playwrightMs: json.stats.duration,
      tests: testsOf(json),
      planMs: debug ? Number(debug[1]) : 0,
      recordMs: debug ? Number(debug[2]) + Number(debug[3]) : 0,
    });
  }
  return shards;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const maxOverMean = (xs) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);
const sec = (ms) => (ms / 1000).toFixed(1);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-bench-playwright-'));
try {
  await fs.cp(example, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|\.shardwise|test-results|shard-timings\.json)$/.test(src),
  });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await fs.mkdir(path.join(dir, 'bench'));
  const listed = await playwright(dir, ['--list', '--reporter=json']);
  const all = testsOf(JSON.parse(listed.stdout), true);

  // The cold run (no store: planned by estimate) and its merge: the store a CI cache holds from then on.
  await matrix(dir, 'cold', true);
  const merged = await run(
    [cliBin, 'merge', '--timings', 'shard-timings.json', path.join(dir, 'bench', 'reports-sw-cold')],
    dir,
  );
  if (merged.code !== 0) throw new Error(`shard merge: ${merged.stderr}`);

  console.log(
    `examples/playwright-basic (${all.length} tests, waits × ${SCALE}), ${SHARDS} shard jobs at once, workers: 1 each; Playwright ` +
      `${JSON.parse(listed.stdout).config.version}; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}; ${RUNS} rounds.\n`,
  );
  console.log(
    '| round | shardwise max/mean | shard walls s | --shard max/mean | shard walls s | exactly once (both) | planning % | recording % |',
  );
  console.log(
    '|------:|-------------------:|---------------|-----------------:|---------------|---------------------|-----------:|------------:|',
  );
  const rows = [];
  for (let round = 1; round <= RUNS; round++) {
    // Alternate which split goes first, so that a drift in the machine's load is shared.
    const first = round % 2 === 1;
    const a = await matrix(dir, round, first);
    const b = await matrix(dir, round, !first);
    const [ours, theirs] = first ? [a, b] : [b, a];
    const once = [
      exactlyOnce(
        all,
        ours.map((s) => s.tests),
      ),
      exactlyOnce(
        all,
        theirs.map((s) => s.tests),
      ),
    ];
    const suiteMs = ours.reduce((sum, s) => sum + s.wallMs, 0);
    const row = {
      ours: maxOverMean(ours.map((s) => s.wallMs)),
      theirs: maxOverMean(theirs.map((s) => s.wallMs)),
      once: once.every((o) => o.ok),
      planPercent: (100 * ours.reduce((sum, s) => sum + s.planMs, 0)) / suiteMs,
      recordPercent: (100 * ours.reduce((sum, s) => sum + s.recordMs, 0)) / suiteMs,
    };
    rows.push(row);
    console.log(
      `| ${round} | ${row.ours.toFixed(3)} | ${ours.map((s) => sec(s.wallMs)).join(', ')} | ${row.theirs.toFixed(3)} | ` +
        `${theirs.map((s) => sec(s.wallMs)).join(', ')} | ${row.once ? '✓' : `✗ ${JSON.stringify(once)}`} | ` +
        `${row.planPercent.toFixed(2)} | ${row.recordPercent.toFixed(3)} |`,
    );
  }
  const ours = median(rows.map((r) => r.ours));
  const theirs = median(rows.map((r) => r.theirs));
  const record = median(rows.map((r) => r.recordPercent));
  const plan = median(rows.map((r) => r.planPercent));
  const once = rows.every((r) => r.once);
  console.log(
    `\nmedians of ${RUNS} rounds: shardwise ${ours.toFixed(3)} (target ≤ ${TARGET} ${ours <= TARGET ? '✓' : '✗'}), ` +
      `playwright --shard ${theirs.toFixed(3)} (expected ≥ ${NATIVE_TARGET} ${theirs >= NATIVE_TARGET ? '✓' : '✗'}); ` +
      `every test exactly once in every round, both splits: ${once ? '✓' : '✗'}; recording ${record.toFixed(3)} % of the ` +
      `suite's wall (target < ${OVERHEAD_PERCENT} % ${record < OVERHEAD_PERCENT ? '✓' : '✗'}), planning ${plan.toFixed(2)} %.`,
  );
  console.log(
    "recording: the reporter's test events and its report (DEBUG=shardwise timings); planning: its preprocess (loading\n" +
      "the core, reading the store, planning the units), once per job; both over the sum of the three jobs' walls.",
  );
  if (!(ours <= TARGET && once && record < OVERHEAD_PERCENT)) process.exitCode = 1;
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
