import {
  describeValue,
  resolveSettings,
  ShardwiseError,
  type Estimator,
  type Settings,
} from '@shardwise/core/light';

/**
 * Options of the reporter: `reporter: [['@shardwise/playwright', { timings: 'ci/timings.json' }]]`.
 * Relative paths are resolved against the directory of the Playwright config; the environment variables
 * (`SHARDWISE_TIMINGS`, `SHARDWISE_REPORTS_DIR`, `SHARDWISE_ESTIMATOR`, `SHARDWISE_PREVIOUS`,
 * `SHARDWISE_PLAN`, `SHARDWISE_PLAN_OUT`, `SHARDWISE_RECORD`, `SHARDWISE_REQUIRE_TIMINGS`) override them,
 * relative to the current directory.
 */
export interface ShardwisePlaywrightOptions {
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
   * How units with no recorded duration are estimated: `mean`, `median`, `p90`, a whole number of
   * milliseconds (as text), or `{ fixedMs }`.
   * @default 'mean'
   */
  estimator?: Estimator | (string & Record<never, never>);
  /**
   * The stability option: a previous plan to start from (a shardwise report, or a plan pinned with
   * `SHARDWISE_PLAN_OUT`), so that small drifts in duration move few units between shards.
   * @default undefined (plan from scratch)
   */
  previous?: string;
  /**
   * A pinned plan (`SHARDWISE_PLAN_OUT=plan.json npx playwright test --list --shard=1/N`): every job runs
   * exactly its shard of it, never re-plans.
   * @default undefined
   */
  plan?: string;
}

/** What Playwright adds to every reporter's options (`configDir`, and private `_mode`, `_commandHash`). */
export interface PlaywrightAdded {
  configDir?: string;
  /** `test`, `list` (`--list`), `merge` (`playwright merge-reports`), … Private to Playwright. */
  _mode?: string;
  /** A digest of the command's filters (projects, locations, grep, `--only-changed`, test lists); '' for none. */
  _commandHash?: string;
}

const KNOWN = new Set(['timings', 'reportsDir', 'estimator', 'previous', 'plan']);
/**
 * Keys Playwright itself puts into every reporter's options: `configDir`, `onlyFailures` (in `--list`
 * mode) and private ones that start with `_`. They are not the user's, so never "unknown".
 */
const PLAYWRIGHT_KEYS = new Set(['configDir', 'onlyFailures']);

/** The reporter's settings resolver: options checked once, core's rules applied once the root is known. */
export type ResolveSettings = (root: string, env: NodeJS.ProcessEnv, cwd?: string) => Settings;

/**
 * Splits Playwright's additions from the user's options and checks the user's (when the config loads):
 * unknown keys and empty paths fail with one line naming the key.
 */
export function readOptions(raw: unknown): { added: PlaywrightAdded; resolve: ResolveSettings } {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `['@shardwise/playwright', options]: expected an object of options, got ${describeValue(raw)}`,
    );
  }
  const added: PlaywrightAdded = {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (PLAYWRIGHT_KEYS.has(key) || key.startsWith('_')) {
      if ((key === 'configDir' || key === '_mode' || key === '_commandHash') && typeof value === 'string') {
        added[key] = value;
      }
    } else if (KNOWN.has(key)) {
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '') && key !== 'estimator') {
        throw optionError(key, `expected a non-empty path, got ${describeValue(value)}`);
      }
      values[key] = value;
    } else {
      throw optionError(key, `unknown option; expected one of ${[...KNOWN].join(', ')}`);
    }
  }
  const resolve: ResolveSettings = (root, env, cwd = process.cwd()) =>
    resolveSettings({
      root,
      cwd,
      env,
      config: { values, base: root, name: (key) => `['@shardwise/playwright', { ${key} }]` },
    });
  // What can be checked without the root (the estimator) fails now, when the config loads.
  resolve('/', {});
  return { added, resolve };
}

function optionError(key: string, problem: string): ShardwiseError {
  return new ShardwiseError('INVALID_OPTION', `['@shardwise/playwright', { ${key} }]: ${problem}`);
}
