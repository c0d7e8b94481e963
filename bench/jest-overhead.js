// The cost of @shardwise/jest on a full Jest run: a generated 200-file project, run with Jest's own
// sequencer and with ours (store present, recording on), alternately, 5 times each; prints the medians and
// the overhead. Target: under 2 %. Plain Node ESM; `node bench/jest-overhead.js [--runs N] [--files N]`.
//
// On a shared machine whole Jest runs vary by several percent, more than the plugin costs, so the script
// also measures the plugin's own time directly: the time its hooks take inside those runs (DEBUG=shardwise)
// plus the time to load it, against the time Jest already spends loading its own sequencer.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
const plugin = path.join(repo, 'packages', 'jest-plugin', 'dist', 'index.js');
const TARGET_PERCENT = 2;

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, files: { type: 'string', default: '200' } },
});
const runs = Number(values.runs);
const fileCount = Number(values.files);

async function main() {
  try {
    await fs.access(plugin);
  } catch {
    console.error(`jest-overhead: ${path.relative(repo, plugin)} is missing; run \`npx tsc -b\` first`);
    process.exit(2);
  }
  const { mergeReports, readStoreFile, writeStoreFile, parseReport } = await import('@shardwise/core');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-jest-bench-'));
  try {
    await generate(dir);
    const store = path.join(dir, 'shard-timings.json');
    const reports = path.join(dir, '.shardwise', 'reports');

    // Warm Jest's caches for both configs, and record once so the plugin runs with a store, as in CI.
    run(dir, 'plain');
    run(dir, 'plugin');
    const texts = await Promise.all(
      (await fs.readdir(reports)).map(async (f) =>
        parseReport(await fs.readFile(path.join(reports, f), 'utf8')),
      ),
    );
    await writeStoreFile(store, mergeReports(await readStoreFile(store), texts).store);
    hookTimes.length = 0; // the warm-up ran without a store

    const times = { plain: [], plugin: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate, so drift in machine load hits both sides alike.
      for (const variant of i % 2 === 0 ? ['plain', 'plugin'] : ['plugin', 'plain']) {
        times[variant].push(run(dir, variant));
      }
    }
    const plain = median(times.plain);
    const withPlugin = median(times.plugin);
    const overhead = ((withPlugin - plain) / plain) * 100;
    const spread = ((Math.max(...times.plain) - Math.min(...times.plain)) / plain) * 100;
    const hooks = median(hookTimes);
    const load = Math.max(0, median(importTimes(plugin)) - median(importTimes('@jest/test-sequencer')));
    const own = ((hooks + load) / plain) * 100;
    const rows = [
      ['variant', 'median ms', 'runs (ms)'],
      ['jest (own sequencer)', String(Math.round(plain)), times.plain.map(Math.round).join(' ')],
      ['jest + @shardwise/jest', String(Math.round(withPlugin)), times.plugin.map(Math.round).join(' ')],
    ];
    console.log(
      `Jest full run, ${fileCount} test files, median of ${runs} (${os.cpus().length} cores, --maxWorkers=2)`,
    );
    printTable(rows);
    const verdict = (p) => (p < TARGET_PERCENT ? 'ok' : 'ABOVE TARGET');
    console.log(
      `overhead, whole runs:     ${overhead.toFixed(2)} % (target < ${TARGET_PERCENT} %: ${verdict(overhead)}; plain runs spread over ${spread.toFixed(1)} %)`,
    );
    console.log(
      `overhead, plugin's own:   ${own.toFixed(2)} % (hooks ${hooks.toFixed(0)} ms + loading ${load.toFixed(0)} ms; target < ${TARGET_PERCENT} %: ${verdict(own)})`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function generate(dir) {
  const tests = path.join(dir, 'tests');
  await fs.mkdir(tests, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'lib.cjs'),
    'exports.fib = (n) => (n < 2 ? n : exports.fib(n - 1) + exports.fib(n - 2));\n',
  );
  const writes = [];
  for (let i = 0; i < fileCount; i++) {
    // Durations vary by file (5 to 35 ms of waiting), so the plan and the order matter.
    const wait = 5 + (i % 7) * 5;
    const body = `/* global test, expect */
const { fib } = require('../lib.cjs');
test('computes', () => expect(fib(15)).toBe(610));
test('waits ${wait} ms', () => new Promise((resolve) => setTimeout(resolve, ${wait})));
`;
    writes.push(fs.writeFile(path.join(tests, `file-${String(i).padStart(3, '0')}.test.cjs`), body));
  }
  await Promise.all(writes);
  const base = {
    testMatch: ['<rootDir>/tests/**/*.test.cjs'],
    testEnvironment: 'node',
    cacheDirectory: '<rootDir>/.cache',
  };
  await fs.writeFile(path.join(dir, 'plain.config.json'), JSON.stringify(base));
  await fs.writeFile(
    path.join(dir, 'plugin.config.json'),
    JSON.stringify({ ...base, testSequencer: plugin }),
  );
}

const hookTimes = [];

/** Median time to load a module in a fresh Node process, in ms. */
function importTimes(specifier) {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  return Array.from({ length: 5 }, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: repo,
      encoding: 'utf8',
    });
    return Number(r.stdout.trim());
  });
}

/** One full Jest run; returns its wall time in ms. */
function run(dir, variant) {
  const start = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    [
      jestBin,
      '--rootDir',
      dir,
      '--config',
      path.join(dir, `${variant}.config.json`),
      '--silent',
      '--maxWorkers=2',
    ],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', DEBUG: 'shardwise' } },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(`jest (${variant}) exited with ${result.status}`);
  }
  const hooks = /time in the sequencer ([\d.]+) ms/.exec(result.stderr);
  if (variant === 'plugin' && hooks) hookTimes.push(Number(hooks[1]));
  return ms;
}

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

await main();
