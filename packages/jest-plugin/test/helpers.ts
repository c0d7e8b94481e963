import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport, serializeStore, STORE_VERSION, type RunReport } from '@shardwise/core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const jestBin = path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
/** Jest 29, installed beside Jest 30 by the root devDependency `"jest29": "npm:jest@^29"`. */
const jest29Bin = path.join(repo, 'node_modules', 'jest29', 'bin', 'jest.js');
const cliBin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Result {
  code: number | null;
  /** The spawned process: Jest's main process. */
  pid: number | undefined;
  stdout: string;
  stderr: string;
}

const created: string[] = [];

/** Removes the fixture copies made by {@link copyFixture}. */
export async function removeFixtures(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/**
 * Copies a fixture project into a fresh temp dir. Its `node_modules` links to the repo's, so the fixture's
 * `testSequencer: '@shardwise/jest'` resolves exactly as in a user's project.
 */
export async function copyFixture(name: string): Promise<string> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-jest-${name}-`)));
  created.push(dir);
  await fs.cp(path.join(fixtures, name), dir, { recursive: true });
  await fs.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The environment of a spawned tool: no colour, and none of the caller's shardwise settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' };
  for (const key of Object.keys(env)) if (key.startsWith('SHARDWISE_')) delete env[key];
  return { ...env, ...extra };
}

function run(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? repo,
      env: cleanEnv(options.env ?? {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, pid: child.pid, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The real Jest, as CI runs it, in the fixture copied to `dir` (Jest 30, or Jest 29 with `version: 29`).
 * Relative paths in `env` are relative to `dir`.
 */
export function jest(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
  version: 29 | 30 = 30,
): Promise<Result> {
  const bin = version === 29 ? jest29Bin : jestBin;
  return run([bin, '--rootDir', dir, '--config', path.join(dir, 'jest.config.json'), ...args], {
    env,
    cwd: dir,
  });
}

/** Writes a timing store with these durations (ms) by key. */
export async function writeStore(file: string, durations: Record<string, number>): Promise<void> {
  const files = new Map(
    Object.entries(durations).map(([key, durationMs]) => [key, { durationMs, samples: 1 }]),
  );
  await fs.writeFile(file, serializeStore({ version: STORE_VERSION, files }));
}

/** The built `shard` CLI. */
export function shardCli(args: string[], input?: string): Promise<Result> {
  return run([cliBin, ...args], { input });
}

/** The reports the plugin wrote into `dir`. */
export async function readReports(dir: string): Promise<RunReport[]> {
  const names = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(names.map(async (f) => parseReport(await fs.readFile(path.join(dir, f), 'utf8'), f)));
}

/** Root-relative POSIX paths of the test files in Jest's `--json` output. */
export async function filesRun(jsonFile: string, root: string): Promise<string[]> {
  const result = JSON.parse(await fs.readFile(jsonFile, 'utf8')) as { testResults: { name: string }[] };
  return result.testResults.map((r) => path.relative(root, r.name).split(path.sep).join('/')).sort();
}

/** The milliseconds a fixture test file sleeps, from its name (`long-a-900.test.cjs` → 900). */
export function sleepOf(file: string): number {
  const match = /-(\d+)\.test\.cjs$/.exec(file);
  if (!match) throw new Error(`not a fixture test file: ${file}`);
  return Number(match[1]);
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
