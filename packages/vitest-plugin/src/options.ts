import {
  describeValue,
  resolveSettings,
  ShardwiseError,
  type Estimator,
  type Settings,
} from '@shardwise/core/light';

/**
 * Options of {@link shardwise}. Relative paths are resolved against the Vitest root; the environment
 * variables (`SHARDWISE_TIMINGS`, `SHARDWISE_REPORTS_DIR`, `SHARDWISE_ESTIMATOR`, `SHARDWISE_PREVIOUS`,
 * `SHARDWISE_PLAN`, `SHARDWISE_RECORD`, `SHARDWISE_QUARANTINE`) override them, relative to the current directory.
 */
export interface ShardwiseVitestOptions {
  /**
   * The timing store the plan is computed from.
   * @default 'shard-timings.json'
   */
  timings?: string;
  /**
   * Where each run writes its report for `shard merge`.
   * @default '.shardwise/reports'
   */
  reportsDir?: string;
  /**
   * How files with no recorded duration are estimated: `mean`, `median`, `p90`, a whole number of
   * milliseconds (as text), or `{ fixedMs }`.
   * @default 'mean'
   */
  estimator?: Estimator | (string & Record<never, never>);
  /**
   * The stability option: a previous plan to start from, so that small drifts in duration move few files
   * between shards. A path to a shardwise report (`.shardwise/reports/*.json`) or to `shard plan --json`
   * output, or the plan itself. Every CI job must see the same previous plan (commit it or cache it); a
   * named file that is missing is an error.
   * @default undefined (plan from scratch)
   */
  previous?: string | { shards: ReadonlyArray<{ files: readonly string[] }> };
  /**
   * A pinned plan (`shard plan --out plan.json`): every job runs exactly its shard of it, never re-plans.
   * @default undefined
   */
  plan?: string;
  /**
   * Workers per shard job in the wall model, over the count learned from recorded jobs (set it when the
   * jobs' machines differ from the ones the store learned on).
   * @default undefined (as learned)
   */
  workers?: number;
  /**
   * The quarantine file: tests that still run and are reported, but whose failures alone do not fail the
   * run (`SHARDWISE_QUARANTINE` overrides it).
   * @default 'shard-quarantine.json'
   */
  quarantine?: string;
  /**
   * Test-level splits: on Vitest ≥ 4.1, a file that sets the floor of the plan (longer than an even share of
   * the suite) is run as pieces on several shards, by test name, when the store's per-test times say that
   * lowers the slowest shard. `false` keeps every file whole.
   * @default true
   */
  splitTests?: boolean;
}

const KNOWN = [
  'timings',
  'reportsDir',
  'estimator',
  'previous',
  'plan',
  'workers',
  'quarantine',
  'splitTests',
];
/** Former names, refused with the new one so that an old config fails loudly instead of being ignored. */
const RENAMED: Record<string, string> = { stability: 'previous' };

/**
 * Checks the options a user passed to `shardwise()` (at the boundary, when the config loads) and returns
 * a resolver that applies core's settings rules once the Vitest root is known.
 */
export function validateOptions(
  options: ShardwiseVitestOptions,
): (root: string, env: NodeJS.ProcessEnv, cwd?: string) => Settings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid('', 'expected an object of options', options);
  }
  for (const key of Object.keys(options)) {
    if (RENAMED[key]) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `shardwise({ ${key} }): renamed; write shardwise({ ${RENAMED[key]} }) instead`,
      );
    }
    if (!KNOWN.includes(key)) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `shardwise({ ${key} }): unknown option; expected one of ${KNOWN.join(', ')}`,
      );
    }
  }
  for (const key of ['timings', 'reportsDir', 'plan', 'quarantine'] as const) checkPath(key, options[key]);
  if (options.splitTests !== undefined && typeof options.splitTests !== 'boolean') {
    throw invalid('splitTests', 'expected true or false', options.splitTests);
  }
  const { splitTests: _split, ...values } = options;
  const { previous } = options;
  if (typeof previous === 'string') checkPath('previous', previous);
  else if (previous !== undefined && (previous === null || typeof previous !== 'object')) {
    throw invalid('previous', 'expected a file path or a plan like { shards: [{ files: [...] }] }', previous);
  }
  const resolve = (root: string, env: NodeJS.ProcessEnv, cwd = process.cwd()) =>
    resolveSettings({
      root,
      cwd,
      env,
      config: { values, base: root, name: (key) => `shardwise({ ${key} })` },
    });
  // Values that can be checked without the root (the estimator) fail now, when the config loads.
  resolve('/', {});
  return resolve;
}

function checkPath(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    throw invalid(name, 'expected a non-empty path', value);
  }
}

function invalid(name: string, expected: string, got: unknown): ShardwiseError {
  const where = name ? `shardwise({ ${name} })` : 'shardwise()';
  return new ShardwiseError('INVALID_OPTION', `${where}: ${expected}, got ${describeValue(got)}`);
}
