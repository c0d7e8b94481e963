// The CI loop's machinery, shared by the end-to-end test (test/loop.test.ts: correctness) and the balance
// benchmark (bench/loop-balance.js: wall time), so both run the same matrix the same way. Plain JavaScript
// with JSDoc types because `npm run bench` runs it with Node directly; `tsc -b` checks it (test/tsconfig.json).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(repo, 'packages/cli/dist/bin.js');
/** Shard jobs per matrix, as separate processes in parallel. */
export const SHARDS = 3;

/**
 * @typedef {object} Runner
 * @property {'jest' | 'vitest'} name
 * @property {string} example the folder under examples/
 * @property {(i: number, n: number, native: boolean) => string[]} command the command of shard `i` of `n`;
 *   `native` leaves shardwise out (the runner's own --shard)
 * @property {(dir: string) => Promise<void>} prepareNative writes whatever the native command needs
 */

/** @type {Runner[]} */
export const runners = [
  {
    name: 'jest',
    example: 'jest-basic',
    command: (i, n, native) => [
      path.join(repo, 'node_modules/jest/bin/jest.js'),
      `--shard=${i}/${n}`,
      '--maxWorkers=1',
      '--ci',
      ...(native ? ['--testSequencer=@jest/test-sequencer'] : []),
    ],
    prepareNative: async () => {},
  },
  {
    name: 'vitest',
    example: 'vitest-basic',
    command: (i, n, native) => [
      path.join(repo, 'node_modules/vitest/vitest.mjs'),
      'run',
      `--shard=${i}/${n}`,
      '--no-file-parallelism',
      ...(native ? ['--config', 'vitest.native.config.ts'] : []),
    ],
    prepareNative: async (dir) => {
      const config = await fs.readFile(path.join(dir, 'vitest.config.ts'), 'utf8');
      const native = config
        .replace(/^import \{ shardwise \}.*\n/m, '')
        .replace(/^\s*plugins: \[shardwise\(\)\],\n/m, '');
      await fs.writeFile(path.join(dir, 'vitest.native.config.ts'), native);
    },
  },
];

/** @typedef {{ code: number | null; stdout: string; stderr: string; ms: number }} Result */

/**
 * Runs `node <args>` in `cwd` with no colour, as CI, and none of the caller's shardwise settings.
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<Result>}
 */
export function run(args, cwd) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, NO_COLOR: '1', CI: 'true' };
    for (const key of [
      'SHARDWISE_TIMINGS',
      'SHARDWISE_REPORTS_DIR',
      'SHARDWISE_SHARD',
      'GITHUB_STEP_SUMMARY',
    ])
      delete env[key];
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/**
 * Runs the N shard jobs in parallel, as a CI matrix does; fails with the output of any failed job.
 * @param {Runner} runner
 * @param {string} dir
 * @param {boolean} [native] the runner's own --shard instead of shardwise
 * @returns {Promise<number[]>} each shard's wall time in ms
 */
export async function runMatrix(runner, dir, native = false) {
  const results = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) => run(runner.command(i + 1, SHARDS, native), dir)),
  );
  results.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i + 1}/${SHARDS} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  });
  return results.map((r) => r.ms);
}

/** What the merge job of the bundled CI examples writes beside the store: the run for people and CI tabs. */
export const MERGE_OUTPUTS = ['--html', 'report.html', '--junit', 'merged.xml', '--markdown', 'comment.md'];

/**
 * `shard merge` of the reports into the project's store, writing the report, the JUnit XML and the comment
 * as the CI examples do; fails with its output unless it exits 0.
 * @param {string} dir
 */
export async function merge(dir) {
  const merged = await run(
    [cli, 'merge', '--timings', 'shard-timings.json', ...MERGE_OUTPUTS, '.shardwise/reports'],
    dir,
  );
  if (merged.code !== 0)
    throw new Error(`shard merge exited ${merged.code}\n${merged.stdout}\n${merged.stderr}`);
}

/**
 * Copies an example into a fresh temp dir, without its store or reports: a cold start. The runners resolve
 * the plugin and themselves through a `node_modules` link to the repository's, as in a user's checkout.
 * @param {Runner} runner
 * @returns {Promise<string>} the copy; the caller removes it
 */
export async function copyExample(runner) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-loop-${runner.name}-`));
  await fs.cp(path.join(repo, 'examples', runner.example), dir, {
    recursive: true,
    filter: (src) => !/(node_modules|\.shardwise|shard-timings\.json)$/.test(src),
  });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await runner.prepareNative(dir);
  return dir;
}

/**
 * The project's test files, sorted root-relative POSIX paths.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function testFiles(dir) {
  const entries = await fs.readdir(path.join(dir, 'test'), { recursive: true });
  return entries
    .filter((e) => /\.test\.[jt]s$/.test(e))
    .map((e) => `test/${e.split(path.sep).join('/')}`)
    .sort();
}

/**
 * Reads a JSON file; its shape is the caller's to state.
 * @param {string} file
 * @returns {Promise<unknown>}
 */
async function readJson(file) {
  /** @type {unknown} */
  const value = JSON.parse(await fs.readFile(file, 'utf8'));
  return value;
}

/**
 * @typedef {{ file: string; shard?: { index: number }; files: { file: string; durationMs: number; tests?: unknown[] }[] }} Report
 *   a report as written, with `file` its name in .shardwise/reports
 */

/**
 * @param {string} dir
 * @returns {Promise<Report[]>}
 */
export async function readReports(dir) {
  const reportsDir = path.join(dir, '.shardwise/reports');
  const names = (await fs.readdir(reportsDir)).filter((n) => n.endsWith('.json'));
  return Promise.all(
    names.map(async (n) => {
      const report = /** @type {Omit<Report, 'file'>} */ (await readJson(path.join(reportsDir, n)));
      return { file: n, ...report };
    }),
  );
}

/**
 * @param {string} dir
 * @returns {Promise<Record<string, { durationMs: number; samples: number }>>}
 */
export async function readStore(dir) {
  const store = /** @type {{ files: Record<string, { durationMs: number; samples: number }> }} */ (
    await readJson(path.join(dir, 'shard-timings.json'))
  );
  return store.files;
}
