/**
 * The report format and its writing side, with no dependencies: a runner plugin writes reports on every run
 * without loading the validation library that reading them (`parseReport`) needs.
 */
import type { ShardSpec } from '../base/shard-spec.js';
import type { QueueJobRecord } from './queue-record.js';
import type { TestTiming } from './records.js';

/**
 * The longest duration shardwise accepts for one file or test: 7 days. Anything longer is a unit mistake
 * (microseconds as ms, a clock jump), and storing it would plan that file alone on a shard forever.
 */
export const MAX_DURATION_MS = 7 * 24 * 60 * 60 * 1000;

/** The marker in every report file, so `shard merge` can tell its input from other JSON. */
export const REPORT_FORMAT = 'shardwise-report';

/**
 * How one file's run ended. `interrupted`: the run was cancelled or the worker crashed before the file
 * finished; its time says nothing about the file.
 */
export type FileStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

/**
 * Why a file did not run to its end: `crashed`, the worker running it died (killed, out of memory, a
 * `process.exit` in a test); `cancelled`, the run was stopped while the file was queued or running. Such a
 * file did not run: the exactly-once proof fails and names it, and `shard files --failed` lists it. A file
 * only narrowed by a test-name filter is never `unfinished`.
 */
export type Unfinished = 'crashed' | 'cancelled';

/**
 * One test as a report records it: its timing and outcome, and how it got there. `status` is the final
 * outcome (what the store keeps); a test that failed and then passed on a retry is `passed` with
 * `flaky: true`, so flaky detection sees it even though the run went on green.
 */
export interface ReportedTest extends TestTiming {
  /** How many times the runner ran it in this run (1 without retries); absent when the runner did not say. */
  attempts?: number;
  /** Failed at least once, then passed on a retry, in this run. */
  flaky?: boolean;
}

export interface ReportedFile {
  /** Unit key: POSIX path relative to the root, prefixed `project|` for a named project of several. */
  file: string;
  /** Wall time of the file, setup included, integer ms. */
  durationMs: number;
  status: FileStatus;
  /** Set when the file did not run to its end (its status is then `interrupted`); see {@link Unfinished}. */
  unfinished?: Unfinished;
  tests?: ReportedTest[];
  /** A short hash of the file's content when it ran (see `hashTestFile`): tells a changed test from a flaky one. */
  hash?: string;
  /**
   * The file's fixed cost inside `durationMs`, integer ms: what it paid before its first test (Vitest:
   * environment + prepare + setup + collect; Jest: from the worker taking the file to its first test).
   */
  setupMs?: number;
  /**
   * The runner's share of `setupMs`, integer ms: what it spent before the file's own code ran (Jest: loading
   * the test environment and runtime, the setup files, the test framework and `setupFilesAfterEnv`;
   * Vitest: environment, worker preparation and setup files). The same work for every file of a job,
   * except that a worker's first file pays the worker's warming up in it: what the wall model learns worker
   * start-up from, never the file's import.
   */
  environmentMs?: number;
  /**
   * A piece of a split file (test-level split): which piece this entry is, of how many. Its `tests` are the
   * tests this piece ran (the ones its filter selected, run or skipped), `otherTests` the tests the runner
   * collected in the file and left to the other pieces.
   */
  piece?: number;
  of?: number;
  otherTests?: string[];
  /**
   * A test filter (`--grep`, `-t`, `testNamePattern`) ran only some of the file's tests: `tests` lists the
   * ones it ran, and `durationMs` is their time with the file's fixed cost, not the file's whole time
   * (see `fileCountsForLearning`). The file ran what was selected: the exactly-once proof counts it as run.
   * Absent for a file none of whose tests a filter left out.
   */
  filtered?: boolean;
  /** Which worker ran it (1-based, as the runner numbers them in this job). */
  worker?: number;
  /** When the file started and ended, integer ms since the job started (`job.startedAt`). */
  startMs?: number;
  endMs?: number;
}

