/**
 * The whole CI loop, end to end, as a CI matrix runs it: N = 3 shard jobs as separate processes in
 * parallel, for each runner, from a cold start with no timings to balanced shards, and through drift.
 * Real runners, real processes, real files in a temp copy of each example.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');
const cli = path.join(repo, 'packages/cli/dist/bin.js');
const SHARDS = 3;

interface Runner {
  name: 'jest' | 'vitest';
  example: string;
  /** The command of shard `i` of `n`; `native` leaves shardwise out (the runner's own --shard). */
  command(i: number, n: number, native: boolean): string[];
  /** Writes whatever the native command needs into the project. */
  prepareNative(dir: string): Promise<void>;
}

const runners: Runner[] = [
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

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
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
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** Runs the N shard jobs in parallel, as a CI matrix does; fails with the output of any failed job. */
async function runMatrix(runner: Runner, dir: string, native = false): Promise<number[]> {
  const results = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) => run(runner.command(i + 1, SHARDS, native), dir)),
  );
  results.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i + 1}/${SHARDS} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  });
  return results.map((r) => r.ms);
}

async function testFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, 'test'), { recursive: true });
  return entries
    .filter((e) => /\.test\.[jt]s$/.test(e))
    .map((e) => `test/${e.split(path.sep).join('/')}`)
    .sort();
}

async function readReports(
  dir: string,
): Promise<{ file: string; shard?: { index: number }; files: { file: string; durationMs: number }[] }[]> {
  const reportsDir = path.join(dir, '.shardwise/reports');
  const names = (await fs.readdir(reportsDir)).filter((n) => n.endsWith('.json'));
  return Promise.all(
    names.map(async (n) => ({ file: n, ...JSON.parse(await fs.readFile(path.join(reportsDir, n), 'utf8')) })),
  );
}

async function readStore(dir: string): Promise<Record<string, { durationMs: number; samples: number }>> {
  return JSON.parse(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8')).files;
}

const averaged = (a: number[], b: number[]) => a.map((x, i) => (x + b[i]!) / 2);
const maxOverMean = (xs: number[]) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);

describe.each(runners)('the CI loop with $name', (runner) => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-loop-${runner.name}-`));
    await fs.cp(path.join(repo, 'examples', runner.example), dir, {
      recursive: true,
      filter: (src) => !/(node_modules|\.shardwise|shard-timings\.json)$/.test(src),
    });
    // The runners resolve the plugin and themselves from the project, as in a user's checkout.
    await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    await runner.prepareNative(dir);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('1. cold start: no store, three parallel shards run every file exactly once', async () => {
    await runMatrix(runner, dir);
    const reports = await readReports(dir);
    expect(reports).toHaveLength(SHARDS);
    const ran = reports.flatMap((r) => r.files.map((f) => f.file)).sort();
    expect(ran).toEqual(await testFiles(dir));
  });

  it('2. merge: the coverage check passes and a store appears; a missing report fails it, naming the files', async () => {
    const merged = await run([cli, 'merge', '--timings', 'shard-timings.json', '.shardwise/reports'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    const store = await readStore(dir);
    expect(Object.keys(store).sort()).toEqual(await testFiles(dir));

    const reports = await readReports(dir);
    const dropped = reports.find((r) => r.files.length > 0)!;
    const partial = path.join(dir, 'partial-reports');
    await fs.mkdir(partial);
    for (const r of reports) {
      if (r !== dropped)
        await fs.copyFile(path.join(dir, '.shardwise/reports', r.file), path.join(partial, r.file));
    }
    const check = await run([cli, 'merge', '--timings', 'partial-store.json', 'partial-reports'], dir);
    expect(check.code).toBe(1);
    for (const f of dropped.files) expect(check.stdout + check.stderr).toContain(f.file);
  });

  it('3. warm run: balanced shards, better than the runner’s own --shard', async () => {
    await fs.rm(path.join(dir, '.shardwise/reports'), { recursive: true, force: true });
    // Each matrix twice, per-shard times averaged: three runner start-ups share two cores here, which a CI
    // matrix (one machine per job) does not, and one round's start-up jitter is a few percent.
    const warm = averaged(await runMatrix(runner, dir), await runMatrix(runner, dir));
    const native = averaged(await runMatrix(runner, dir, true), await runMatrix(runner, dir, true));
    const ours = maxOverMean(warm);
    const theirs = maxOverMean(native);
    console.log(
      `[loop] ${runner.name}: max/mean shard wall time: shardwise ${ours.toFixed(3)} ` +
        `(${warm.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s), ` +
        `${runner.name} --shard ${theirs.toFixed(3)} (${native.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s)`,
    );
    expect(ours).toBeLessThanOrEqual(1.15);
    expect(ours).toBeLessThan(theirs);
    const merged = await run([cli, 'merge', '--timings', 'shard-timings.json', '.shardwise/reports'], dir);
    expect(merged.code, merged.stderr).toBe(0);
  });

  it('4. drift: the store learns changed durations, measures new files and prunes deleted ones', async () => {
    const ext = runner.name === 'jest' ? 'js' : 'ts';
    const before = await readStore(dir);
    // A fast file becomes slow.
    const slowed = `test/lib/permissions.test.${ext}`;
    const source = await fs.readFile(path.join(dir, slowed), 'utf8');
    await fs.writeFile(path.join(dir, slowed), source.replace(/simulate\(\d+\)/g, 'simulate(1500)'));
    // Two new files, one deleted.
    const added = [`test/features/admin/invoices.test.${ext}`, `test/lib/tax-report.test.${ext}`];
    // Each new file is a copy of a neighbour in the same folder, so its imports resolve.
    const existing = await testFiles(dir);
    for (const file of added) {
      const neighbour = existing.find((f) => path.posix.dirname(f) === path.posix.dirname(file))!;
      const template = await fs.readFile(path.join(dir, neighbour), 'utf8');
      await fs.writeFile(path.join(dir, file), template.replace(/simulate\(\d+\)/g, 'simulate(600)'));
    }
    const deleted = `test/jobs/welcome-enterprise-job.test.${ext}`;
    await fs.rm(path.join(dir, deleted));

    const plan = await run([cli, 'plan', '--shards', String(SHARDS), '--json'], dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).unknownFiles).toEqual([...added].sort());

    await fs.rm(path.join(dir, '.shardwise/reports'), { recursive: true, force: true });
    await runMatrix(runner, dir);
    const merged = await run([cli, 'merge', '--timings', 'shard-timings.json', '.shardwise/reports'], dir);
    expect(merged.code, merged.stderr).toBe(0);

    const after = await readStore(dir);
    for (const file of added) expect(after[file]?.durationMs).toBeGreaterThanOrEqual(550);
    expect(after[deleted]).toBeUndefined();
    expect(after[slowed]!.durationMs).toBeGreaterThan(before[slowed]!.durationMs + 100);
    expect(after[slowed]!.samples).toBe(before[slowed]!.samples + 1);
  });
});
