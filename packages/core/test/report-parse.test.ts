import { describe, expect, it } from 'vitest';
import {
  parseReport,
  reportFileName,
  serializeReport,
  ShardwiseError,
  type RunReport,
} from '../src/public/index.js';

const report: RunReport = {
  format: 'shardwise-report',
  version: 1,
  runner: 'vitest',
  createdAt: '2026-11-27T16:00:00.000Z',
  shard: { index: 2, count: 4 },
  plan: { fingerprint: '0123456789abcdef', shardCount: 4, shards: [['a'], ['b'], [], []] },
  files: [
    { file: 'b', durationMs: 12, status: 'passed', tests: [{ name: 't', durationMs: 3, status: 'passed' }] },
  ],
};

describe('reports', () => {
  it('round-trip through serializeReport and parseReport', () => {
    expect(parseReport(serializeReport(report))).toEqual(report);
    expect(serializeReport(report).endsWith('}\n')).toBe(true);
  });

  it.each([
    {
      name: 'not JSON',
      text: '{',
      code: 'REPORT_SYNTAX',
      message: 'r.json: invalid JSON at line 1, column 2',
    },
    {
      name: 'another JSON file',
      text: '{"version":1,"files":{}}',
      code: 'REPORT_SCHEMA',
      message: 'r.json: not a shardwise report (format: expected "shardwise-report", got nothing)',
    },
    {
      name: 'a negative duration',
      text: '{"format":"shardwise-report","version":1,"runner":"jest","files":[{"file":"a","durationMs":-1,"status":"passed"}]}',
      code: 'REPORT_SCHEMA',
      message: 'files[0].durationMs: expected a non-negative integer, got -1',
    },
    {
      name: 'an unknown status',
      text: '{"format":"shardwise-report","version":1,"runner":"jest","files":[{"file":"a","durationMs":1,"status":"ok"}]}',
      code: 'REPORT_SCHEMA',
      message: 'files[0].status: expected one of "passed"|"failed"|"skipped"|"interrupted", got "ok"',
    },
  ])('rejects $name', ({ text, code, message }) => {
    let error: unknown;
    try {
      parseReport(text, 'r.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).code).toBe(code);
    expect((error as ShardwiseError).message).toContain(message);
  });

  it.each([
    {
      name: 'a shard with a plan',
      args: ['jest', { index: 2, count: 4 }, '0123456789abcdef'] as Parameters<typeof reportFileName>,
      expected: 'jest-shard-2-of-4-01234567.json',
    },
    {
      name: 'a full run',
      args: ['vitest', undefined, undefined] as Parameters<typeof reportFileName>,
      expected: 'vitest-full.json',
    },
  ])('reportFileName: $name', ({ args, expected }) => {
    expect(reportFileName(...args)).toBe(expected);
  });
});

describe('parseReport: versions and limits', () => {
  it('a report from a newer shardwise says to upgrade', () => {
    expect(() =>
      parseReport('{"format":"shardwise-report","version":2,"runner":"jest","files":[]}', 'r.json'),
    ).toThrow('r.json: format version 2, written by a newer shardwise (this one reads version 1)');
  });

  it('a duration above 7 days is refused', () => {
    const text =
      '{"format":"shardwise-report","version":1,"runner":"jest","files":[{"file":"a","durationMs":604800001,"status":"passed"}]}';
    expect(() => parseReport(text, 'r.json')).toThrow(/expected at most 604800000 ms \(7 days\)/);
  });
});
