// Everything the light entry has (no dependencies), then what needs zod or the XML parser.
export * from './light.js';
export { readError, writeError, type ShardwiseErrorOptions, type FailureKind } from './errors.js';
export { parseShardSpec, makeShardSpec, type ShardSpec } from './shard-spec.js';
export { estimateUnknownMs, DEFAULT_UNKNOWN_MS } from './estimate.js';
export type { ResolveSettingsInput } from './settings.js';
export { partition, type PartitionOptions, type Durations } from './partition.js';
export {
  lpt as planLpt,
  hashSplit,
  compareSplits,
  type SplitComparison,
  type SplitMethod,
} from './baselines.js';
export { lowerBound } from './bounds.js';
export { judgeSplit, predictShardMs, splitWallMs, type SplitPrediction } from './judge.js';
export {
  ALGORITHM_VERSION,
  shardOf,
  emptyShardCount,
  predictedMs,
  predictedSpan,
  type Plan,
  type PlannedShard,
  type PreviousPlan,
  type PlanWall,
  type SplitSummary,
} from './plan.js';
export {
  scheduleFinishMs,
  shardWallMs,
  observeJob,
  jobClockUsable,
  learnWallModels,
  fitWallModel,
  type WallModel,
  type WallModelFit,
  type WallModels,
  type JobObservation,
} from './wall-model.js';
export {
  decideSplits,
  fileCostOf,
  fixedCostMs,
  cutFile,
  matchKey,
  fileSumMakespan,
  type Piece,
  type FileCost,
  type TestBlock,
  type PredictMakespan,
  type SplitDecision,
  type SplitUnit,
} from './split.js';
export { splitPlan, SPLIT_VERSION, type SplitPlanOptions } from './plan-split.js';
export { joinPieces, checkPieces, type TestCoverageProblem } from './report-pieces.js';
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
} from './plan-run.js';
export {
  parsePlan,
  parsePlanText,
  serializePlanFile,
  planJson,
  PLAN_FORMAT,
  type PlanFile,
} from './plan-file.js';
export { readRunInputs, readPlanFile, writePinnedPlan, displayPath, type RunInputs } from './run-inputs.js';
export { sizeShards, type Sizing } from './sizing.js';
export {
  STORE_VERSION,
  emptyStore,
  parseStore,
  serializeStore,
  durationsOf,
  type FileTiming,
} from './store.js';
export { readStoreFile, writeStoreFile } from './store-file.js';
export { writeFilesTogether, type FileWrite } from './write-file.js';
export { withFileLocks, LOCK_WAIT_MS, type FileLockOptions } from './file-lock.js';
export { parseReport } from './report.js';
export { MAX_DURATION_MS } from './report-format.js';
export { reportPlanOf } from './report-build.js';
export {
  mergeReports,
  describeUnlearned,
  RECENT_SAMPLES,
  type MergeOptions,
  type MergeResult,
  type Smoothing,
  type Unlearned,
} from './merge.js';
export { jobPaces, type JobPace } from './job-pace.js';
export { predictionSpreadMs, type SpreadPart } from './spread.js';
export {
  checkCoverage,
  describeCoverage,
  splitUnsharded,
  unverifiedFiles,
  type CoverageResult,
} from './coverage.js';
export {
  summarizeShards,
  explainSlowest,
  reportsByShard,
  type ShardRow,
  type SlowestShard,
} from './shard-summary.js';
export { importJUnit } from './junit.js';
export { importRunnerJson } from './runner-json.js';
export { readFilesWith } from './report-files.js';
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
} from './history.js';
export {
  detectFlaky,
  newlyFlaky,
  FLAKY_DEFAULTS,
  type FlakyOptions,
  type FlakyTest,
  type FlakyReason,
} from './flaky.js';
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
} from './quarantine.js';
export {
  readHistoryFile,
  writeHistoryFile,
  readQuarantineFile,
  readQuarantineSetting,
  writeQuarantineFile,
} from './flaky-files.js';
export { judgeRun, verdictLines, type QuarantineOutcome } from './quarantine-run.js';
export {
  SHARD_HEADER,
  shardCells,
  shardName,
  predictionNote,
  otherPlanNote,
  describeSlowest,
  describeMachineJob,
} from './render/merge-words.js';
export {
  describePipeline,
  type PipelineInput,
  type PipelineSummary,
  type JobView,
  type WorkerLane,
  type FileBar,
  type TestTrack,
  type Balance,
} from './render/pipeline.js';
export { renderHtml, MAX_LANES, MAX_BARS_PER_LANE, MAX_BARS, type HtmlOptions } from './render/html.js';
export { renderComment } from './render/comment.js';
export { renderJUnit, type JUnitOptions } from './render/junit-out.js';