/** The shard job as a wall clock: what a CI job really took, start-up included. */
export interface JobTiming {
  /** Runner start to runner end, integer ms, as the runner's own clock sees it. */
  wallMs: number;
  /** How many workers ran files in parallel (1 for in-band). */
  workers: number;
  /** When the runner started (ISO 8601); file `startMs`/`endMs` count from it. */
  startedAt?: string;
}

/** The plan a shard ran under: enough to name the files of a shard whose report never arrived. */
export interface ReportPlan {
  fingerprint: string;
  shardCount: number;
  /** Files of every shard, by shard (index 0 is shard 1). */
  shards: string[][];
  /**
   * True when the runner planned only part of the suite (path filters, `--changed`, `-o`): such a plan
   * proves nothing about the files it left out, so merge does not prune by it.
   */
  partial?: boolean;
  /**
   * The plan ran only the tests a change needs (`shard plan --changed`): why, and how many test files it
   * left out. Such a plan is partial: the merge proves its selected files ran and prunes nothing by it.
   */
  selection?: ReportSelection;
  /** Each shard's predicted sum of file times, ms (index 0 is shard 1). */
  estimatedMs?: number[];
  /**
   * Each shard's predicted wall under the plan's wall model, ms, and the model: what `shard merge` compares
   * each job's real wall with (the prediction the job ran under, not one remade from the updated store).
   */
  wallMs?: number[];
  wall?: { startupMs: number; workerStartupMs: number; workers: number };
  /**
   * The plan's proven lower bound on its slowest shard, ms, in the measure of its predictions (the wall
   * under the wall model, else the files' sum): no plan of these files on this many shards does better.
   */
  lowerBoundMs?: number;
  /** Each shard's prediction's spread, ± ms (see `predictionSpreadMs`); absent when no shard had one. */
  spreadMs?: number[];
  /** The pieces of split files, with the shard (1-based) that runs each. */
  pieces?: ReportPiece[];
}

/** A plan's selection as a report carries it: the left-out files by count (the pinned plan lists them). */
export interface ReportSelection {
  ref: string;
  by: string;
  changed: number;
  leftOut: number;
  full?: { file: string; why: string };
}

/** A piece of a split file in a report's plan. */
export interface ReportPiece {
  shard: number;
  file: string;
  piece: number;
  of: number;
  /** The full names it runs; for the last piece, what the plan expects it to run (it runs the rest). */
  tests: string[];
}

/**
 * What a runner plugin writes at the end of a run (one per shard), and what imports produce: the input of
 * {@link mergeReports} and {@link checkCoverage}.
 */
export interface RunReport {
  format: typeof REPORT_FORMAT;
  version: 1;
  /** `jest`, `vitest`, `junit`, `jest-json`, `vitest-json`. */
  runner: string;
  /** When the run ended (ISO 8601). Orders runs when several are merged at once. */
  createdAt?: string;
  /** The shard this run was; absent for an unsharded run or an import. */
  shard?: ShardSpec;
  /** The commit under test (see `detectCommit`); absent outside a git checkout and in imports. */
  commit?: string;
  plan?: ReportPlan;
  /** The shard job's wall clock; absent in imports and in reports of older shardwise versions. */
  job?: JobTiming;
  /**
   * The run's test filter in the runner's words (e.g. `grepInvert /@network/`), whether it came from the
   * command line or the config; absent for an unfiltered run.
   */
  filter?: string;
  /**
   * A queue job's record (queue mode): the units it acknowledged, its batches and its wait. `shard merge`
   * proves the queue run from these (`proveQueue`) instead of from a plan.
   */
  queue?: QueueJobRecord;
  files: ReportedFile[];
}

/** Serializes a report (compact: reports are machine-to-machine). */
export function serializeReport(report: RunReport): string {
  return JSON.stringify(report) + '\n';
}

/**
 * The file name of a shard's report: distinct per runner, shard and plan, so shards writing into one
 * directory (or artifacts downloaded into one) never overwrite each other.
 */
export function reportFileName(
  runner: string,
  shard: ShardSpec | undefined,
  fingerprint: string | undefined,
): string {
  const which = shard ? `shard-${shard.index}-of-${shard.count}` : 'full';
  return `${runner}-${which}${fingerprint ? `-${fingerprint.slice(0, 8)}` : ''}.json`;
}
