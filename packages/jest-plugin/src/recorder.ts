import { fileStatusOf, testStatusOf, type ReportedFile, type TestTiming } from '@shardwise/core/light';
import type { AggregatedResult, AssertionResult, TestResult } from './jest-types.js';

/**
 * Translates Jest's results into core's report entries, one per file result (core's `createReport`
 * combines a file reported twice under one key). Pure: Jest's objects in, core data out.
 */
export function jestFiles(results: AggregatedResult, keyOf: (result: TestResult) => string): ReportedFile[] {
  return results.testResults.map((result) => reportedFile(keyOf(result), result));
}

/** One file's entry: wall time with the environment setup, outcome, and its tests. */
export function reportedFile(file: string, result: TestResult): ReportedFile {
  const wall = wallTimeMs(result.perfStats);
  const entry: ReportedFile = {
    file,
    durationMs: wall ?? 0,
    status: fileStatusOf(outcomeOf(result), wall !== undefined),
  };
  const tests = result.testResults.map(testTiming);
  if (tests.length > 0) entry.tests = tests;
  return entry;
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

/** Jest's word for a file's outcome: an exec error (a file that threw while loading) is a failure. */
function outcomeOf(result: TestResult): 'passed' | 'failed' | 'skipped' {
  if (result.testExecError !== undefined) return 'failed';
  if (result.numFailingTests > 0 || result.failureMessage) return 'failed';
  if (result.skipped) return 'skipped';
  return 'passed';
}

function testTiming(a: AssertionResult): TestTiming {
  return {
    name: [...a.ancestorTitles, a.title].join(' > '),
    durationMs: a.duration != null && a.duration > 0 ? Math.round(a.duration) : 0,
    status: testStatusOf(a.status),
  };
}
