// @internal: not exported from the package entry (index.ts); its shape may change in any release.
/**
 * The world around `shard plan --changed REF`: what git says changed since REF (committed, staged,
 * unstaged and untracked, as `vitest --changed` and `jest --changedSince` count them), and what the
 * project's own runner says depends on it. Core's `selectChanged` decides from these facts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeUnitKey, ShardwiseError, type RunnerGraph } from '@shardwise/core';
import { jsonList } from './inputs.js';

/** A runner's JSON list as test keys relative to the root (`name|path` for several Vitest projects). */
function keysOf(json: string, root: string, source: string): string[] {
  return jsonList(json, root, source).map((f) => normalizeUnitKey(f, root));
}

/** The files changed since a ref, relative to the root and to the repository's top. */
export interface ChangedFiles {
  root: string[];
  top: string[];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // A Vitest or shardwise job's own variables would change what the runner does: none reach it.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|SHARDWISE_)/.test(k)) env[k] = v;
    const child = execFile(
      command,
      args,
      { cwd, env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        const code = error?.code;
        // A string code is the system's (ENOENT: no such command); a number is the command's exit code.
        if (error && typeof code === 'string') reject(new Error(error.message, { cause: error }));
        else resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr });
      },
    );
    // A command that exits without reading its input (git) closes the pipe: not an error of ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

async function git(args: string[], cwd: string): Promise<Run> {
  try {
    return await run('git', args, cwd);
  } catch (error) {
    throw new ShardwiseError('COMMAND_NOT_FOUND', '--changed: cannot run git (is it installed?)', {
      cause: error,
    });
  }
}

/**
 * The files changed since `ref`: `git diff REF...HEAD` (since the merge base), plus staged, unstaged and
 * untracked files. A ref this clone does not have (a shallow checkout) is an input error with the fix.
 */
export async function changedFiles(root: string, ref: string): Promise<ChangedFiles> {
  const top = await git(['rev-parse', '--show-toplevel'], root);
  if (top.code !== 0) {
    throw new ShardwiseError('INVALID_OPTION', `--changed ${ref}: ${root} is not in a git checkout`, {
      hint: { kind: 'text', text: 'run shard plan --changed in the checkout of the repository' },
    });
  }
  const topDir = top.stdout.trim();
  const missing = (why: string) =>
    new ShardwiseError('INVALID_OPTION', `--changed ${ref}: ${why} in this clone (a shallow checkout?)`, {
      hint: {
        kind: 'text',
        text: `fetch it: \`git fetch origin ${ref.replace(/^origin\//, '')}\`, or check out the whole history (actions/checkout with fetch-depth: 0)`,
      },
    });
  const verify = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], topDir);
  if (verify.code !== 0) throw missing('no such commit');
  const results = await Promise.all([
    git(['diff', '--name-only', '-z', `${ref}...HEAD`], topDir),
    git(['diff', '--cached', '--name-only', '-z'], topDir),
    git(['ls-files', '--others', '--modified', '--exclude-standard', '-z'], topDir),
  ]);
  if (results[0].code !== 0) throw missing(`no merge base with HEAD (${firstLine(results[0].stderr)})`);
  for (const r of results.slice(1)) {
    if (r.code !== 0)
      throw new ShardwiseError('READ_FAILED', `--changed: git failed: ${firstLine(r.stderr)}`);
  }
  const fromTop = [...new Set(results.flatMap((r) => r.stdout.split('\0').filter(Boolean)))].sort();
  const rootRel = (f: string) => path.relative(root, path.join(topDir, f)).split(path.sep).join('/');
  return { root: fromTop.map(rootRel), top: fromTop };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Every test key of the suite and the runner's graph, from the runner the project uses. */
export interface RunnerAnswer {
  tests: string[];
  graph: RunnerGraph;
}

