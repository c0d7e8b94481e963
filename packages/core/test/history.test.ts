import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendRun,
  mergeReports,
  reportId,
  parseHistory,
  readHistoryFile,
  serializeHistory,
  unrecordedReports,
  ShardwiseError,
  writeHistoryFile,
  type ReportedTest,
  type RunReport,
} from '../src/public/index.js';

let ended = 0;
/** A report of one run; each ends a minute after the last, as separate runs do. */
function report(tests: ReportedTest[], extra: Partial<RunReport> = {}, hash = 'aaaaaaaaaaaa'): RunReport {
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    createdAt: new Date(Date.UTC(2026, 11, 1, 10) + ended++ * 60_000).toISOString(),
    commit: 'c0ffee01',
    files: [{ file: 'src/a.test.ts', durationMs: 10, status: 'passed', hash, tests }],
    ...extra,
  };
}
const t = (
  name: string,
  status: ReportedTest['status'],
  extra: Partial<ReportedTest> = {},
): ReportedTest => ({
  name,
  durationMs: 1,
  status,
  ...extra,
});

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('appendRun', () => {
  it('records passed, failed and passed-on-retry tests (never a retried pass as a plain pass), not skips', () => {
    const reports = [
      report([
        t('p', 'passed'),
        t('f', 'failed', { attempts: 3 }),
        t('y', 'passed', { attempts: 2, flaky: true }),
        t('s', 'skipped'),
      ]),
    ];
    const { history, run } = appendRun(undefined, reports);
    expect(run).toMatchObject({ n: 1, commit: 'c0ffee01', tests: 3, failed: 1 });
    expect(run!.reports).toEqual([reportId(reports[0]!)]);
    expect(history.files.get('src/a.test.ts')).toEqual(
      new Map([
        ['f', [{ n: 1, o: 'f', h: 'aaaaaaaaaaaa' }]],
        ['p', [{ n: 1, o: 'p', h: 'aaaaaaaaaaaa' }]],
        ['y', [{ n: 1, o: 'y', h: 'aaaaaaaaaaaa' }]],
      ]),
    );
  });

  it('keeps the last `window` records per test and only the runs they refer to', () => {
    let history = appendRun(undefined, [report([t('a', 'passed'), t('gone', 'passed')])]).history;
    for (let i = 0; i < 20; i++)
      history = appendRun(history, [report([t('a', i % 2 ? 'failed' : 'passed')])], { window: 3 }).history;
    expect(
      history.files
        .get('src/a.test.ts')!
        .get('a')!
        .map((r) => r.n),
    ).toEqual([19, 20, 21]);
    // "gone" ran only in run 1: more than five windows ago, so it was dropped with its run.
    expect(history.files.get('src/a.test.ts')!.has('gone')).toBe(false);
    expect(history.runs.map((r) => r.n)).toEqual([19, 20, 21]);
  });

  it('keeps a recent run no record refers to (a filter matched no test), so its reports count as merged', () => {
    const first = appendRun(undefined, [report([t('a', 'passed')])]);
    const empty = report([t('a', 'skipped')]);
    const second = appendRun(first.history, [empty]);
    expect(second.run).toMatchObject({ n: 2, tests: 0 });
    expect(second.history.runs.map((r) => r.n)).toEqual([1, 2]);
    expect(unrecordedReports(second.history, [empty])).toEqual([]);
    expect(appendRun(second.history, [empty]).run).toBeUndefined();
  });

  it.each([
    ['most of at least 10 tests failed: infrastructure', 10, 6, true],
    ['half failed: not infrastructure', 10, 5, false],
    ['all of 9 tests failed: too few to say', 9, 9, false],
  ])('%s', (_name, count, failing, infra) => {
    const tests = Array.from({ length: count }, (_, i) => t(`t${i}`, i < failing ? 'failed' : 'passed'));
    expect(appendRun(undefined, [report(tests)]).run!.infra === true).toBe(infra);
  });

  it('counts a report it already holds once: a merge run again, or a re-run shard merged with the others', () => {
    const shard = (index: number, at: string) =>
      report([t('x', 'failed')], { shard: { index, count: 2 }, createdAt: at });
    const first = [shard(1, '2026-12-01T10:00:00.000Z'), shard(2, '2026-12-01T10:01:00.000Z')];
    const once = appendRun(undefined, first);
    const again = appendRun(once.history, first);
    expect(again.run).toBeUndefined();
    expect(again.repeated).toBe(2);
    expect(again.history).toEqual(once.history);
    // Shard 2 re-run: only its new report is a new run.
    const rerun = appendRun(once.history, [first[0]!, shard(2, '2026-12-01T11:00:00.000Z')]);
    expect(rerun.repeated).toBe(1);
    expect(rerun.run).toMatchObject({ n: 2, tests: 1, failed: 1 });
  });

  it('does not let attempts or retry markers into the timing store', () => {
    const { store } = mergeReports(undefined, [report([t('y', 'passed', { attempts: 2, flaky: true })])]);
    expect(store.files.get('src/a.test.ts')!.tests).toEqual([{ name: 'y', durationMs: 1, status: 'passed' }]);
  });
});

describe('history file', () => {
  it('round-trips byte for byte, compactly, and writes atomically', async () => {
    let { history } = appendRun(undefined, [report([t('a > b', 'passed'), t('__proto__', 'failed')])]);
    history = appendRun(history, [
      report([t('a > b', 'passed', { flaky: true })], { commit: 'c0ffee02' }, 'bbbbbbbbbbbb'),
    ]).history;
    const text = serializeHistory(history);
    expect(text).toContain(
      '"src/a.test.ts": {"hashes":[[1,"aaaaaaaaaaaa"],[2,"bbbbbbbbbbbb"]],"tests":{"__proto__":"1f","a > b":"1p 2y"}}',
    );
    expect(serializeHistory(parseHistory(text))).toBe(text);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-history-'));
    dirs.push(dir);
    const file = path.join(dir, 'shard-history.json');
    expect(await readHistoryFile(file)).toBeUndefined();
    await writeHistoryFile(file, history);
    expect(await readHistoryFile(file)).toEqual(history);
    expect(await fs.readdir(dir)).toEqual(['shard-history.json']);
  });

  it.each([
    ['not JSON', '{', 'h.json: invalid JSON at line 1, column 2'],
    ['a newer version', '{"version":2}', 'h.json: format version 2, written by a newer shardwise'],
    [
      'bad records',
      '{"version":1,"runs":[],"files":{"a":{"tests":{"t":"1x"}}}}',
      'h.json: files."a".tests."t": expected records such as "41p 42f 43y"',
    ],
    [
      'a bad run',
      '{"version":1,"runs":[{"n":0,"at":"x","tests":1,"failed":0}],"files":{}}',
      'h.json: runs[0].n: expected a positive whole number',
    ],
  ])('%s is one line naming the place (exit 2)', (_name, text, message) => {
    const error = (() => {
      try {
        parseHistory(text, 'h.json');
      } catch (e) {
        return e as ShardwiseError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(ShardwiseError);
    expect(error.kind).toBe('input');
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });
});
