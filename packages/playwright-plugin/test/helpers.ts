/**
 * Runs the real Playwright and the real `shard` bin on temp copies of fixture projects, as CI would. Each
 * copy gets a `node_modules` link to the repository's, so its config resolves `@shardwise/playwright` (the
 * workspace link to this package's built `dist/`) and the Playwright versions installed for the tests.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '@shardwise/core';

export const repo = path.resolve(import.meta.dirname, '../../..');
const shardBin = path.join(repo, 'packages/cli/dist/bin.js');
const fixtures = path.join(import.meta.dirname, 'fixtures');

/**
 * The Playwright versions the tests run: the pinned one, the oldest supported and one too old. The older
 * ones are workspaces of their own (`test/playwright-versions/*`), so that their `playwright` bin never
 * takes the place of the pinned one in the repository's `node_modules/.bin`.
 */
export const PLAYWRIGHT = {
  current: path.join(repo, 'node_modules'),
  oldest: path.join(repo, 'test/playwright-versions/1.62.0/node_modules'),
  tooOld: path.join(repo, 'test/playwright-versions/1.61.1/node_modules'),
} as const;
export type PlaywrightVersion = keyof typeof PLAYWRIGHT;

/** The units of fixtures/units: Playwright's grouping, and no unit for the setup project. */
export const UNITS = [
  'api|tests/fails.spec.cjs',
  'api|tests/flaky.spec.cjs',
  'api|tests/parallel.spec.cjs › alpha',
  'api|tests/parallel.spec.cjs › beta http://x//y',
  'api|tests/parallel.spec.cjs › hooked',
  'api|tests/parallel.spec.cjs › ordered',
  'api|tests/parallel.spec.cjs › serial',
  'api|tests/plain.spec.cjs',
];

/** The packages that make one Playwright version. */
const PLAYWRIGHT_PACKAGES = ['@playwright', 'playwright', 'playwright-core'];

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const temps: string[] = [];

/**
 * Copies a fixture project (`test/fixtures/<name>`, or any folder) into a fresh temp dir whose
 * `node_modules` links to the repository's. For another Playwright `version`, the project's own
 * `node_modules` holds that version and this package as npm installs it (`package.json` and `dist/`, no
 * workspace link: Playwright 1.62 reads the `tsconfig.json` above a reporter's file and cannot follow the
 * workspace's project references).
 */
export async function copyProject(from: string, version: PlaywrightVersion = 'current'): Promise<string> {
  const source = path.isAbsolute(from) ? from : path.join(fixtures, from);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `shardwise-playwright-${path.basename(source)}-`));
  temps.push(dir);
  await fs.cp(source, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|\.shardwise|test-results|blob-report|playwright-report)$/.test(src),
  });
  const root = path.join(repo, 'node_modules');
  if (version === 'current') {
    await fs.symlink(root, path.join(dir, 'node_modules'), 'dir');
    return dir;
  }
  const modules = path.join(dir, 'node_modules');
  await linkEntries(root, modules, ['@shardwise', ...PLAYWRIGHT_PACKAGES]);
  await linkEntries(PLAYWRIGHT[version], modules, ['.bin', '.package-lock.json']);
  await linkEntries(path.join(root, '@shardwise'), path.join(modules, '@shardwise'), ['playwright']);
  const own = path.join(modules, '@shardwise/playwright');
  const pkg = path.join(repo, 'packages/playwright-plugin');
  await fs.mkdir(own);
  await fs.cp(path.join(pkg, 'package.json'), path.join(own, 'package.json'));
  await fs.cp(path.join(pkg, 'dist'), path.join(own, 'dist'), { recursive: true });
  return dir;
}

/** A folder whose entries link to those of `from`, except the names in `except`. */
async function linkEntries(from: string, to: string, except: string[]): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const name of await fs.readdir(from)) {
    if (!except.includes(name)) await fs.symlink(path.join(from, name), path.join(to, name), 'dir');
  }
}

/** Removes the temp dirs made by {@link copyProject} (call from `afterAll`). */
export async function removeProjects(): Promise<void> {
  await Promise.all(temps.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** `playwright test <args>` in `cwd` with one of the installed Playwright versions. */
export function playwright(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  // The project's own Playwright (see copyProject), as `npx playwright` would find it.
  return spawnNode([path.join(cwd, 'node_modules/@playwright/test/cli.js'), 'test', ...args], cwd, env);
}

/** `playwright merge-reports <args>` with the pinned Playwright. */
export function mergeReports(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return spawnNode(
    [path.join(cwd, 'node_modules/@playwright/test/cli.js'), 'merge-reports', ...args],
    cwd,
    env,
  );
}

/** The `shard` CLI. */
export function shard(cwd: string, args: string[]): Promise<Result> {
  return spawnNode([shardBin, ...args], cwd, {});
}

function spawnNode(args: string[], cwd: string, extra: Record<string, string>): Promise<Result> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The outer Vitest marks its workers; Playwright's own variables would change the run under test.
    if (!/^(VITEST|SHARDWISE_|PLAYWRIGHT_|PW_|GITHUB_STEP_SUMMARY$|NODE_OPTIONS$|DEBUG$)/.test(key)) {
      env[key] = value;
    }
  }
  Object.assign(env, { NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }, extra);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The shardwise reports a run wrote into `dir`, by file name. */
export async function readReports(dir: string): Promise<Map<string, RunReport>> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const reports = new Map<string, RunReport>();
  for (const name of names) {
    reports.set(name, JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as RunReport);
  }
  return reports;
}

/**
 * The tests of a Playwright JSON report, as `project|file › titles`: those that ran (have a result), or
 * with `listed` every test (`--list` output has no results).
 */
export function testsInJsonReport(report: JsonReport, listed = false): string[] {
  const out: string[] = [];
  const visit = (suite: JsonSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (listed || t.results.length > 0)
          out.push(`${t.projectName}|${spec.file} › ${[...titles, spec.title].join(' › ')}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  for (const file of report.suites) visit(file, []);
  return out;
}

interface JsonSuite {
  title: string;
  specs?: { title: string; file: string; tests: { projectName: string; results: unknown[] }[] }[];
  suites?: JsonSuite[];
}
export interface JsonReport {
  suites: JsonSuite[];
}
