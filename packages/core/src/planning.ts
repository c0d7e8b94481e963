/**
 * `@shardwise/core/planning`: what a shard job needs to plan its run and nothing more (no merge, no
 * history, no XML import): `shard files` loads only this, and its start-up is part of every CI job.
 */
export * from './light.js';
export { readError, writeError, type ShardwiseErrorOptions, type FailureKind } from './errors.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from './shard-spec.js';
export type { ResolveSettingsInput } from './settings.js';
export {
  planRun,
  describeDiagnostic,
  severityOf,
  type PlanRunInput,
  type RunPlan,
  type PlanDiagnostic,
  type MatchStats,
} from './plan-run.js';
export { readRunInputs, displayPath, type RunInputs } from './run-inputs.js';
