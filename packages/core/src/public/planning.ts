/**
 * `@shardwise/core/planning`: what a shard job needs to plan its run, and nothing more (no merge, no
 * history, no XML import, no report building): `shard files` loads only this, and its start-up is part of
 * every CI job. Everything here is also exported by the package entry.
 */
export * from '../base/errors.js';
export * from '../base/paths.js';
export {
  resolveSettings,
  isDebugEnabled,
  type Settings,
  type SettingSource,
  type SettingValues,
  type ResolveSettingsInput,
} from '../base/settings.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from '../base/shard-spec.js';
export {
  planRun,
  describeDiagnostic,
  severityOf,
  type PlanRunInput,
  type UnitNoun,
  type RunPlan,
  type PlanDiagnostic,
  type MatchStats,
} from '../plan/build-plan.js';
export { readRunInputs, displayPath, type RunInputs } from '../io/run-inputs.js';
export { testFileOf } from '../base/test-key.js';
