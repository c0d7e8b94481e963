// Everything the light entry has (no dependencies), then what needs zod or the XML parser.
export * from './light.js';
export { readError, writeError, type ShardwiseErrorOptions, type FailureKind } from '../base/errors.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from '../base/shard-spec.js';
export { estimateUnknownMs, DEFAULT_UNKNOWN_MS } from '../base/estimate.js';
export type { ResolveSettingsInput } from '../base/settings.js';
export { partition, type PartitionOptions, type Durations } from '../plan/partition.js';
export {
  lpt as planLpt,
  hashSplit,
  compareSplits,
  type SplitComparison,
  type SplitMethod,
} from '../plan/baselines.js';
export { lowerBound } from '../plan/bounds.js';
export { judgeSplit, predictShardMs, splitWallMs, type SplitPrediction } from '../model/judge.js';
export {
  ALGORITHM_VERSION,
  shardOf,
  emptyShardCount,
  predictedMs,
  predictedSpan,
  pieceTests,
  pieceFilter,
  type PieceTests,
  type Plan,
  type PlannedShard,
  type PreviousPlan,
  type PlanWall,
  type SplitSummary,
} from '../formats/plan.js';
export {
  scheduleFinishMs,
  shardWallMs,
  observeJob,
  jobClockUsable,
  learnWallModels,
  fitWallModel,
  type WallModelFit,
  type JobObservation,
} from '../model/wall-model.js';
export { type WallModel, type WallModels } from '../formats/records.js';
export {
  decideSplits,
  fileCostOf,
  fixedCostMs,
  cutFile,
  matchKey,
  fileSumMakespan,
  type FileCost,
  type TestBlock,
  type PredictMakespan,
  type SplitDecision,
  type SplitUnit,
} from '../model/test-split.js';
export { type Piece } from '../formats/plan.js';
export { splitPlan, SPLIT_VERSION, type SplitPlanOptions } from '../plan/split-choice.js';
export { joinPieces, checkPieces, type TestCoverageProblem } from '../learn/report-pieces.js';
export {
  planRun,
  wallModelFor,
  isLowMatch,
  isManyUnlisted,
  describeDiagnostic,
  describeShard,
  severityOf,
  planMessages,
  type PlanMessage,
  type PlanRunInput,
  type UnitNoun,
  type RunPlan,
  type PlanDiagnostic,
  type MatchStats,
} from '../plan/build-plan.js';
export {
  parsePlan,
  parsePlanText,
  serializePlanFile,
  planJson,
  PLAN_FORMAT,
  type PlanFile,
} from '../formats/plan-file.js';
export {
  readRunInputs,
  readPlanFile,
  writePinnedPlan,
  displayPath,
  type RunInputs,
} from '../io/run-inputs.js';
export { sizeShards, type Sizing } from '../plan/sizing.js';
export { STORE_VERSION, type FileTiming } from '../formats/records.js';
export { emptyStore, parseStore, serializeStore, durationsOf } from '../formats/store.js';
export { readStoreFile, writeStoreFile } from '../io/store-file.js';
export { writeFilesTogether, type FileWrite } from '../io/write-file.js';
export { withFileLocks, LOCK_WAIT_MS, type FileLockOptions } from '../io/file-lock.js';
export { parseReport } from '../formats/report-parse.js';
export { MAX_DURATION_MS } from '../formats/report.js';
export { reportPlanOf } from '../record/report-build.js';
export {
  mergeReports,
  describeUnlearned,
  RECENT_SAMPLES,
  type MergeOptions,
  type MergeResult,
  type Smoothing,
  type Unlearned,
} from '../learn/merge.js';
export { jobPaces, type JobPace } from '../model/job-pace.js';
export { predictionSpreadMs, type SpreadPart } from '../model/spread.js';
export {
  checkCoverage,
  describeCoverage,
  splitUnsharded,
  unverifiedFiles,
  type CoverageResult,
} from '../learn/exactly-once.js';
export {
  summarizeShards,
  explainSlowest,
  reportsByShard,
  type ShardRow,
  type SlowestShard,
} from '../learn/shard-summary.js';
export { importJUnit } from '../record/junit-import.js';
export { importRunnerJson } from '../record/runner-json.js';
export { readFilesWith } from '../io/report-files.js';
export {
  HISTORY_VERSION,
  DEFAULT_WINDOW,
  emptyHistory,
  unrecordedReports,
  appendRun,
  reportId,
  parseHistory,
  serializeHistory,
  type History,
  type HistoryRun,
  type HistoryOutcome,
  type HistoryOptions,
  type TestRecord,
} from '../learn/history.js';
export {
  detectFlaky,
  newlyFlaky,
  FLAKY_DEFAULTS,
  type FlakyOptions,
  type FlakyTest,
  type FlakyReason,
} from '../learn/flaky.js';
export {
  QUARANTINE_VERSION,
  emptyQuarantine,
  parseQuarantine,
  serializeQuarantine,
  addToQuarantine,
  entryReplacedBy,
  knownTestNames,
  isCalendarDate,
  removeFromQuarantine,
  isExpired,
  failuresOf,
  judgeFailures,
  describeVerdict,
  type Quarantine,
  type QuarantineEntry,
  type QuarantineVerdict,
  type FailedTest,
} from '../learn/quarantine.js';
export {
  readHistoryFile,
  writeHistoryFile,
  readQuarantineFile,
  readQuarantineSetting,
  writeQuarantineFile,
} from '../io/flaky-files.js';
export { judgeRun, verdictLines, type QuarantineOutcome } from '../io/quarantine-run.js';
