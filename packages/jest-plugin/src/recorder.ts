import {
  compareCodeUnits,
  REPORT_FORMAT,
  type FileStatus,
  type ReportPlan,
  type ReportedFile,
  type RunReport,
  type ShardSpec,
  type TestStatus,
  type TestTiming,
} from '@shardwise/core';
import type { AggregatedResult, AssertionResult, TestResult } from './jest-types.js';

export interface ReportInput {
  results: AggregatedResult;
  /** The unit key of a result (project prefix and root-relative POSIX path). */
  keyOf: (result: TestResult) => string;
  shard: ShardSpec | undefined;
  plan: ReportPlan | undefined;
  /** `-t`/`--testNamePattern` ran only some tests of each file: their times are not the files' times. */
  testsFiltered: boolean;
  createdAt: string;
}

/** Turns Jest's results into a shardwise report. Pure: Jest's objects in, core data out. */
export function buildReport(input: ReportInput): RunReport {
  const byKey = new Map<string, ReportedFile>();
  for (const result of input.results.testResults) {
    const file = input.keyOf(result);
    let entry = reportedFile(file, result);
    if (input.testsFiltered && entry.status === 'passed') entry = { ...entry, status: 'skipped' };
    const seen = byKey.get(file);
    // The same file twice under one key (two unnamed projects): one unit, so its cost is the sum.
    byKey.set(file, seen ? combine(seen, entry) : entry);
  }
  const files = [...byKey.values()].sort((a, b) => compareCodeUnits(a.file, b.file));
  return {
    format: REPORT_FORMAT,
    version: 1,
    runner: 'jest',
    createdAt: input.createdAt,
    ...(input.shard ? { shard: input.shard } : {}),
    ...(input.plan ? { plan: input.plan } : {}),
    files,
  };
}

/** One file's entry: wall time with the environment setup, outcome, and its tests. */
export function reportedFile(file: string, result: TestResult): ReportedFile {
  const wall = wallTimeMs(result.perfStats);
  let status = fileStatus(result);
  // A file whose clock never ran (a crashed worker, a file Jest could not even load) says nothing about
  // its duration; `interrupted` keeps merge from ever using it.
  if (wall === undefined && status !== 'skipped') status = 'interrupted';
  const entry: ReportedFile = { file, durationMs: wall ?? 0, status };
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

function fileStatus(result: TestResult): FileStatus {
  if (result.testExecError !== undefined) return 'failed';
  if (result.numFailingTests > 0 || result.failureMessage) return 'failed';
  if (result.skipped) return 'skipped';
  return 'passed';
}

function testTiming(a: AssertionResult): TestTiming {
  return {
    name: [...a.ancestorTitles, a.title].join(' > '),
    durationMs: a.duration != null && a.duration > 0 ? Math.round(a.duration) : 0,
    status: testStatus(a.status),
  };
}

function testStatus(status: AssertionResult['status']): TestStatus {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  return 'skipped'; // pending, todo, disabled, skipped
}

const RANK: Record<FileStatus, number> = { passed: 0, skipped: 1, failed: 2, interrupted: 3 };

function combine(a: ReportedFile, b: ReportedFile): ReportedFile {
  const status = RANK[a.status] >= RANK[b.status] ? a.status : b.status;
  const tests = [...(a.tests ?? []), ...(b.tests ?? [])];
  return {
    file: a.file,
    durationMs: a.durationMs + b.durationMs,
    status,
    ...(tests.length > 0 ? { tests } : {}),
  };
}
