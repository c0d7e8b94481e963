/**
 * `@shardwise/core/light`: the parts of the core that load no dependencies (no zod, no XML parser), for
 * runner plugins that are imported with every test run's config and write a report at the end of every
 * run: both must cost next to nothing. The rest of the core is loaded by `import('@shardwise/core')` when
 * it is needed (planning, which validates the store).
 */
export {
  ShardwiseError,
  isShardwiseError,
  exitCodeOf,
  formatError,
  describeHint,
  readError,
  writeError,
  warningLine,
  EXIT_CODES,
  type ShardwiseErrorCode,
  type Hint,
  type HintRenderer,
} from '../base/errors.js';
export { normalizePath, isAbsolutePath, unitKey, splitUnitKey, compareCodeUnits } from '../base/paths.js';
export {
  testUnitKey,
  splitTestKey,
  testFileOf,
  normalizeUnitKey,
  TITLE_SEPARATOR,
} from '../base/test-key.js';
export { parseEstimator, estimatorName, type Estimator } from '../base/estimate.js';
export {
  resolveSettings,
  isDebugEnabled,
  describe as describeValue,
  DEFAULT_TIMINGS_FILE,
  DEFAULT_REPORTS_DIR,
  DEFAULT_QUARANTINE_FILE,
  DEFAULT_HISTORY_FILE,
  SETTINGS_ENV,
  type Settings,
  type SettingSource,
  type SettingValues,
} from '../base/settings.js';
export {
  REPORT_FORMAT,
  serializeReport,
  reportFileName,
  type FileStatus,
  type JobTiming,
  type ReportedFile,
  type ReportedTest,
  type ReportPlan,
  type ReportPiece,
  type RunReport,
  type Unfinished,
} from '../formats/report.js';
export {
  createReport,
  combine,
  fileStatusOf,
  testStatusOf,
  unfinishedFile,
  type ReportInput,
} from '../record/report-build.js';
export {
  nameFilter,
  applyFilter,
  fileCountsForLearning,
  jobCountsForLearning,
  filteredDurationMs,
  type TestFilter,
} from '../model/test-filter.js';
export type { TestTiming, TestStatus, TimingStore } from '../formats/records.js';
export { writeFileAtomic, writeFileAtomicSync } from '../io/write-file.js';
export { parseJson } from '../base/json-text.js';
export { exitOnUserError } from '../io/exit-on-user-error.js';
export { readQuarantineSetting } from '../io/flaky-files.js';
export { jobStartMs, jobTiming, fileTimeline, JOB_START_ENV } from '../io/job-clock.js';
export { detectCommit, hashTestFile, COMMIT_ENV } from '../io/code-identity.js';
export { pieceTests, pieceFilter, type PieceTests } from '../formats/plan.js';
