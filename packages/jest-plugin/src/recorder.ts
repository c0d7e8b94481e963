import {
  fileStatusOf,
  fileTimeline,
  hashTestFile,
  testStatusOf,
  unfinishedFile,
  type ReportedFile,
  type ReportedTest,
} from '@shardwise/core/light';
import type { AggregatedResult, AssertionResult, TestResult } from './jest-types.js';

/**
 * Translates Jest's results into core's report entries, one per file result (core's `createReport`
 * combines a file reported twice under one key). Pure: Jest's objects in, core data out.
 */
export function jestFiles(
  results: AggregatedResult,
  keyOf: (result: TestResult) => string,
  jobStart?: number,
  pieces?: ReadonlyMap<string, JestPiece>,
): ReportedFile[] {
  return results.testResults.map((result) => {
    const key = keyOf(result);
    return reportedFile(key, result, jobStart, pieces?.get(key));
  });
}

/** A piece of a split file this shard ran: which one, and which of the file's tests it runs. */
export interface JestPiece {
  piece: number;
  of: number;
  runs: (name: string) => boolean;
}

/**
 * One file's entry: wall time with the environment setup, outcome, and its tests; with the job's start
 * (epoch ms), also its place on the job's timeline, its fixed cost (environment, setup files and import:
 * everything before its first test started) and the runner's share of it (environment and setup files).
 */
export function reportedFile(
  file: string,
  result: TestResult,
  jobStart?: number,
  piece?: JestPiece,
): ReportedFile {
  const wall = wallTimeMs(result.perfStats);
  const entry: ReportedFile = {
    file,
    durationMs: wall ?? 0,
    status: fileStatusOf(outcomeOf(result), wall !== undefined),
  };
  if (wall === undefined && workerLost(result)) Object.assign(entry, unfinishedFile('crashed'));
  // The runner wrapper names the describe block each test must share a piece with (`beforeAll`/`afterAll`).
  const groups = (result as { shardwiseGroups?: Record<string, string> }).shardwiseGroups ?? {};
  const tests: ReportedTest[] = [];
  // A piece lists the tests it ran and the names of the ones it left to the other pieces (Jest reports
  // them as skipped), so that `shard merge` can prove each ran in exactly one piece.
  const otherTests: string[] = [];
  for (const a of result.testResults) {
    const test = testTiming(a);
    if (piece && !piece.runs(test.name)) {
      otherTests.push(test.name);
      continue;
    }
    const group = groups[test.name];
    if (group !== undefined) test.group = group;
    tests.push(test);
  }
  if (tests.length > 0) entry.tests = tests;
  if (piece) {
    entry.piece = piece.piece;
    entry.of = piece.of;
    if (otherTests.length > 0) entry.otherTests = otherTests;
  }
  if (jobStart !== undefined && wall !== undefined) Object.assign(entry, timelineOf(result, jobStart));
  const hash = hashTestFile(result.testFilePath);
  if (hash !== undefined) entry.hash = hash;
  return entry;
}

function timelineOf(result: TestResult, jobStart: number): ReturnType<typeof fileTimeline> {
  const { end, start, loadTestEnvironmentStart: envStart, setupFilesEnd } = result.perfStats;
  const marked = envStart > 0 && envStart <= end;
  const from = marked ? envStart : start;
  // Jest 30 stamps each test's start (`startAt`, epoch ms); Jest 29 does not: then the file's own start,
  // after its environment and setup files, is the best mark.
  let firstTest: number | undefined;
  for (const a of result.testResults) {
    if (typeof a.startAt === 'number' && a.startAt > 0)
      firstTest = Math.min(firstTest ?? Infinity, a.startAt);
  }
  return fileTimeline(jobStart, {
    start: from,
    end,
    firstTest: firstTest ?? (start > 0 ? start : undefined),
    // Jest 30 marks the end of the setup files: from there on the worker runs the file's own code (the
    // test framework, the file's import, its tests). Jest 29 has no environment marks.
    ready: marked && setupFilesEnd > 0 ? setupFilesEnd : undefined,
  });
}

/**
 * The workers Jest ran this job's files on: 1 in band (`--runInBand`, one worker, one file, or Jest's own
 * rule for a few fast files whose durations it knows: ≤ 20 files all under 1 s), else its `maxWorkers`
 * up to the number of files. Mirrors `shouldRunInBand` in jest-core's testSchedulerHelper.
 */
export function jestWorkers(
  tests: ReadonlyArray<{ duration?: number | undefined }>,
  config: { maxWorkers: number; runInBand?: boolean } | undefined,
): number {
  const maxWorkers = config?.runInBand ? 1 : (config?.maxWorkers ?? 1);
  const timings = tests.map((t) => t.duration).filter((d): d is number => d !== undefined);
  const fewFast = tests.length <= 20 && timings.length > 0 && timings.every((d) => d < 1000);
  if (maxWorkers <= 1 || tests.length <= 1 || fewFast) return 1;
  return Math.min(maxWorkers, tests.length);
}

/**
 * `end - loadTestEnvironmentStart`: the file's wall time including the test environment (Jest's own
 * `runtime` starts after it, which under-counts jsdom files). Falls back to `end - start` when the
 * environment marks are missing; `undefined` when no clock ran.
 */
export function wallTimeMs(perf: TestResult['perfStats']): number | undefined {
  const { end, start, loadTestEnvironmentStart: envStart } = perf;
  if (!(end > 0)) return undefined;
  if (envStart > 0 && envStart <= end) return Math.round(end - envStart);
  if (start > 0 && start <= end) return Math.round(end - start);
  return undefined;
}

/**
 * Jest ran the file in a worker that died before it answered (SIGKILL, out of memory, `process.exit` in a
 * test): Jest then reports the file with no clock and an exec error that jest-worker wrote itself ("A jest
 * worker process (pid=…) was terminated by another process", "… crashed for an unknown reason", "Jest
 * worker encountered 3 child process exceptions", "Jest worker ran out of memory and crashed", "A Jest
 * worker thread exited unexpectedly", "Call retries were exceeded"; Jest 29 and 30). A file that threw
 * while loading has no clock either, but its error is its own: it ran, and failed.
 */
function workerLost(result: TestResult): boolean {
  const message = (result.testExecError as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && WORKER_LOST.test(message);
}
const WORKER_LOST = /^(?:A )?jest worker\b|^Call retries were exceeded/i;

/** Jest's word for a file's outcome: an exec error (a file that threw while loading) is a failure. */
function outcomeOf(result: TestResult): 'passed' | 'failed' | 'skipped' {
  if (result.testExecError !== undefined) return 'failed';
  if (result.numFailingTests > 0 || result.failureMessage) return 'failed';
  if (result.skipped) return 'skipped';
  return 'passed';
}

/**
 * One test's entry. With `jest.retryTimes(n)`, `invocations` counts every attempt and `retryReasons` holds
 * the errors of the failed ones: a test that passed after a failed attempt is flaky, never a plain pass.
 */
function testTiming(a: AssertionResult): ReportedTest {
  const test: ReportedTest = {
    name: [...a.ancestorTitles, a.title].join(' > '),
    durationMs: a.duration != null && a.duration > 0 ? Math.round(a.duration) : 0,
    status: testStatusOf(a.status),
  };
  const attempts = a.invocations;
  if (typeof attempts === 'number' && attempts > 1) test.attempts = attempts;
  if (test.status === 'passed' && ((attempts ?? 0) > 1 || (a.retryReasons?.length ?? 0) > 0))
    test.flaky = true;
  return test;
}
