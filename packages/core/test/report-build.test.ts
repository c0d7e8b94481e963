import { describe, expect, it } from 'vitest';
import { combine, createReport, fileStatusOf, testStatusOf } from '../src/record/report-build.js';
import type { FileStatus, ReportedFile } from '../src/formats/report.js';
import { fileCountsForLearning, nameFilter } from '../src/model/test-filter.js';

const entry = (status: FileStatus, durationMs = 100): ReportedFile => ({
  file: 'a.test.ts',
  durationMs,
  status,
});

describe('combine', () => {
  // One table, one ranking for every runner: passed beats skipped beats failed (the status decides
  // whether merge trusts the summed duration), and a part cut short (interrupted) beats everything.
  it.each<{ a: FileStatus; b: FileStatus; status: FileStatus }>([
    { a: 'passed', b: 'passed', status: 'passed' },
    { a: 'passed', b: 'skipped', status: 'passed' },
    { a: 'skipped', b: 'passed', status: 'passed' },
    { a: 'passed', b: 'failed', status: 'passed' },
    { a: 'failed', b: 'passed', status: 'passed' },
    { a: 'skipped', b: 'failed', status: 'skipped' },
    { a: 'failed', b: 'skipped', status: 'skipped' },
    { a: 'skipped', b: 'skipped', status: 'skipped' },
    { a: 'failed', b: 'failed', status: 'failed' },
    { a: 'interrupted', b: 'passed', status: 'interrupted' },
    { a: 'passed', b: 'interrupted', status: 'interrupted' },
    { a: 'skipped', b: 'interrupted', status: 'interrupted' },
    { a: 'failed', b: 'interrupted', status: 'interrupted' },
  ])('$a + $b → $status, durations summed', ({ a, b, status }) => {
    expect(combine(entry(a, 100), entry(b, 250))).toEqual({ file: 'a.test.ts', durationMs: 350, status });
  });

  it('keeps the tests of both, in order', () => {
    const a = { ...entry('passed'), tests: [{ name: 'x', durationMs: 1, status: 'passed' as const }] };
    const b = { ...entry('failed'), tests: [{ name: 'y', durationMs: 2, status: 'failed' as const }] };
    expect(combine(a, b).tests!.map((t) => t.name)).toEqual(['x', 'y']);
  });
});

describe('createReport', () => {
  const base = {
    runner: 'vitest',
    shard: undefined,
    plan: undefined,
    partial: false,
    testsFiltered: false,
    createdAt: '2026-12-01T00:00:00.000Z',
  };

  it('combines entries of one key and sorts by key in code-unit order', () => {
    const report = createReport({
      ...base,
      files: [
        { file: 'b.test.ts', durationMs: 5, status: 'passed' },
        { file: 'B.test.ts', durationMs: 7, status: 'failed' },
        { file: 'b.test.ts', durationMs: 3, status: 'skipped' },
      ],
    });
    expect(report.files).toEqual([
      { file: 'B.test.ts', durationMs: 7, status: 'failed' },
      { file: 'b.test.ts', durationMs: 8, status: 'passed' },
    ]);
    expect(Object.keys(report)).toEqual(['format', 'version', 'runner', 'createdAt', 'files']);
  });

  it.each([
    ['passed', 'passed'],
    ['skipped', 'skipped'],
    ['failed', 'failed'],
  ] as const)(
    'a filter the front end cannot describe: %s stays %s, marked filtered (its time is not the file’s)',
    (status, want) => {
      const report = createReport({ ...base, testsFiltered: true, files: [entry(status)] });
      expect(report.files[0]).toMatchObject({ status: want, filtered: true });
      expect(fileCountsForLearning(report.files[0]!)).toBe(false);
    },
  );

  it('a named filter: a file it ran whole is complete; the others are filtered, listing the tests they ran', () => {
    const test = (name: string, status: 'passed' | 'skipped') => ({ name, durationMs: 5, status });
    const report = createReport({
      ...base,
      filter: nameFilter('testNamePattern /^(?!.*net)/', /^(?!.*net)/),
      files: [
        // A test skipped by itself (`it.skip`) that the filter selects leaves its file complete.
        {
          ...entry('passed'),
          file: 'whole.test.ts',
          tests: [test('one', 'passed'), test('later', 'skipped')],
        },
        {
          ...entry('passed'),
          file: 'part.test.ts',
          tests: [test('offline', 'passed'), test('g > net', 'skipped')],
        },
        { ...entry('skipped'), file: 'none.test.ts', tests: [test('net', 'skipped')] },
        { ...entry('interrupted'), file: 'cut.test.ts', tests: [test('net', 'skipped')] },
      ],
    });
    expect(report.filter).toBe('testNamePattern /^(?!.*net)/');
    expect(
      report.files.map((f) => [f.file, f.status, f.filtered ?? false, (f.tests ?? []).map((t) => t.name)]),
    ).toEqual([
      ['cut.test.ts', 'interrupted', false, ['net']],
      ['none.test.ts', 'skipped', true, []],
      ['part.test.ts', 'passed', true, ['offline']],
      ['whole.test.ts', 'passed', false, ['one', 'later']],
    ]);
    expect(report.files.map((f) => fileCountsForLearning(f))).toEqual([false, false, false, true]);
  });
});

describe('status mappers', () => {
  it.each([
    { outcome: 'passed', timed: true, status: 'passed' },
    { outcome: 'failed', timed: true, status: 'failed' },
    { outcome: 'skipped', timed: true, status: 'skipped' },
    { outcome: 'skipped', timed: false, status: 'skipped' },
    { outcome: 'failed', timed: false, status: 'interrupted' },
    { outcome: 'passed', timed: false, status: 'interrupted' },
    { outcome: 'unfinished', timed: true, status: 'interrupted' },
  ] as const)('file $outcome (timed: $timed) → $status', ({ outcome, timed, status }) => {
    expect(fileStatusOf(outcome, timed)).toBe(status);
  });

  it.each([
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['pending', 'skipped'],
    ['todo', 'skipped'],
    ['disabled', 'skipped'],
    ['skipped', 'skipped'],
    [undefined, 'skipped'],
  ] as const)('test %s → %s', (state, status) => {
    expect(testStatusOf(state)).toBe(status);
  });
});
