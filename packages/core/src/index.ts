export {
  ShardwiseError,
  isShardwiseError,
  exitCodeOf,
  formatError,
  describeHint,
  readError,
  writeError,
  EXIT_CODES,
  type ShardwiseErrorCode,
  type ShardwiseErrorOptions,
  type FailureKind,
  type Hint,
  type HintRenderer,
} from './errors.js';
export { normalizePath, isAbsolutePath, unitKey, splitUnitKey, compareCodeUnits } from './paths.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from './shard-spec.js';
export {
  estimateUnknownMs,
  estimatorName,
  parseEstimator,
  DEFAULT_UNKNOWN_MS,
  type Estimator,
} from './estimate.js';
export {
  resolveSettings,
  isDebugEnabled,
  DEFAULT_TIMINGS_FILE,
  DEFAULT_REPORTS_DIR,
  SETTINGS_ENV,
  type Settings,
  type SettingSource,
  type SettingValues,
  type ResolveSettingsInput,
} from './settings.js';
export { partition, type PartitionOptions, type Durations } from './partition.js';
export { lpt as planLpt, hashSplit } from './baselines.js';
export { lowerBound } from './bounds.js';
export { ALGORITHM_VERSION, type Plan, type PlannedShard, type PreviousPlan } from './plan.js';
export {
  planRun,
  isLowMatch,
  describeDiagnostic,
  describeShard,
  type PlanRunInput,
  type RunPlan,
  type PlanDiagnostic,
  type MatchStats,
} from './plan-run.js';
export {
  parsePlan,
  parsePlanText,
  serializePlanFile,
  planJson,
  PLAN_FORMAT,
  type PlanFile,
} from './plan-file.js';
export { readRunInputs, readPlanFile, displayPath, type RunInputs } from './run-inputs.js';
export { sizeShards, type Sizing } from './sizing.js';
export {
  STORE_VERSION,
  emptyStore,
  parseStore,
  serializeStore,
  durationsOf,
  type TimingStore,
  type FileTiming,
  type TestTiming,
  type TestStatus,
} from './store.js';
export { readStoreFile, writeStoreFile } from './store-file.js';
export { writeFileAtomic, writeFileAtomicSync } from './write-file.js';
export { parseReport } from './report.js';
export {
  REPORT_FORMAT,
  serializeReport,
  reportFileName,
  type RunReport,
  type ReportedFile,
  type ReportPlan,
  type FileStatus,
} from './report-format.js';
export {
  createReport,
  combine,
  reportPlanOf,
  fileStatusOf,
  testStatusOf,
  type ReportInput,
} from './report-build.js';
export { mergeReports, type MergeOptions, type MergeResult, type Smoothing } from './merge.js';
export { checkCoverage, describeCoverage, type CoverageResult } from './coverage.js';
export { summarizeShards, type ShardRow } from './shard-summary.js';
export { importJUnit } from './junit.js';
export { importRunnerJson } from './runner-json.js';
export { readFilesWith } from './report-files.js';
