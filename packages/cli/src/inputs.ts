import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  durationsOf,
  parseEstimator,
  readStoreFile,
  ShardwiseError,
  type Estimator,
  type PreviousPlan,
  type TimingStore,
} from '@shardwise/core';
import type { Context } from './context.js';
import type { OptionValues } from './options.js';
import { usageError } from './options.js';

/** The file name of the store in the root when neither --timings nor SHARDWISE_TIMINGS says otherwise. */
export const DEFAULT_STORE = 'shard-timings.json';

/** What jest and vitest find by default, minus what is never a test. */
export const DEFAULT_PATTERNS = [
  '**/*.{test,spec}.{js,jsx,ts,tsx,mjs,cjs,mts,cts}',
  '**/__tests__/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}',
];
export const IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.shardwise/**',
];

/** Where the root and the store are; cheap to compute and validated before anything is read. */
export interface Locations {
  root: string;
  /** The store path, or undefined with --no-timings. */
  storePath: string | undefined;
}

export function locate(values: OptionValues, ctx: Context): Locations {
  const root = path.resolve(ctx.io.cwd, values.root ?? '.');
  if (values['no-timings'] && values.timings !== undefined) {
    throw usageError('--timings and --no-timings contradict each other; pass one');
  }
  if (values['no-timings']) return { root, storePath: undefined };
  const fromEnv = ctx.io.env['SHARDWISE_TIMINGS'];
  const given = values.timings ?? (fromEnv ? fromEnv : undefined);
  return { root, storePath: given ? path.resolve(ctx.io.cwd, given) : path.join(root, DEFAULT_STORE) };
}

/** Options that shape a plan, parsed up front so a typo fails before any file is read. */
export interface PlanSettings {
  estimator: Estimator;
  previousPath: string | undefined;
}

export function planSettings(values: OptionValues, ctx: Context): PlanSettings {
  return {
    estimator: values.estimator === undefined ? 'mean' : parseEstimator(values.estimator, '--estimator'),
    previousPath: values.previous === undefined ? undefined : path.resolve(ctx.io.cwd, values.previous),
  };
}

export interface LoadedStore {
  store: TimingStore | undefined;
  /** `loaded`, `missing` (a first run: plan by estimate) or `disabled` (--no-timings). */
  state: 'loaded' | 'missing' | 'disabled';
  durations: Map<string, number>;
}

/** Reads the store. Missing is normal; invalid is an error naming the file (from core). */
export async function loadStore(storePath: string | undefined, ctx: Context): Promise<LoadedStore> {
  if (storePath === undefined) return { store: undefined, state: 'disabled', durations: new Map() };
  const store = await readStoreFile(storePath);
  ctx.debug(`store ${storePath}: ${store ? `${store.files.size} entries` : 'missing'}`);
  if (!store) return { store: undefined, state: 'missing', durations: new Map() };
  return { store, state: 'loaded', durations: durationsOf(store) };
}

/**
 * The test files: from --files-from (a file or stdin; paths relative to the root, absolute ones made
 * relative to it, listed files need not exist), else the globs, else the default patterns. Paths are
 * returned as given; core's `partition` normalizes them.
 */
export async function listFiles(
  values: OptionValues,
  globs: readonly string[],
  root: string,
  ctx: Context,
): Promise<{ files: string[]; source: string }> {
  const from = values['files-from'];
  if (from !== undefined) {
    if (globs.length > 0) {
      throw usageError(
        `--files-from and file patterns (${globs.join(' ')}) both list files; pass one or the other`,
      );
    }
    const text = from === '-' ? await ctx.io.readStdin() : await readListFile(path.resolve(ctx.io.cwd, from));
    const files = splitLines(text);
    ctx.debug(`--files-from ${from}: ${files.length} paths`);
    return { files, source: from === '-' ? 'standard input' : from };
  }
  const patterns = globs.length > 0 ? globs : DEFAULT_PATTERNS;
  // fast-glob is the heaviest module the CLI loads; only commands that glob pay for it.
  const { default: glob } = await import('fast-glob');
  const files = await glob([...patterns], { cwd: root, ignore: IGNORED, onlyFiles: true, dot: false });
  ctx.debug(`glob ${patterns.join(' ')} in ${root}: ${files.length} files`);
  return { files, source: globs.length > 0 ? globs.join(' ') : 'the default test patterns' };
}

/** One path per line; CRLF and blank lines tolerated (surrounding spaces are kept: they can be real). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  const files: string[] = [];
  for (let line of lines) {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    // Only lines that start or end with white space can be blank: the common case skips trim().
    if (line.length === 0) continue;
    if ((line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32) && line.trim() === '') continue;
    files.push(line);
  }
  return files;
}

async function readListFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `--files-from ${file}: cannot read (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Reads a previous plan for the stability option: `shard plan --json` output, or a shardwise report (whose
 * `plan.shards` lists the files of every shard), as the plugins accept.
 */
export async function readPreviousPlan(file: string): Promise<PreviousPlan> {
  let value: unknown;
  try {
    value = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `--previous ${file}: cannot read a plan (${(error as Error).message}); pass the output of \`shard plan --json\``,
      { cause: error },
    );
  }
  const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((f) => typeof f === 'string');
  const object = (value ?? {}) as { shards?: unknown; plan?: { shards?: unknown } };
  const fromPlan = object.shards;
  if (
    Array.isArray(fromPlan) &&
    fromPlan.every((s: unknown) => isStrings((s as { files?: unknown } | null)?.files))
  ) {
    return { shards: fromPlan as { files: string[] }[] };
  }
  const fromReport = object.plan?.shards;
  if (Array.isArray(fromReport) && fromReport.every(isStrings)) {
    return { shards: fromReport.map((files) => ({ files })) };
  }
  throw new ShardwiseError(
    'INVALID_OPTION',
    `--previous ${file}: expected \`shard plan --json\` output ("shards": [{ "files": [...] }, ...]) or a shardwise report`,
  );
}
