import path from 'node:path';
import { ShardwiseError } from './errors.js';
import { parseEstimator, type Estimator } from './estimate.js';

/** The store's file name in the root when nothing else names it. */
export const DEFAULT_TIMINGS_FILE = 'shard-timings.json';
/** Where runner plugins write their reports, relative to the root, and where `shard merge` looks. */
export const DEFAULT_REPORTS_DIR = '.shardwise/reports';
/** The quarantine file's name in the root (committed): tests whose failures do not fail the job. */
export const DEFAULT_QUARANTINE_FILE = 'shard-quarantine.json';
/** The flaky history's name in the root (kept by a CI cache): the last outcomes of every test. */
export const DEFAULT_HISTORY_FILE = 'shard-history.json';

/** The environment variables every front end reads, by setting. */
export const SETTINGS_ENV = {
  timings: 'SHARDWISE_TIMINGS',
  reportsDir: 'SHARDWISE_REPORTS_DIR',
  estimator: 'SHARDWISE_ESTIMATOR',
  previous: 'SHARDWISE_PREVIOUS',
  plan: 'SHARDWISE_PLAN',
  planOut: 'SHARDWISE_PLAN_OUT',
  record: 'SHARDWISE_RECORD',
  requireTimings: 'SHARDWISE_REQUIRE_TIMINGS',
  workers: 'SHARDWISE_WORKERS',
  quarantine: 'SHARDWISE_QUARANTINE',
  history: 'SHARDWISE_HISTORY',
} as const;

type SettingKey = keyof typeof SETTINGS_ENV;

/** The raw values a front end was given, before defaults and the environment. */
export interface SettingValues {
  /** The store path; `false` turns the store off (plan by estimate). */
  timings?: string | false;
  reportsDir?: string;
  /** `mean`, `median`, `p90`, a number of ms as text, or `{ fixedMs }`. */
  estimator?: string | { fixedMs: number };
  /** The stability option: a previous plan's path, or the plan itself (parsed when planning). */
  previous?: string | object;
  /** A pinned plan's path: run exactly its shards, never re-plan. */
  plan?: string;
  /** Where a plugin writes the plan it made, as a pinned plan (for configs the CLI cannot list: projects). */
  planOut?: string;
  record?: boolean | string;
  /** A missing store is an error, not a plan by estimate. */
  requireTimings?: boolean | string;
  /** Workers per shard job for the wall model, over the count learned from recorded jobs. */
  workers?: number | string;
  /** The quarantine file (`shard-quarantine.json`). */
  quarantine?: string;
  /** The flaky history (`shard-history.json`). */
  history?: string;
}

/** One layer of values: where relative paths in it are based, and how to name a key in messages. */
export interface SettingSource {
  values: SettingValues;
  /** Directory that relative paths of this source are resolved against. */
  base: string;
  /** How a key is named in an error, e.g. `--timings`, `shardwise({ timings })`, `shardwise.config.json: "timings"`. */
  name: (key: SettingKey) => string;
}

export interface ResolveSettingsInput {
  /** The root: store keys are relative to it, and the default files live in it. */
  root: string;
  /** The current directory: relative paths in the environment are resolved against it, everywhere. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Values that beat the environment: command-line flags. */
  flags?: SettingSource;
  /** Values the environment overrides: a config file, plugin options. */
  config?: SettingSource;
}

/** Every setting of a run, resolved: absolute paths, parsed values, where each explicit path came from. */
export interface Settings {
  root: string;
  /** The store, or undefined when it is turned off. `explicit`: a user named it (not the default). */
  timings: { path: string; explicit: boolean; source: string } | undefined;
  reportsDir: string;
  estimator: Estimator;
  /** The previous plan (stability option): a path or a plan given inline; parsed when planning. */
  previous: { path: string; source: string } | { value: object; source: string } | undefined;
  /** The pinned plan's path. */
  plan: { path: string; source: string } | undefined;
  /** Where to write the plan as a pinned plan (`SHARDWISE_PLAN_OUT`). */
  planOut: string | undefined;
  record: boolean;
  /** A missing store is an error (`--require-timings`, `SHARDWISE_REQUIRE_TIMINGS=1`). */
  requireTimings: boolean;
  /** Workers per shard job for the wall model (`--workers`, `SHARDWISE_WORKERS`); undefined: as learned. */
  workers: number | undefined;
  /** The quarantine file: tests whose failures do not fail the job. Default `<root>/shard-quarantine.json`. */
  quarantine: string;
  /** The flag, variable or option that named the quarantine file; undefined for the default (may be absent). */
  quarantineSource: string | undefined;
  /** The flaky history `shard merge` appends to. Default `<root>/shard-history.json`. */
  history: string;
  /** `DEBUG=shardwise` (or `shardwise*`, `*`): front ends print their internals. */
  debug: boolean;
}

