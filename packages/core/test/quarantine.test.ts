import { describe, expect, it } from 'vitest';
import {
  addToQuarantine,
  describeVerdict,
  entryReplacedBy,
  isCalendarDate,
  emptyQuarantine,
  judgeFailures,
  parseQuarantine,
  removeFromQuarantine,
  serializeQuarantine,
  ShardwiseError,
  type QuarantineEntry,
  type ReportedFile,
} from '../src/public/index.js';

const entry = (name: string, extra: Partial<QuarantineEntry> = {}): QuarantineEntry => ({
  file: 'src/a.test.ts',
  name,
  reason: 'races the clock',
  added: '2026-12-01',
  ...extra,
});
const quarantine = (...tests: QuarantineEntry[]) => ({ version: 1 as const, tests });
const failed = (file: string, ...names: string[]): ReportedFile => ({
  file,
  durationMs: 5,
  status: 'failed',
  tests: [
    ...names.map((name) => ({ name, durationMs: 1, status: 'failed' as const })),
    { name: 'ok', durationMs: 1, status: 'passed' },
  ],
});

describe('judgeFailures', () => {
  const q = quarantine(
    entry('flaky one'),
    entry('old one', { expires: '2026-11-30' }),
    entry('last day', { expires: '2026-12-02' }),
  );
  it.each([
    ['every failure quarantined', [failed('src/a.test.ts', 'flaky one')], true, 1, 0, 0],
    ['a project key matches the path', [failed('unit|src/a.test.ts', 'flaky one')], true, 1, 0, 0],
    ['the entry protects through its expiry day', [failed('src/a.test.ts', 'last day')], true, 1, 0, 0],
    ['a failure no entry names', [failed('src/a.test.ts', 'flaky one', 'real bug')], false, 1, 0, 1],
    ['an expired entry no longer protects', [failed('src/a.test.ts', 'old one')], false, 0, 1, 0],
    ['the same name in another file', [failed('src/b.test.ts', 'flaky one')], false, 0, 0, 1],
    [
      'a Playwright unit key (project, path and titles) matches the path',
      [failed('api|src/a.test.ts › checkout', 'flaky one')],
      true,
      1,
      0,
      0,
    ],
  ])('%s', (_name, files, ok, quarantined, expired, blocking) => {
    const verdict = judgeFailures(files, q, '2026-12-02');
    expect([verdict.ok, verdict.quarantined.length, verdict.expired.length, verdict.blocking.length]).toEqual(
      [ok, quarantined, expired, blocking],
    );
  });

  it('a file that failed outside its tests (did not load) always fails the job', () => {
    const verdict = judgeFailures(
      [{ file: 'src/a.test.ts', durationMs: 1, status: 'failed' }],
      q,
      '2026-12-02',
    );
    expect(verdict).toMatchObject({ ok: false, blockingFiles: ['src/a.test.ts'] });
  });

  it('says which quarantined tests failed, and loudly which entries expired', () => {
    const verdict = judgeFailures([failed('src/a.test.ts', 'flaky one', 'old one')], q, '2026-12-02');
    expect(describeVerdict(verdict)).toEqual({
      warnings: [
        'quarantined test failed (not failing the job): src/a.test.ts › flaky one (races the clock)',
      ],
      errors: [
        'quarantine EXPIRED on 2026-11-30 for src/a.test.ts › old one: it no longer protects, so this failure fails the job; fix the test or renew the entry (shard quarantine add … --expires YYYY-MM-DD)',
      ],
    });
  });
});

