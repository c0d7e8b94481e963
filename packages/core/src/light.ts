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
} from './errors.js';
export { normalizePath, isAbsolutePath, unitKey, splitUnitKey, compareCodeUnits } from './paths.js';
export { testUnitKey, splitTestKey, testFileOf, normalizeUnitKey, TITLE_SEPARATOR } from './test-key.js';
export { parseEstimator, estimatorName, type Estimator } from './estimate.js';
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
} from './settings.js';
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
} from './report-format.js';
export {
  createReport,
  combine,
  fileStatusOf,
  testStatusOf,
  unfinishedFile,
  type ReportInput,
} from './report-build.js';
export {
  nameFilter,
  applyFilter,
  fileCountsForLearning,
  jobCountsForLearning,
  filteredDurationMs,
  type TestFilter,
} from './test-filter.js';
export type { TestTiming, TestStatus, TimingStore } from './store.js';
export { writeFileAtomic, writeFileAtomicSync } from './write-file.js';
export { parseJson } from './json-text.js';
export { exitOnUserError } from './exit-on-user-error.js';
export { readQuarantineSetting } from './flaky-files.js';
export { jobStartMs, jobTiming, fileTimeline, JOB_START_ENV } from './job-clock.js';
export { detectCommit, hashTestFile, COMMIT_ENV } from './code-identity.js';
export { formatMs, formatPredicted, formatPercent, signedPercent, markdownTable } from './render/text.js';
