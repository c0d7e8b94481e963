/**
 * Runs the real Vitest and the real `shard` bin on temp copies of the fixture projects, as CI would.
 * Each copy gets a `node_modules` link to the repository's, so its config resolves `vitest/config` and
 * `@shardwise/vitest` (the workspace link to this package's built `dist/`), and the spawned Vitest finds
 * the fixture's own config, never the repository's.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializeStore, STORE_VERSION, type RunReport, type ReportedFile } from '@shardwise/core';

export const repo = path.resolve(import.meta.dirname, '../../..');
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');
const shardBin = path.join(repo, 'packages/cli/dist/bin.js');
const fixtures = path.join(import.meta.dirname, 'fixtures');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const temps: string[] = [];

/** Copies `test/fixtures/<name>` into a fresh temp dir and returns its path. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-vitest-${name}-`));
  temps.push(dir);
  await fs.cp(path.join(fixtures, name), dir, { recursive: true });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Removes the temp dirs made by {@link copyFixture} (call from `afterAll`). */
export async function removeFixtures(): Promise<void> {
  await Promise.all(temps.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** `vitest <args>` in `cwd`, with shardwise's variables and the parent Vitest's own cleared. */
export function vitest(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return spawnNode([vitestBin, ...args], cwd, env);
}

/** The `shard` CLI, with `input` on its stdin. */
export function shard(cwd: string, args: string[], input = ''): Promise<Result> {
  return spawnNode([shardBin, ...args], cwd, {}, input);
}

function spawnNode(args: string[], cwd: string, extra: Record<string, string>, input = ''): Promise<Result> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The outer Vitest marks its own workers (VITEST, VITEST_POOL_ID, …); a nested Vitest must not see that.
    if (!/^(VITEST|SHARDWISE_|GITHUB_STEP_SUMMARY$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }, extra);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Fails with the whole output when a command did not exit 0. */
export function ok(result: Result): Result {
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

/** The reports in `<dir>/.shardwise/reports` (or `reportsDir`), by file name. */
export async function readReports(
  dir: string,
  reportsDir: string = path.join(dir, '.shardwise/reports'),
): Promise<Map<string, RunReport>> {
  const names = (await fs.readdir(reportsDir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.json'))
    .sort();
  const reports = new Map<string, RunReport>();
  for (const name of names) {
    reports.set(name, JSON.parse(await fs.readFile(path.join(reportsDir, name), 'utf8')) as RunReport);
  }
  return reports;
}

/** The test files of a fixture copy, as root-relative POSIX paths, sorted. */
export async function testFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries
    .map((e) => e.split(path.sep).join('/'))
    .filter((e) => e.endsWith('.test.ts') && !e.startsWith('node_modules/'))
    .sort();
}

/** The sleep a fixture file is named after: `tests/sleep-150-a.test.ts` sleeps 150 ms. */
export function sleepOf(file: string): number {
  const match = /sleep-(\d+)/.exec(file);
  if (!match) throw new Error(`not a sleep fixture: ${file}`);
  return Number(match[1]);
}

/** Files of a report by key. */
export function byFile(report: RunReport): Map<string, ReportedFile> {
  return new Map(report.files.map((f) => [f.file, f]));
}

/** The files Vitest's own JSON reporter says ran, relative to `dir`. */
export async function filesRun(dir: string, jsonFile: string): Promise<string[]> {
  const json = JSON.parse(await fs.readFile(path.join(dir, jsonFile), 'utf8')) as {
    testResults: { name: string; startTime: number }[];
  };
  return json.testResults
    .slice()
    .sort((a, b) => a.startTime - b.startTime)
    .map((r) => path.relative(dir, r.name).split(path.sep).join('/'));
}

/** Writes a timing store with these durations (ms) by key. */
export async function writeStore(file: string, durations: Record<string, number>): Promise<void> {
  const files = new Map(
    Object.entries(durations).map(([key, durationMs]) => [key, { durationMs, samples: 1 }]),
  );
  await fs.writeFile(file, serializeStore({ version: STORE_VERSION, files }));
}

/** The non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
