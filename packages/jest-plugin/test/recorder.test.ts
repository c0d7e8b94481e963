import path from 'node:path';
import { createReport, parseReport, serializeReport, type Plan } from '@shardwise/core';
import { describe, expect, it } from 'vitest';
import type { AggregatedResult, TestResult } from '../src/jest-types.js';
import { jestFiles, reportedFile, wallTimeMs } from '../src/recorder.js';

// In-process: Jest's result objects in, report entries out. The end-to-end runs cannot make a worker crash
// or a file fail to load on demand; these rows can.

const perf = (p: Partial<TestResult['perfStats']>): TestResult['perfStats'] =>
  ({
    start: 0,
    end: 0,
    runtime: 0,
    slow: false,
    loadTestEnvironmentStart: 0,
    loadTestEnvironmentEnd: 0,
    ...p,
  }) as TestResult['perfStats'];

function result(p: Partial<TestResult> = {}): TestResult {
  return {
    testFilePath: '/repo/tests/a.test.js',
    perfStats: perf({ loadTestEnvironmentStart: 1000, start: 1100, end: 1600 }),
    numFailingTests: 0,
    skipped: false,
    testResults: [],
    ...p,
  } as TestResult;
}

describe('wallTimeMs', () => {
  it.each([
    {
      name: 'environment setup included',
      p: { loadTestEnvironmentStart: 1000, start: 1100, end: 1600 },
      ms: 600,
    },
    {
      name: 'rounded to whole ms',
      p: { loadTestEnvironmentStart: 1000.4, start: 1100, end: 1600.9 },
      ms: 601,
    },
    { name: 'no environment mark: end - start', p: { start: 1100, end: 1600 }, ms: 500 },
    {
      name: 'a zero duration is a duration',
      p: { loadTestEnvironmentStart: 1600, start: 1600, end: 1600 },
      ms: 0,
    },
    { name: 'no clock at all (crashed worker)', p: {}, ms: undefined },
    {
      name: 'marks out of order',
      p: { loadTestEnvironmentStart: 1700, start: 1800, end: 1600 },
      ms: undefined,
    },
  ])('$name', ({ p, ms }) => {
    expect(wallTimeMs(perf(p))).toBe(ms);
  });
});

describe('reportedFile', () => {
  it.each([
    { name: 'passed', r: {}, status: 'passed', durationMs: 600 },
    { name: 'a failing test', r: { numFailingTests: 1 }, status: 'failed', durationMs: 600 },
    {
      name: 'a file that threw while loading',
      r: { testExecError: { message: 'x' } },
      status: 'failed',
      durationMs: 600,
    },
    {
      name: 'a crashed worker (no clock)',
      r: { testExecError: { message: 'worker crashed' }, perfStats: perf({}) },
      status: 'interrupted',
      durationMs: 0,
    },
    { name: 'every test skipped', r: { skipped: true }, status: 'skipped', durationMs: 600 },
  ])('$name → $status', ({ r, status, durationMs }) => {
    expect(reportedFile('tests/a.test.js', result(r as Partial<TestResult>))).toMatchObject({
      status,
      durationMs,
    });
  });

  it('keeps each test with its full name, duration and outcome', () => {
    const entry = reportedFile(
      'tests/a.test.js',
      result({
        testResults: [
          { ancestorTitles: ['outer', 'inner'], title: 'works', duration: 12.6, status: 'passed' },
          { ancestorTitles: [], title: 'later', duration: null, status: 'todo' },
          { ancestorTitles: [], title: 'broken', duration: 3, status: 'failed' },
        ] as unknown as TestResult['testResults'],
      }),
    );
    expect(entry.tests).toEqual([
      { name: 'outer > inner > works', durationMs: 13, status: 'passed' },
      { name: 'later', durationMs: 0, status: 'skipped' },
      { name: 'broken', durationMs: 3, status: 'failed' },
    ]);
  });
});

describe('a file on the job clock: where the runner hands over to the file', () => {
  // Jest's marks of one file, epoch ms: the environment from 1,000, setup files done at 1,100, the test
  // framework and `setupFilesAfterEnv` done at 1,400 (a cold worker loads jest-circus there), the file's
  // import until its first test at 1,450, the end at 1,600.
  const marks = {
    loadTestEnvironmentStart: 1000,
    setupFilesEnd: 1100,
    start: 1100,
    setupAfterEnvEnd: 1400,
    end: 1600,
  };
  const tests = [
    { ancestorTitles: [], title: 't', duration: 150, status: 'passed', startAt: 1450 },
  ] as unknown as TestResult['testResults'];
  it.each([
    { name: 'after the test framework and setupFilesAfterEnv', p: marks, environmentMs: 400 },
    {
      name: 'no framework mark: after the setup files',
      p: { ...marks, setupAfterEnvEnd: 0 },
      environmentMs: 100,
    },
    {
      name: 'a framework mark out of order: after the setup files',
      p: { ...marks, setupAfterEnvEnd: 1050 },
      environmentMs: 100,
    },
    { name: 'no environment marks (Jest 29)', p: { start: 1100, end: 1600 }, environmentMs: undefined },
  ])('$name', ({ p, environmentMs }) => {
    const entry = reportedFile('tests/a.test.js', result({ perfStats: perf(p), testResults: tests }), 900);
    expect(entry.environmentMs).toBe(environmentMs);
    // The fixed cost is the same in every row: from the file's start to its first test.
    expect(entry.setupMs).toBe(1450 - (environmentMs === undefined ? 1100 : 1000));
  });
});

describe('jestFiles → createReport', () => {
  const results = (testResults: TestResult[]) => ({ testResults }) as AggregatedResult;
  const keyOf = (r: TestResult) => path.posix.relative('/repo', r.testFilePath);
  const plan: Plan = {
    shardCount: 3,
    fingerprint: 'f'.repeat(16),
    totalMs: 0,
    makespanMs: 0,
    lowerBoundMs: 0,
    unknownFiles: [],
    unknownEstimateMs: 1000,
    emptyShards: [3],
    shards: [
      { index: 1, estimatedMs: 0, files: ['tests/b.test.js'] },
      { index: 2, estimatedMs: 0, files: ['tests/a.test.js'] },
      { index: 3, estimatedMs: 0, files: [] },
    ],
  };
  const report = (testResults: TestResult[], testsFiltered = false) =>
    createReport({
      runner: 'jest',
      shard: { index: 2, count: 3 },
      plan,
      partial: false,
      testsFiltered,
      createdAt: '2026-11-27T16:00:00.000Z',
      files: jestFiles(results(testResults), keyOf),
    });

  it('is a valid report, files sorted', () => {
    const r = report([result({ testFilePath: '/repo/tests/b.test.js' }), result()]);
    expect(parseReport(serializeReport(r))).toEqual(r);
    expect(r.files.map((f) => f.file)).toEqual(['tests/a.test.js', 'tests/b.test.js']);
    expect(r).toMatchObject({
      runner: 'jest',
      shard: { index: 2, count: 3 },
      plan: {
        fingerprint: plan.fingerprint,
        shardCount: 3,
        shards: [['tests/b.test.js'], ['tests/a.test.js'], []],
      },
    });
  });

  it('with a filter that cannot say what it selected, files are reported filtered: never the files’ times', () => {
    expect(report([result()], true).files[0]).toMatchObject({ status: 'passed', filtered: true });
  });

  it('folds a file passed in one project and skipped in another into one passed unit (its time is real)', () => {
    const r = report([result(), result({ skipped: true })]);
    expect(r.files).toEqual([{ file: 'tests/a.test.js', durationMs: 1200, status: 'passed' }]);
  });
});
