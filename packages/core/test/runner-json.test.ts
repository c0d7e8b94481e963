import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importRunnerJson, mergeReports, ShardwiseError } from '../src/public/index.js';

// Real output of jest 30 (`--json`) and vitest 4.1 (`--reporter=json`) on a three-file project in
// /home/ci/project: a passing file with a skipped test, a file with a failing test, a file that cannot load.
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const root = '/home/ci/project';

describe('importRunnerJson', () => {
  it('Jest --json: end minus start per file, tests with their outcomes', () => {
    const report = importRunnerJson(fixture('jest.json'), 'jest-json', { root });
    expect(report).toMatchObject({ format: 'shardwise-report', version: 1, runner: 'jest-json' });
    expect(report.files.map((f) => [f.file, f.durationMs, f.status])).toEqual([
      ['src/math.test.js', 594, 'passed'],
      ['src/fail.test.js', 152, 'failed'],
      ['src/broken.test.js', 0, 'failed'],
    ]);
    expect(report.files[0]!.tests).toEqual([
      { name: 'math adds', durationMs: 6, status: 'passed' },
      { name: 'math waits', durationMs: 122, status: 'passed' },
      { name: 'math skipped one', durationMs: 0, status: 'skipped' },
    ]);
  });

  it('Vitest --reporter=json: fractional ms rounded; a file that failed to load is failed', () => {
    const report = importRunnerJson(fixture('vitest.json'), 'vitest-json', { root });
    expect(report.files.map((f) => [f.file, f.durationMs, f.status])).toEqual([
      ['src/broken.test.js', 0, 'failed'],
      ['src/fail.test.js', 18, 'failed'],
      ['src/math.test.js', 125, 'passed'],
    ]);
    expect(report.files[2]!.tests!.map((t) => t.status)).toEqual(['passed', 'passed', 'skipped']);
  });

  it('a failed import does not become a good duration when merged', () => {
    const { store } = mergeReports(undefined, [
      importRunnerJson(fixture('jest.json'), 'jest-json', { root }),
    ]);
    expect(store.files.get('src/math.test.js')).toMatchObject({ durationMs: 594 });
    expect(store.files.get('src/fail.test.js')).toMatchObject({ provisional: true });
  });

  it.each([
    {
      name: 'perfStats from the environment load',
      result: { name: 'a.test.ts', perfStats: { start: 100, end: 400, loadTestEnvironmentStart: 50 } },
      ms: 350,
    },
    {
      name: 'perfStats without the environment load',
      result: { name: 'a.test.ts', perfStats: { start: 100, end: 400 } },
      ms: 300,
    },
    { name: 'start and end times', result: { name: 'a.test.ts', startTime: 1000, endTime: 1250.6 }, ms: 251 },
    {
      name: 'no times: the sum of the tests',
      result: {
        name: 'a.test.ts',
        assertionResults: [
          { status: 'passed', duration: 7 },
          { status: 'passed', duration: null },
          { status: 'passed', duration: 5.4 },
        ],
      },
      ms: 12,
    },
    { name: 'nothing at all', result: { name: 'a.test.ts' }, ms: 0 },
  ])('duration: $name', ({ result, ms }) => {
    const report = importRunnerJson(JSON.stringify({ testResults: [result] }), 'jest-json');
    expect(report.files[0]!.durationMs).toBe(ms);
  });

  it.each([
    {
      name: 'Windows paths',
      name_: 'C:\\ci\\project\\src\\a.test.ts',
      root: 'C:\\ci\\project',
      file: 'src/a.test.ts',
    },
    { name: 'relative paths', name_: './src/a.test.ts', root: undefined, file: 'src/a.test.ts' },
  ])('paths: $name', ({ name_, root: r, file }) => {
    const report = importRunnerJson(JSON.stringify({ testResults: [{ name: name_ }] }), 'vitest-json', {
      root: r,
    });
    expect(report.files[0]!.file).toBe(file);
  });

  it.each([
    {
      name: 'invalid JSON',
      text: '{"testResults": [',
      code: 'REPORT_SYNTAX',
      message: 'x.json: invalid JSON at line 1, column 18',
    },
    {
      name: 'another JSON file',
      text: '{"version": 1, "files": {}}',
      code: 'REPORT_SCHEMA',
      message:
        'x.json: not jest-json output (testResults: expected array, got nothing); produce it with `jest --json --outputFile=FILE`',
    },
    {
      name: 'a result without a name',
      text: '{"testResults": [{"status": "passed"}]}',
      code: 'REPORT_SCHEMA',
      message: 'x.json: not jest-json output (testResults[0].name: expected string, got nothing)',
    },
  ])('$name', ({ text, code, message }) => {
    let error: unknown;
    try {
      importRunnerJson(text, 'jest-json', { source: 'x.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).code).toBe(code);
    expect((error as ShardwiseError).message).toContain(message);
  });
});
