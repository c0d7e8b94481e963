import { checkOptions, type Estimator, type SettingsResolver } from '@shardwise/core/light';

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
   * Whether runs write a report (`SHARDWISE_RECORD=0` overrides it).
   * @default true
   */
  record?: boolean;
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

/**
 * Checks the options a user passed to `shardwise()` (at the boundary, when the config loads) against core's
 * settings table and returns a resolver that applies core's settings rules once the Vitest root is known.
 */
export function validateOptions(options: ShardwiseVitestOptions): SettingsResolver {
  return checkOptions('vitest', options, { whole: 'shardwise()', key: (key) => `shardwise({ ${key} })` });
}