describe('quarantine file', () => {
  it('adds, replaces and removes entries; serializes sorted, one per line, and reads back', () => {
    let q = addToQuarantine(emptyQuarantine(), entry('b', { owner: '@ana', expires: '2027-01-01' }));
    q = addToQuarantine(q, entry('a'));
    q = addToQuarantine(q, entry('a', { reason: 'new reason' }));
    const text = serializeQuarantine(q);
    expect(text).toBe(
      '{\n  "version": 1,\n  "tests": [\n' +
        '    {"file":"src/a.test.ts","name":"a","reason":"new reason","added":"2026-12-01"},\n' +
        '    {"file":"src/a.test.ts","name":"b","reason":"races the clock","added":"2026-12-01","expires":"2027-01-01","owner":"@ana"}\n' +
        '  ]\n}\n',
    );
    expect(parseQuarantine(text)).toEqual(q);
    expect(removeFromQuarantine(q, 'src/a.test.ts', 'a').quarantine.tests.map((e) => e.name)).toEqual(['b']);
    expect(removeFromQuarantine(q, 'src/a.test.ts', 'zzz').removed).toBe(false);
  });

  it.each([
    [
      'not JSON',
      '{"version":1,',
      'q.json: invalid JSON at line 1, column 14: Expected double-quoted property name (the file looks truncated)',
    ],
    [
      'a missing reason',
      '{"version":1,"tests":[{"file":"a","name":"t","added":"2026-12-01"}]}',
      'q.json: tests[0].reason: expected a string, got nothing',
    ],
    [
      'a bad date',
      '{"version":1,"tests":[{"file":"a","name":"t","reason":"r","added":"next week"}]}',
      'q.json: tests[0].added: expected a date as YYYY-MM-DD, got "next week"',
    ],
    [
      'a day the calendar does not have',
      '{"version":1,"tests":[{"file":"a","name":"t","reason":"r","added":"2026-12-01","expires":"2027-02-30"}]}',
      'q.json: tests[0].expires: expected a date as YYYY-MM-DD, got "2027-02-30"',
    ],
    [
      'the same test twice',
      '{"version":1,"tests":[{"file":"a","name":"t","reason":"r","added":"2026-12-01"},{"file":"a","name":"t","reason":"r","added":"2026-12-01"}]}',
      'q.json: tests[1] quarantines "t" in a again (first at tests[0]); keep one',
    ],
  ])('%s is one line naming the entry and field (exit 2)', (_name, text, message) => {
    let error: unknown;
    try {
      parseQuarantine(text, 'q.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).kind).toBe('input');
    expect((error as ShardwiseError).message).toBe(message);
  });

  it('refuses an expiry before the day the entry is added', () => {
    expect(() => addToQuarantine(emptyQuarantine(), entry('a', { expires: '2026-11-01' }))).toThrow(
      'expires: 2026-11-01 is before the day the entry is added (2026-12-01); give a later date',
    );
  });

  it.each([
    ['2027-02-28', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-02-30', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-1-1', false],
  ])('isCalendarDate(%s) is %s', (date, ok) => {
    expect(isCalendarDate(date)).toBe(ok);
    const add = () => addToQuarantine(emptyQuarantine(), entry('a', { expires: date }));
    if (ok) expect(add).not.toThrow();
    else expect(add).toThrow(`expires: expected a date as YYYY-MM-DD, got "${date}"`);
  });

  it('replacing an entry keeps its added day, expiry and owner unless the new one gives them', () => {
    const q = addToQuarantine(emptyQuarantine(), entry('a', { expires: '2027-01-31', owner: '@ana' }));
    const renewed = entry('a', { reason: 'still racing', added: '2026-12-20' });
    expect(entryReplacedBy(q, renewed)?.kept).toEqual(['added', 'expires', 'owner']);
    expect(addToQuarantine(q, renewed).tests).toEqual([
      entry('a', { reason: 'still racing', expires: '2027-01-31', owner: '@ana' }),
    ]);
    const moved = entry('a', { expires: '2027-03-01', owner: '@bo' });
    expect(entryReplacedBy(q, moved)?.kept).toEqual(['added']);
    expect(addToQuarantine(q, moved).tests).toEqual([moved]);
    expect(entryReplacedBy(q, entry('b'))).toBeUndefined();
  });
});
