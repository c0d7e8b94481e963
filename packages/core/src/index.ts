export { ShardwiseError, isShardwiseError, type ShardwiseErrorCode } from './errors.js';
export { normalizePath, isAbsolutePath, unitKey, splitUnitKey, compareCodeUnits } from './paths.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from './shard-spec.js';
export {
  estimateUnknownMs,
  estimatorName,
  parseEstimator,
  DEFAULT_UNKNOWN_MS,
  type Estimator,
} from './estimate.js';
export { partition, type PartitionOptions, type Durations } from './partition.js';
export { lpt as planLpt, hashSplit } from './baselines.js';
export { lowerBound } from './bounds.js';
export { ALGORITHM_VERSION, type Plan, type PlannedShard, type PreviousPlan } from './plan.js';
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
export { mergeReports, type MergeOptions, type MergeResult, type Smoothing } from './merge.js';
export { checkCoverage, describeCoverage, type CoverageResult } from './coverage.js';
export { importJUnit } from './junit.js';
export { importRunnerJson } from './runner-json.js';
export { readFilesWith } from './report-files.js';
