// The cost of @shardwise/jest on a full Jest run: a generated 200-file project, run with Jest's own
// sequencer and with ours (store present, recording on), alternately, 5 times each; prints the medians and
// the overhead. Target: under 2 %. Plain Node ESM: `node bench/jest-overhead.js [--runs N] [--files N]`.
//
// Jest runs in band (what it does by itself on a 2-core machine), so one process does all the work and its
// CPU time is the cost of the run. On a shared machine wall times vary by more than the plugin costs; CPU
// time varies far less, so the verdict uses it, and the wall times are printed beside it. The overhead is the
// median of the differences between back-to-back runs. The plugin's own
// time is also measured directly: its hooks inside those runs (DEBUG=shardwise) plus the time to load it,
// less the time Jest spends loading its own sequencer.
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
  const { mergeReports, writeStoreFile, parseReport } = await import('@shardwise/core');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-jest-bench-'));
  try {
    await generate(dir);
    const reports = path.join(dir, '.shardwise', 'reports');

    // One recording run warms Jest's cache (shared by both configs) and gives the plugin a store, as in CI.
    run(dir, 'plugin');
    const recorded = await Promise.all(
      (await fs.readdir(reports)).map(async (f) =>
        parseReport(await fs.readFile(path.join(reports, f), 'utf8')),
      ),
    );
    await writeStoreFile(path.join(dir, 'shard-timings.json'), mergeReports(undefined, recorded).store);

    const samples = { plain: [], plugin: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate, so drift in machine load hits both sides alike.
      for (const variant of i % 2 === 0 ? ['plain', 'plugin'] : ['plugin', 'plain']) {
        samples[variant].push(run(dir, variant));
      }
    }
    const stat = (variant, field) => median(samples[variant].map((s) => s[field]));
    // Runs i of both variants ran back to back: the median of their paired differences cancels the drift
    // of the machine's load better than a difference of two medians.
    const percent = (field) =>
      median(samples.plain.map((p, i) => ((samples.plugin[i][field] - p[field]) / p[field]) * 100));
    const hooks = median(samples.plugin.map((s) => s.hooksMs));
    const load = Math.max(0, median(importTimes(plugin)) - median(importTimes('@jest/test-sequencer')));
    const own = ((hooks + load) / stat('plain', 'wallMs')) * 100;

    const fmt = (ms) => String(Math.round(ms));
    const rows = [['variant', 'CPU ms', 'wall ms', 'CPU of each run (ms)']];
    for (const [variant, name] of [
      ['plain', 'jest (own sequencer)'],
      ['plugin', 'jest + @shardwise/jest'],
    ]) {
      rows.push([
        name,
        fmt(stat(variant, 'cpuMs')),
        fmt(stat(variant, 'wallMs')),
        samples[variant].map((s) => fmt(s.cpuMs)).join(' '),
      ]);
    }
    const verdict = (p) => (p < TARGET_PERCENT ? 'ok' : 'ABOVE TARGET');
    console.log(
      `Jest full run in band, ${fileCount} test files, median of ${runs} (${os.cpus().length} cores)`,
    );
    printTable(rows);
    console.log(
      `overhead (CPU time):   ${percent('cpuMs').toFixed(2)} %  (target < ${TARGET_PERCENT} %: ${verdict(percent('cpuMs'))})`,
    );
    console.log(`overhead (wall time):  ${percent('wallMs').toFixed(2)} %  (noisy on a shared machine)`);
    const pairs = samples.plain.map((p, i) => ((samples.plugin[i].cpuMs - p.cpuMs) / p.cpuMs) * 100);
    console.log(
      `(median over the back-to-back pairs of (plugin - plain) / plain; CPU pairs: ${pairs.map((d) => `${d >= 0 ? '+' : ''}${d.toFixed(1)} %`).join(', ')})`,
    );
    console.log(
      `plugin's own time:     ${own.toFixed(2)} %  (target < ${TARGET_PERCENT} %: ${verdict(own)}; hooks ${fmt(hooks)} ms + loading ${fmt(load)} ms of a ${fmt(stat('plain', 'wallMs'))} ms run)`,
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
  // Runs Jest's bin in this process and reports the process's CPU time when Jest exits.
  await fs.writeFile(
    path.join(dir, 'measure.cjs'),
    `process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write('\\ncpu-us ' + (u.user + u.system) + '\\n');
});
require(${JSON.stringify(jestBin)});
`,
  );
}

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

/** One full Jest run, in band: its wall and CPU time, and the time spent in the plugin's hooks. */
function run(dir, variant) {
  const start = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    [
      path.join(dir, 'measure.cjs'),
      '--rootDir',
      dir,
      '--config',
      path.join(dir, `${variant}.config.json`),
      '--silent',
      '--runInBand',
    ],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', DEBUG: 'shardwise' } },
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(`jest (${variant}) exited with ${result.status}`);
  }
  const cpu = /^cpu-us (\d+)$/m.exec(result.stderr);
  const hooks = /time in the sequencer ([\d.]+) ms/.exec(result.stderr);
  return { wallMs, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN, hooksMs: hooks ? Number(hooks[1]) : 0 };
}

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  }
}

await main();
