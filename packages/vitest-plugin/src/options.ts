import path from 'node:path';
import type { PreviousPlan } from '@shardwise/core';
import { ShardwiseError, parseEstimator, type Estimator } from '@shardwise/core/light';

/** Options of {@link shardwise}. Relative paths are resolved against the Vitest root. */
export interface ShardwiseVitestOptions {
  /**
   * The timing store the plan is computed from. The environment variable `SHARDWISE_TIMINGS` overrides it.
   * @default 'shard-timings.json'
   */
  timings?: string;
  /**
   * Where each run writes its report for `shard merge`. The environment variable `SHARDWISE_REPORTS_DIR`
   * overrides it.
   * @default '.shardwise/reports'
   */
  reportsDir?: string;
  /**
   * How files with no recorded duration are estimated: `mean`, `median`, `p90`, a whole number of
   * milliseconds (as text), or `{ fixedMs }`.
   * @default 'mean'
   */
  estimator?: Estimator | string;
  /**
   * The stability option: a previous plan to start from, so that small drifts in duration move few files
   * between shards. A path to a shardwise report (`.shardwise/reports/*.json`) or to `shard plan --json`
   * output, or the plan itself. Every CI job must see the same previous plan (commit it or cache it); a
   * missing file is ignored with a notice.
   * @default undefined (plan from scratch)
   */
  stability?: string | PreviousPlan;
}

/** Options with defaults applied and paths resolved. */
export interface ResolvedOptions {
  root: string;
  timingsPath: string;
  reportsDir: string;
  estimator: Estimator;
  stability: string | PreviousPlan | undefined;
}

const KNOWN = new Set(['timings', 'reportsDir', 'estimator', 'stability']);

/**
 * Checks the options a user passed to `shardwise()` (all validation happens here, at the boundary) and
 * returns a resolver that applies defaults and the environment once the Vitest root is known.
 */
export function validateOptions(
  options: ShardwiseVitestOptions,
): (root: string, env: NodeJS.ProcessEnv) => ResolvedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid('', 'expected an object of options', options);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `shardwise({ ${key} }): unknown option; expected one of ${[...KNOWN].join(', ')}`,
      );
    }
  }
  const { timings, reportsDir, stability } = options;
  checkPath('timings', timings);
  checkPath('reportsDir', reportsDir);
  const estimator = checkEstimator(options.estimator);
  if (stability !== undefined && typeof stability !== 'string' && !isPreviousPlan(stability)) {
    throw invalid(
      'stability',
      'expected a file path or a plan like { shards: [{ files: [...] }] }',
      stability,
    );
  }
  if (typeof stability === 'string') checkPath('stability', stability);

  return (root, env) => ({
    root,
    timingsPath: path.resolve(root, nonEmpty(env.SHARDWISE_TIMINGS) ?? timings ?? 'shard-timings.json'),
    reportsDir: path.resolve(
      root,
      nonEmpty(env.SHARDWISE_REPORTS_DIR) ?? reportsDir ?? path.join('.shardwise', 'reports'),
    ),
    estimator,
    stability: typeof stability === 'string' ? path.resolve(root, stability) : stability,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function checkPath(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw invalid(name, 'expected a non-empty path', value);
  }
}

function checkEstimator(value: unknown): Estimator {
  if (value === undefined) return 'mean';
  if (typeof value === 'string') return parseEstimator(value, 'shardwise({ estimator })');
  if (
    value !== null &&
    typeof value === 'object' &&
    Number.isSafeInteger((value as { fixedMs?: unknown }).fixedMs) &&
    (value as { fixedMs: number }).fixedMs >= 0
  ) {
    return { fixedMs: (value as { fixedMs: number }).fixedMs };
  }
  throw invalid(
    'estimator',
    'expected mean, median, p90, a whole number of milliseconds or { fixedMs }',
    value,
  );
}

/** A structural check of a previous plan: `{ shards: [{ files: string[] }, …] }`. */
export function isPreviousPlan(value: unknown): value is PreviousPlan {
  if (value === null || typeof value !== 'object') return false;
  const shards = (value as { shards?: unknown }).shards;
  return (
    Array.isArray(shards) &&
    shards.every((s: unknown) => {
      const files = s !== null && typeof s === 'object' ? (s as { files?: unknown }).files : undefined;
      return Array.isArray(files) && files.every((f) => typeof f === 'string');
    })
  );
}

function invalid(name: string, expected: string, got: unknown): ShardwiseError {
  const where = name ? `shardwise({ ${name} })` : 'shardwise()';
  return new ShardwiseError('INVALID_OPTION', `${where}: ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
