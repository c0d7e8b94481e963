/**
 * `@shardwise/core/planning`: what a shard job needs to plan its run, and nothing more (no merge, no
 * history, no XML import, no report building): `shard files` loads only this, and its start-up is part of
 * every CI job. Everything here is also exported by the package entry.
 */
export * from './errors.js';
export * from './paths.js';
export {
  resolveSettings,
  isDebugEnabled,
  type Settings,
  type SettingSource,
  type SettingValues,
  type ResolveSettingsInput,
} from './settings.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from './shard-spec.js';
export {
  planRun,
  describeDiagnostic,
  severityOf,
  type PlanRunInput,
  type UnitNoun,
  type RunPlan,
  type PlanDiagnostic,
  type MatchStats,
} from './plan-run.js';
export { readRunInputs, displayPath, type RunInputs } from './run-inputs.js';
export { testFileOf } from './test-key.js';
export { durationsOf } from './store.js';
export { estimateUnknownMs } from './estimate.js';
