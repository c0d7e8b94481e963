#!/usr/bin/env node
/**
 * The recording overhead of @shardwise/vitest: a 200-file project in a temp dir, run in full with and
 * without the plugin (the real `vitest run` in a fresh process each time), the median wall time of each,
 * and the overhead in %. Target: under 2%.
 *
 * Runs alternate (without, with, without, …) after one unmeasured warm-up of each, so that a drift in the
 * machine's load hits both sides alike. Usage: `node bench/vitest-overhead.js [--runs N] [--files N]`.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const repo = path.resolve(import.meta.dirname, '..');
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');
const pluginEntry = path.join(repo, 'packages/vitest-plugin/dist/index.js');
/** GNU time gives the CPU time of the whole process tree (main process and workers). */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, files: { type: 'string', default: '200' } },
});
const RUNS = Number(values.runs);
/**
 * Threads without per-file isolation: the cheapest way Vitest can run 200 files, so the run is short and a
 * fixed cost of the plugin (loading it, planning, writing the report, all in the main process) weighs the
 * most. With the default forks pool each file costs a process start, and the same overhead looks smaller.
 */
const RUNNER_FLAGS = ['--pool=threads', '--no-isolate'];
const FILES = Number(values.files);

/**
 * node_modules as an install from the registry leaves it: the repo's dependencies linked, and the two
 * shardwise packages as real folders. Vite bundles a config's imports that resolve outside node_modules,
 * and the workspace links resolve to packages/*: linking them would time that bundling, which no user pays.
 */
async function installAsUser(dir) {
  const modules = path.join(dir, 'node_modules');
  await fs.mkdir(path.join(modules, '@shardwise'), { recursive: true });
  for (const entry of await fs.readdir(path.join(repo, 'node_modules'))) {
    if (entry !== '@shardwise')
      await fs.symlink(path.join(repo, 'node_modules', entry), path.join(modules, entry));
  }
  for (const [name, folder] of [
    ['core', 'core'],
    ['vitest', 'vitest-plugin'],
  ]) {
    for (const part of ['package.json', 'dist']) {
      await fs.cp(path.join(repo, 'packages', folder, part), path.join(modules, '@shardwise', name, part), {
        recursive: true,
      });
    }
  }
}

/** A project like a real suite's: many small files with a few tests each, a few slower ones. */
async function makeProject() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-vitest-bench-'));
  await fs.mkdir(path.join(dir, 'tests'));
  await installAsUser(dir);
  await fs.writeFile(path.join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  await fs.writeFile(
    path.join(dir, 'without.config.js'),
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n",
  );
  await fs.writeFile(
    path.join(dir, 'with.config.js'),
    // As a user's config does, with the packages installed in node_modules (see installAsUser).
    "import { defineConfig } from 'vitest/config';\nimport { shardwise } from '@shardwise/vitest';\n" +
      'export default defineConfig({ plugins: [shardwise()] });\n',
  );
  await Promise.all(
    Array.from({ length: FILES }, (_, i) => {
      const sleep = i % 10 === 0 ? 30 : 0;
      return fs.writeFile(
        path.join(dir, 'tests', `file-${String(i).padStart(3, '0')}.test.js`),
        `import { describe, expect, it } from 'vitest';
describe('file ${i}', () => {
  it('adds', () => expect(${i} + 1).toBe(${i + 1}));
  it('sorts', () => expect([3, 1, 2].sort()).toEqual([1, 2, 3]));
  it('waits', async () => { await new Promise((r) => setTimeout(r, ${sleep})); expect(true).toBe(true); });
});
`,
      );
    }),
  );
  return dir;
}

/** One full run in a fresh process: its wall time and, with GNU time, its CPU time (user + system), in ms. */
async function runVitest(dir, config) {
  const env = { ...process.env, NO_COLOR: '1', CI: 'true' };
  for (const key of Object.keys(env)) if (/^(VITEST|SHARDWISE_)/.test(key)) delete env[key];
  const args = [vitestBin, 'run', '--config', config, '--reporter=dot', ...RUNNER_FLAGS];
  const cpuFile = path.join(dir, 'cpu.txt');
  const [command, argv] = gnuTime
    ? [gnuTime, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]]
    : [process.execPath, args];
  const wall = await new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`vitest (${config}) exited ${code}\n${stderr}`));
      else resolve(performance.now() - started);
    });
  });
  let cpu;
  if (gnuTime) {
    const [user, sys] = (await fs.readFile(cpuFile, 'utf8')).trim().split(/\s+/).map(Number);
    cpu = (user + sys) * 1000;
  }
  return { wall, cpu };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (!existsSync(pluginEntry)) {
  console.error(`${path.relative(repo, pluginEntry)} is missing: build first (npx tsc -b)`);
  process.exit(2);
}

const dir = await makeProject();
try {
  const load = os.loadavg()[0];
  const runs = { without: [], with: [] };
  await runVitest(dir, 'without.config.js');
  await runVitest(dir, 'with.config.js');
  for (let run = 0; run < RUNS; run++) {
    runs.without.push(await runVitest(dir, 'without.config.js'));
    runs.with.push(await runVitest(dir, 'with.config.js'));
  }
  const reports = await fs.readdir(path.join(dir, '.shardwise/reports'));
  if (reports.length !== 1) throw new Error(`expected one report, found ${reports.join(', ')}`);

  const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const pct = (a, b) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(2)} %`;
  const wall = {
    without: median(runs.without.map((r) => r.wall)),
    with: median(runs.with.map((r) => r.wall)),
  };
  const rows = [
    ['', `wall, median of ${RUNS}`, 'runs (wall)'],
    ['without plugin', sec(wall.without), runs.without.map((r) => sec(r.wall)).join(' ')],
    ['with shardwise()', sec(wall.with), runs.with.map((r) => sec(r.wall)).join(' ')],
    ['overhead', pct(wall.without, wall.with), 'target < 2 %'],
  ];
  if (gnuTime) {
    const cpu = {
      without: median(runs.without.map((r) => r.cpu)),
      with: median(runs.with.map((r) => r.cpu)),
    };
    rows.push(['CPU (user+sys)', `${sec(cpu.without)} → ${sec(cpu.with)}`, pct(cpu.without, cpu.with)]);
  }
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(
    `\n@shardwise/vitest recording overhead: ${FILES} test files, full \`vitest run\` (${RUNNER_FLAGS.join(' ')})`,
  );
  console.log(
    `load average ${load.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores\n`,
  );
  for (const [a, b, c] of rows) console.log(`  ${a.padEnd(widths[0])}  ${b.padStart(widths[1])}  ${c}`);
  // On a shared machine other processes move wall times by far more than 2%; CPU time barely moves.
  const spread = Math.max(
    ...[runs.without, runs.with].map((rs) => {
      const walls = rs.map((r) => r.wall);
      return (Math.max(...walls) - Math.min(...walls)) / Math.min(...walls);
    }),
  );
  if (spread > 0.1) {
    console.log(
      `\n  note: wall times of one configuration spread ${(spread * 100).toFixed(0)} % on this machine, more than the` +
        ` effect measured${gnuTime ? '; the CPU line is the steadier figure' : ''}`,
    );
  }
  console.log('');
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
