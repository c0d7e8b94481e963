import { checkOptions, type Estimator, type SettingsResolver } from '@shardwise/core/light';

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
  /**
   * Whether runs write a report (`SHARDWISE_RECORD=0` overrides it).
   * @default true
   */
  record?: boolean;
  /**
   * Workers per shard job in the wall model, over Playwright's resolved `workers`.
   * @default undefined (Playwright's `workers`)
   */
  workers?: number;
  /**
   * The quarantine file: tests that still run and are reported, but whose failures alone do not fail the run.
   * @default 'shard-quarantine.json'
   */
  quarantine?: string;
}

/** What Playwright adds to every reporter's options (`configDir`, and private `_mode`, `_commandHash`). */
export interface PlaywrightAdded {
  configDir?: string;
  /** `test`, `list` (`--list`), `merge` (`playwright merge-reports`), … Private to Playwright. */
  _mode?: string;
  /** A digest of the command's filters (projects, locations, grep, `--only-changed`, test lists); '' for none. */
  _commandHash?: string;
}

/**
 * Keys Playwright itself puts into every reporter's options: `configDir`, `onlyFailures` (in `--list`
 * mode) and private ones that start with `_`. They are not the user's, so never "unknown".
 */
const PLAYWRIGHT_KEYS = new Set(['configDir', 'onlyFailures']);

/**
 * Splits Playwright's additions from the user's options and checks the user's (when the config loads):
 * unknown keys and empty paths fail with one line naming the key.
 */
export function readOptions(raw: unknown): { added: PlaywrightAdded; resolve: SettingsResolver } {
  const added: PlaywrightAdded = {};
  const values: Record<string, unknown> = {};
  const object = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  for (const [key, value] of Object.entries(object ? raw : {})) {
    if (!PLAYWRIGHT_KEYS.has(key) && !key.startsWith('_')) values[key] = value;
    else if ((key === 'configDir' || key === '_mode' || key === '_commandHash') && typeof value === 'string')
      added[key] = value;
  }
  const naming = {
    whole: `['@shardwise/playwright', options]`,
    key: (key: string) => `['@shardwise/playwright', { ${key} }]`,
  };
  // Not an object (an array, a path): core's check says so in one line.
  return { added, resolve: checkOptions('playwright', object || raw == null ? values : raw, naming) };
}