/** The runner whose graph to ask: `--runner`, else the config file the root has. */
export function graphRunnerOf(root: string, runner: string | undefined): 'vitest' | 'jest' | undefined {
  if (runner === 'vitest' || runner === 'jest') return runner;
  if (runner !== undefined) return undefined;
  const has = (names: string[], exts: string[]) =>
    names.some((n) => exts.some((e) => existsSync(path.join(root, `${n}.${e}`))));
  if (has(['vitest.config', 'vite.config', 'vitest.workspace'], ['ts', 'mts', 'js', 'mjs', 'cjs', 'cts']))
    return 'vitest';
  if (has(['jest.config'], ['ts', 'mts', 'js', 'mjs', 'cjs', 'cts', 'json'])) return 'jest';
  return undefined;
}

/** Where the project's own runner is, or an error that says to install it. */
function resolveRunner(root: string, specifier: string, runner: string): string {
  try {
    return createRequire(path.join(root, 'package.json')).resolve(specifier);
  } catch (error) {
    throw new ShardwiseError('NOT_FOUND', `--changed: ${runner} is not installed in ${root}`, {
      cause: error,
      hint: { kind: 'text', text: `install it (npm ci), or pass --runner for the runner the project uses` },
    });
  }
}

function runnerFailed(runner: string, r: Run): ShardwiseError {
  return new ShardwiseError(
    'COMMAND_FAILED',
    `--changed: ${runner} could not list the tests (exit ${r.code}): ${firstLine(r.stderr) || firstLine(r.stdout)}`,
    {
      hint: {
        kind: 'text',
        text: `run \`npx ${runner === 'vitest' ? 'vitest list' : 'jest --listTests'}\` to see why`,
      },
    },
  );
}

/** The file of a runner's JSON output as a path relative to the root. */
const relativeTo = (root: string) => (file: string) =>
  path.relative(root, path.resolve(root, file)).split(path.sep).join('/');

/**
 * Asks the project's runner for its test files, the ones that depend on `changed` (absolute paths), and
 * its setup files: Vitest through its Node API (one process), Jest through `--listTests` and
 * `--findRelatedTests` and `--showConfig`.
 */
export async function askRunner(
  runner: 'vitest' | 'jest',
  root: string,
  changed: readonly string[],
): Promise<RunnerAnswer> {
  const rel = relativeTo(root);
  if (runner === 'vitest') {
    resolveRunner(root, 'vitest/node', 'vitest');
    const script = fileURLToPath(new URL('./graphs/vitest-graph.js', import.meta.url));
    const r = await run(process.execPath, [script], root, JSON.stringify({ changed }));
    if (r.code !== 0) throw runnerFailed('vitest', r);
    const out = JSON.parse(r.stdout) as { tests: unknown[]; related: unknown[]; setupFiles: string[] };
    return {
      tests: keysOf(JSON.stringify(out.tests), root, 'vitest'),
      graph: {
        runner: 'vitest',
        related: keysOf(JSON.stringify(out.related), root, 'vitest'),
        setupFiles: out.setupFiles.map(rel),
      },
    };
  }
  const bin = path.join(path.dirname(resolveRunner(root, 'jest/package.json', 'jest')), 'bin/jest.js');
  const jest = (args: string[]) => run(process.execPath, [bin, ...args], root);
  const [all, related, config] = await Promise.all([
    jest(['--listTests', '--json']),
    changed.length === 0
      ? Promise.resolve({ code: 0, stdout: '[]', stderr: '' })
      : jest(['--listTests', '--json', '--findRelatedTests', ...changed]),
    jest(['--showConfig']),
  ]);
  for (const r of [all, related, config]) if (r.code !== 0) throw runnerFailed('jest', r);
  const shown = JSON.parse(config.stdout) as {
    configs?: {
      setupFiles?: string[];
      setupFilesAfterEnv?: string[];
      globalSetup?: string | null;
      globalTeardown?: string | null;
    }[];
  };
  const setupFiles = (shown.configs ?? []).flatMap((c) => [
    ...(c.setupFiles ?? []),
    ...(c.setupFilesAfterEnv ?? []),
    ...(c.globalSetup ? [c.globalSetup] : []),
    ...(c.globalTeardown ? [c.globalTeardown] : []),
  ]);
  return {
    tests: keysOf(all.stdout, root, 'jest --listTests'),
    graph: {
      runner: 'jest',
      related: keysOf(related.stdout, root, 'jest --findRelatedTests'),
      setupFiles: [...new Set(setupFiles)].map(rel),
    },
  };
}
