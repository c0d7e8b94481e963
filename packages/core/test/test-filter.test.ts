import { describe, expect, it } from 'vitest';
import {
  describeUnlearned,
  mergeReports,
  nameFilter,
  planRun,
  type FileTiming,
  type ReportedFile,
  type RunReport,
  type TestTiming,
  type TimingStore,
} from '../src/index.js';

function report(files: ReportedFile[], extra: Partial<RunReport> = {}): RunReport {
  return { format: 'shardwise-report', version: 1, runner: 'playwright', files, ...extra };
}
function store(entries: Record<string, FileTiming>): TimingStore {
  return { version: 1, files: new Map(Object.entries(entries)) };
}
const t = (name: string, durationMs: number, status: TestTiming['status'] = 'passed'): TestTiming => ({
  name,
  durationMs,
  status,
});
const filtered = (file: string, durationMs: number, tests: TestTiming[], extra: Partial<ReportedFile> = {}) =>
  ({ file, durationMs, status: 'passed', filtered: true, tests, ...extra }) as ReportedFile;

describe('mergeReports: a filtered file teaches its tests’ times, never its duration', () => {
  it('an unknown file gets a provisional entry with the tests it ran', () => {
    const { store: out, added } = mergeReports(undefined, [report([filtered('a.ts', 300, [t('x', 200)])])]);
    expect(out.files.get('a.ts')).toEqual({
      durationMs: 300,
      samples: 1,
      provisional: true,
      tests: [t('x', 200)],
    });
    expect(added).toEqual(['a.ts']);
  });

  it('a known file keeps its duration and samples; the tests it ran replace theirs, the others stay', () => {
    const base = store({ 'a.ts': { durationMs: 1000, samples: 3, tests: [t('x', 400), t('y', 500)] } });
    const result = mergeReports(base, [report([filtered('a.ts', 700, [t('x', 600)])])]);
    expect(result.store.files.get('a.ts')).toEqual({
      durationMs: 1000,
      samples: 3,
      tests: [t('x', 600), t('y', 500)],
    });
    expect(result.updated).toEqual(['a.ts']);
    expect(result.changed).toBe(true);
  });

  it('a filtered failure never replaces a known test time', () => {
    const base = store({ 'a.ts': { durationMs: 1000, samples: 3, tests: [t('x', 400), t('y', 500)] } });
    const failed = filtered('a.ts', 50, [t('x', 10, 'failed')], { status: 'failed' });
    const result = mergeReports(base, [report([failed])]);
    expect(result.store.files.get('a.ts')).toEqual(base.files.get('a.ts'));
    expect(result.kept).toEqual(['a.ts']);
  });
});

describe('mergeReports: a report that ran tests and taught nothing says why', () => {
  const base = store({ 'a.ts': { durationMs: 1000, samples: 2 }, 'b.ts': { durationMs: 500, samples: 2 } });

  it('names what kept each file out', () => {
    const idle = report([
      { file: 'a.ts', durationMs: 10, status: 'failed' },
      { file: 'b.ts', durationMs: 0, status: 'interrupted' },
    ]);
    const { unlearned } = mergeReports(base, [report([passed('c.ts', 100)]), idle]);
    expect(unlearned).toEqual([{ report: idle, files: 2, interrupted: 1, filtered: 0, notPassed: 1 }]);
    expect(unlearned[0]!.report).toBe(idle);
    expect(describeUnlearned(unlearned[0]!)).toBe(
      "ran tests but taught the store nothing: of its 2 file(s), 1 were cut short (interrupted), so their times are not the files'; 1 failed or were skipped, and the store keeps their time from a pass",
    );
  });

  it('is quiet about a report that ran no test, and about one that taught something', () => {
    const { unlearned } = mergeReports(base, [
      report([{ file: 'a.ts', durationMs: 10, status: 'skipped' }]),
      report([passed('a.ts', 900), { file: 'b.ts', durationMs: 0, status: 'interrupted' }]),
    ]);
    expect(unlearned).toEqual([]);
  });
});

describe('the wall model learns only from jobs whose every file is on the timeline', () => {
  // A filtered Playwright run reported its files cut short, but for one failure: the job's wall minus that
  // one file's span was taken for start-up (65 s where the truth was 1.6 s).
  const job = { wallMs: 66_000, workers: 1 };
  const timed = (file: string, startMs: number, endMs: number, status: ReportedFile['status']) =>
    ({ file, durationMs: endMs - startMs, status, startMs, endMs }) as ReportedFile;

  it('a job with a file cut short teaches nothing', () => {
    const cut = report(
      [timed('a.ts', 60_000, 61_000, 'failed'), { file: 'b.ts', durationMs: 0, status: 'interrupted' }],
      { job },
    );
    expect(mergeReports(undefined, [cut]).store.models).toBeUndefined();
  });

  it('a job of filtered files does: they ran, in the open', () => {
    const ran = report(
      [{ ...timed('a.ts', 1000, 30_000, 'passed'), filtered: true }, timed('b.ts', 30_000, 64_000, 'passed')],
      { job },
    );
    expect(mergeReports(undefined, [ran]).store.models?.get('playwright')?.startupMs).toBe(3000);
  });
});

describe('planRun with a filter', () => {
  const timings = store({
    'a.ts': { durationMs: 1000, samples: 1, tests: [t('x', 400), t('net y', 500)] },
    'b.ts': { durationMs: 600, samples: 1, tests: [t('z', 600)] },
    'c.ts': { durationMs: 800, samples: 1 },
  });
  const files = ['a.ts', 'b.ts', 'c.ts'];

  it('prices a file the filter runs in part at its fixed cost plus its selected tests', () => {
    const filter = nameFilter('-t ^(?!.*net)', /^(?!.*net)/);
    const run = planRun({ files, shardCount: 1, store: { state: 'loaded', store: timings }, filter });
    // a: 100 fixed + 400; b: every test selected, its own 600; c: no tests known, its own 800.
    expect(run.plan.totalMs).toBe(500 + 600 + 800);
    const whole = planRun({ files, shardCount: 1, store: { state: 'loaded', store: timings } });
    expect(whole.plan.totalMs).toBe(1000 + 600 + 800);
  });
});

function passed(file: string, durationMs: number): ReportedFile {
  return { file, durationMs, status: 'passed' };
}