/**
 * Resolves the settings of a run in one order for every front end: flags, then the environment, then the
 * config (file or plugin options), then the defaults. Relative paths from the environment are resolved
 * against the current directory; those of a source against its `base`. Throws a {@link ShardwiseError}
 * naming the flag, variable or key of an invalid value.
 *
 * @example
 * resolveSettings({ root: '/repo', cwd: '/repo/ci', env: { SHARDWISE_TIMINGS: 't.json' } }).timings?.path
 * // '/repo/ci/t.json'
 */
export function resolveSettings(input: ResolveSettingsInput): Settings {
  const { root, cwd, env, flags, config } = input;
  const fromEnv = (key: SettingKey): string | undefined => {
    const value = env[SETTINGS_ENV[key]];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  /** The first layer that has `key`: its value, base and name. */
  const pick = <K extends SettingKey>(
    key: K,
  ): { value: NonNullable<SettingValues[K]>; base: string; name: string } | undefined => {
    const flag = flags?.values[key];
    if (flag !== undefined) return { value: flag, base: flags!.base, name: flags!.name(key) };
    const e = fromEnv(key);
    if (e !== undefined) return { value: e, base: cwd, name: SETTINGS_ENV[key] };
    const c = config?.values[key];
    if (c !== undefined) return { value: c, base: config!.base, name: config!.name(key) };
    return undefined;
  };
  const pathOf = (value: unknown, base: string, name: string): string => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ShardwiseError('INVALID_OPTION', `${name}: expected a path, got ${describe(value)}`);
    }
    return path.resolve(base, value);
  };

  const t = pick('timings');
  const timings =
    t?.value === false
      ? undefined
      : t
        ? { path: pathOf(t.value, t.base, t.name), explicit: true, source: t.name }
        : { path: path.join(root, DEFAULT_TIMINGS_FILE), explicit: false, source: 'default' };

  const r = pick('reportsDir');
  const reportsDir = r ? pathOf(r.value, r.base, r.name) : path.join(root, DEFAULT_REPORTS_DIR);

  const e = pick('estimator');
  const estimator: Estimator = e === undefined ? 'mean' : toEstimator(e.value, e.name);

  const p = pick('previous');
  const previous =
    p === undefined
      ? undefined
      : typeof p.value === 'object' && p.value !== null
        ? { value: p.value, source: p.name }
        : { path: pathOf(p.value, p.base, p.name), source: p.name };

  const pl = pick('plan');
  const plan = pl === undefined ? undefined : { path: pathOf(pl.value, pl.base, pl.name), source: pl.name };

  const po = pick('planOut');
  const planOut = po === undefined ? undefined : pathOf(po.value, po.base, po.name);

  const rec = pick('record');
  const record = rec === undefined ? true : toBoolean(rec.value, rec.name);

  const req = pick('requireTimings');
  const requireTimings = req === undefined ? false : toBoolean(req.value, req.name);

  const w = pick('workers');
  const workers = w === undefined ? undefined : toWorkers(w.value, w.name);
  const q = pick('quarantine');
  const quarantine = q ? pathOf(q.value, q.base, q.name) : path.join(root, DEFAULT_QUARANTINE_FILE);
  const h = pick('history');
  const history = h ? pathOf(h.value, h.base, h.name) : path.join(root, DEFAULT_HISTORY_FILE);

  return {
    root,
    timings,
    reportsDir,
    estimator,
    previous,
    plan,
    planOut,
    record,
    requireTimings,
    workers,
    quarantine,
    quarantineSource: q?.name,
    history,
    debug: isDebugEnabled(env),
  };
}

/** `DEBUG=shardwise`, `DEBUG=shardwise*` or `DEBUG=*` turn on debug output, as with the `debug` package. */
export function isDebugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env['DEBUG'] ?? '')
    .split(/[\s,]+/)
    .some((x) => x === '*' || x === 'shardwise' || x === 'shardwise*' || x === 'shardwise:*');
}

function toEstimator(value: unknown, name: string): Estimator {
  if (typeof value === 'string') return parseEstimator(value, name);
  if (typeof value === 'number') return parseEstimator(String(value), name);
  const fixed = (value as { fixedMs?: unknown } | null)?.fixedMs;
  if (typeof value === 'object' && Number.isSafeInteger(fixed) && (fixed as number) >= 0) {
    return { fixedMs: fixed as number };
  }
  throw new ShardwiseError(
    'INVALID_OPTION',
    `${name}: expected mean, median, p90, a whole number of milliseconds or { fixedMs }, got ${describe(value)}`,
  );
}

function toWorkers(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= 1024) return n;
  throw new ShardwiseError(
    'INVALID_OPTION',
    `${name}: expected a whole number of workers from 1 to 1024, got ${describe(value)}`,
  );
}

function toBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  const t = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  throw new ShardwiseError('INVALID_OPTION', `${name}: expected 1/true or 0/false, got ${describe(value)}`);
}

/** A value as a person would type it, for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
