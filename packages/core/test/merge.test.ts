import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeUnlearned,
  mergeReports,
  parseStore,
  serializeStore,
  type FileStatus,
  type FileTiming,
  type ReportedFile,
  type RunReport,
  type Smoothing,
  type TestTiming,
  type TimingStore,
} from '../src/public/index.js';

function report(files: ReportedFile[], extra: Partial<RunReport> = {}): RunReport {
  return { format: 'shardwise-report', version: 1, runner: 'vitest', files, ...extra };
}
function passed(file: string, durationMs: number): ReportedFile {
  return { file, durationMs, status: 'passed' };
}
function store(entries: Record<string, FileTiming>): TimingStore {
  return { version: 1, files: new Map(Object.entries(entries)) };
}

const fileArb = fc.constantFrom('a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', '__proto__');
const sampleArb: fc.Arbitrary<ReportedFile> = fc.record({
  file: fileArb,
  durationMs: fc.nat({ max: 5000 }),
  status: fc.constantFrom<FileStatus>('passed', 'passed', 'failed', 'skipped', 'interrupted'),
});
const reportArb: fc.Arbitrary<RunReport> = fc
  .record({
    files: fc.array(sampleArb, { maxLength: 6 }),
    createdAt: fc.option(fc.constantFrom('2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z'), { nil: undefined }),
    shard: fc.option(fc.record({ index: fc.integer({ min: 1, max: 2 }), count: fc.constant(2) }), {
      nil: undefined,
    }),
    plan: fc.option(
      fc.record({
        fingerprint: fc.constantFrom('f1', 'f2'),
        shardCount: fc.constant(2),
        shards: fc.constant([
          ['a.test.ts', 'b.test.ts'],
          ['c.test.ts', '__proto__'],
        ]),
        partial: fc.boolean(),
      }),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const out: RunReport = report(r.files);
    if (r.createdAt) out.createdAt = r.createdAt;
    if (r.shard) out.shard = r.shard;
    if (r.plan) out.plan = { ...r.plan, shards: r.plan.shards.map((s) => [...s]) };
    return out;
  });
const baseArb = fc.option(
  fc.dictionary(
    fileArb,
    fc.record(
      {
        durationMs: fc.nat({ max: 5000 }),
        samples: fc.integer({ min: 1, max: 9 }),
        provisional: fc.constant(true),
      },
      { requiredKeys: ['durationMs', 'samples'] },
    ),
  ),
  { nil: undefined },
);
const smoothingArb = fc.constantFrom<Smoothing>(
  { kind: 'ewma' },
  { kind: 'ewma', alpha: 0.5 },
  { kind: 'median', window: 3 },
  { kind: 'latest' },
);

describe('mergeReports: determinism', () => {
  it('gives the same store, byte for byte, for any order of the reports (property)', () => {
    fc.assert(
      fc.property(
        baseArb,
        fc.array(reportArb, { maxLength: 6 }),
        smoothingArb,
        fc.nat(),
        (base, reports, smoothing, seed) => {
          const baseStore = base ? parseStore(serializeStore(store(base))) : undefined;
          const shuffled = fc.sample(fc.shuffledSubarray(reports, { minLength: reports.length }), {
            seed,
            numRuns: 1,
          })[0]!;
          const a = mergeReports(baseStore, reports, { smoothing });
          const b = mergeReports(baseStore, shuffled, { smoothing });
          expect(serializeStore(b.store)).toBe(serializeStore(a.store));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never changes the input store', () => {
    const base = store({ 'a.test.ts': { durationMs: 100, samples: 1 } });
    const before = serializeStore(base);
    mergeReports(base, [report([passed('a.test.ts', 900), passed('b.test.ts', 1)])]);
    expect(serializeStore(base)).toBe(before);
  });
});

describe('mergeReports: smoothing', () => {
  const base = store({ 'a.test.ts': { durationMs: 1000, samples: 3 } });
  it.each([
    { name: 'ewma (default alpha 0.5)', smoothing: undefined, expected: 1500 },
    { name: 'ewma, alpha 0.3', smoothing: { kind: 'ewma', alpha: 0.3 } as Smoothing, expected: 1300 },
    { name: 'ewma, alpha 1', smoothing: { kind: 'ewma', alpha: 1 } as Smoothing, expected: 2000 },
    { name: 'latest', smoothing: { kind: 'latest' } as Smoothing, expected: 2000 },
    // No history yet: the old duration stands for it; median of [1000, 2000] rounds to 1500.
    { name: 'median, no history', smoothing: { kind: 'median' } as Smoothing, expected: 1500 },
  ])('$name', ({ smoothing, expected }) => {
    const { store: next } = mergeReports(base, [report([passed('a.test.ts', 2000)])], { smoothing });
    expect(next.files.get('a.test.ts')).toMatchObject({ durationMs: expected, samples: 4 });
  });

  it('median: ignores a single outlier and keeps a window of recent samples', () => {
    const smoothing: Smoothing = { kind: 'median', window: 3 };
    let current: TimingStore | undefined;
    const seen: number[] = [];
    for (const ms of [100, 110, 5000, 105, 120]) {
      current = mergeReports(current, [report([passed('a.test.ts', ms)])], { smoothing }).store;
      seen.push(current.files.get('a.test.ts')!.durationMs);
    }
    expect(seen).toEqual([100, 105, 110, 110, 120]);
    expect(current!.files.get('a.test.ts')).toMatchObject({ recentMs: [5000, 105, 120], samples: 5 });
  });

  it('applies runs in time order, whatever the input order', () => {
    const runs = [
      report([passed('a.test.ts', 300)], { createdAt: '2026-11-03T00:00:00Z' }),
      report([passed('a.test.ts', 100)], { createdAt: '2026-11-01T00:00:00Z' }),
      report([passed('a.test.ts', 200)], { createdAt: '2026-11-02T00:00:00Z' }),
    ];
    const { store: next } = mergeReports(undefined, runs, { smoothing: { kind: 'latest' } });
    expect(next.files.get('a.test.ts')).toEqual({
      durationMs: 300,
      samples: 3,
      recentMs: [100, 200, 300],
      lastSeen: '2026-11-03',
    });
  });

  it.each<{ name: string; smoothing: Smoothing; message: string }>([
    { name: 'alpha 0', smoothing: { kind: 'ewma', alpha: 0 }, message: 'smoothing.alpha' },
    {
      name: 'alpha above 1',
      smoothing: { kind: 'ewma', alpha: 1.5 },
      message: 'smoothing.alpha',
    },
    { name: 'window 0', smoothing: { kind: 'median', window: 0 }, message: 'smoothing.window' },
    {
      name: 'fractional window',
      smoothing: { kind: 'median', window: 2.5 },
      message: 'smoothing.window',
    },
  ])('rejects $name', ({ smoothing, message }) => {
    expect(() => mergeReports(undefined, [], { smoothing })).toThrow(message);
  });
});

describe('mergeReports: bad samples', () => {
  const base = store({ 'a.test.ts': { durationMs: 1000, samples: 3, lastSeen: '2026-10-01' } });

  it.each([
    { name: 'failed (shorter)', status: 'failed' as const, ms: 10 },
    { name: 'failed (longer)', status: 'failed' as const, ms: 99_000 },
    { name: 'interrupted', status: 'interrupted' as const, ms: 5 },
    { name: 'skipped', status: 'skipped' as const, ms: 0 },
  ])('$name never overwrites a good duration', ({ status, ms }) => {
    const result = mergeReports(base, [report([{ file: 'a.test.ts', durationMs: ms, status }])]);
    expect(result.store.files.get('a.test.ts')).toEqual(base.files.get('a.test.ts'));
    expect(result.kept).toEqual(['a.test.ts']);
    expect(result.changed).toBe(false);
  });

  it('interrupted adds nothing for an unknown file', () => {
    const result = mergeReports(undefined, [
      report([{ file: 'n.test.ts', durationMs: 5, status: 'interrupted' }]),
    ]);
    expect(result.store.files.size).toBe(0);
    expect(result.added).toEqual([]);
  });

  it('a file whose tests are all skipped still costs its setup: a provisional entry, replaced by the first pass', () => {
    const skipped = mergeReports(undefined, [
      report([{ file: 'n.test.ts', durationMs: 700, status: 'skipped' }]),
    ]);
    expect(skipped.store.files.get('n.test.ts')).toMatchObject({ durationMs: 700, provisional: true });
    expect(skipped.added).toEqual(['n.test.ts']);
    const passed = mergeReports(skipped.store, [
      report([{ file: 'n.test.ts', durationMs: 2000, status: 'passed' }]),
    ]);
    expect(passed.store.files.get('n.test.ts')).toMatchObject({ durationMs: 2000, samples: 1 });
    expect(passed.store.files.get('n.test.ts')!.provisional).toBeUndefined();
  });

  it('a file seen only failing gets a provisional entry (the longest failed run), replaced by the first pass', () => {
    const failed = (ms: number): ReportedFile => ({ file: 'n.test.ts', durationMs: ms, status: 'failed' });
    const first = mergeReports(undefined, [report([failed(400)], { createdAt: '2026-11-01T00:00:00Z' })]);
    expect(first.store.files.get('n.test.ts')).toEqual({
      durationMs: 400,
      samples: 1,
      provisional: true,
      lastSeen: '2026-11-01',
    });
    expect(first.added).toEqual(['n.test.ts']);
    const longer = mergeReports(first.store, [report([failed(900)]), report([failed(100)])]);
    expect(longer.store.files.get('n.test.ts')).toMatchObject({ durationMs: 900, provisional: true });
    const pass = mergeReports(longer.store, [report([passed('n.test.ts', 950)])]);
    expect(pass.store.files.get('n.test.ts')).toEqual({
      durationMs: 950,
      samples: 1,
      lastSeen: '2026-11-01',
    });
    // Losing the provisional mark is a change worth writing, even when the duration barely moved.
    expect(pass.changed).toBe(true);
    expect(pass.updated).toEqual(['n.test.ts']);
  });

  it('keeps per-test detail and the last-seen day from the latest passing run', () => {
    const tests = [{ name: 'works', durationMs: 12, status: 'passed' as const }];
    const result = mergeReports(base, [
      report([{ file: 'a.test.ts', durationMs: 1000, status: 'passed', tests }], {
        createdAt: '2026-11-27T08:00:00Z',
      }),
    ]);
    expect(result.store.files.get('a.test.ts')).toEqual({
      durationMs: 1000,
      samples: 4,
      recentMs: [1000],
      lastSeen: '2026-11-27',
      tests,
      // The fixed cost of the run that gave the tests (no setup figure: its time beyond them).
      setupMs: 1000 - 12,
    });
    const later = mergeReports(result.store, [report([passed('a.test.ts', 1000)])]);
    expect(later.store.files.get('a.test.ts')).toEqual({
      durationMs: 1000,
      samples: 5,
      recentMs: [1000, 1000],
      lastSeen: '2026-11-27',
      tests,
      setupMs: 1000 - 12,
    });
  });
});

describe('mergeReports: pruning', () => {
  const base = store({
    'a.test.ts': { durationMs: 100, samples: 1 },
    'gone.test.ts': { durationMs: 100, samples: 1 },
  });
  const plan = (partial?: boolean) => ({
    fingerprint: 'abc',
    shardCount: 2,
    shards: [['a.test.ts'], ['b.test.ts']],
    ...(partial === undefined ? {} : { partial }),
  });

  it.each([
    {
      name: 'a complete plan prunes',
      reports: [report([], { plan: plan() })],
      options: {},
      pruned: ['gone.test.ts'],
    },
    {
      name: 'partial: false is complete',
      reports: [report([], { plan: plan(false) })],
      options: {},
      pruned: ['gone.test.ts'],
    },
    { name: 'a partial plan does not', reports: [report([], { plan: plan(true) })], options: {}, pruned: [] },
    {
      name: 'no plan, nothing known',
      reports: [report([passed('a.test.ts', 100)])],
      options: {},
      pruned: [],
    },
    {
      name: 'prune: false opts out',
      reports: [report([], { plan: plan() })],
      options: { prune: false },
      pruned: [],
    },
    {
      name: 'currentFiles overrides the plans',
      reports: [report([], { plan: plan() })],
      options: { currentFiles: ['gone.test.ts'] },
      pruned: ['a.test.ts'],
    },
    {
      name: 'a partial plan and a complete one: the complete one decides',
      reports: [
        report([], { plan: plan(true) }),
        report([], { plan: { ...plan(), shards: [['a.test.ts', 'gone.test.ts'], []] } }),
      ],
      options: {},
      pruned: [],
    },
  ])('$name', ({ reports, options, pruned }) => {
    const result = mergeReports(base, reports, options);
    expect(result.pruned).toEqual(pruned);
    expect([...result.store.files.keys()].sort()).toEqual(
      ['a.test.ts', 'gone.test.ts'].filter((f) => !(pruned as string[]).includes(f)),
    );
    expect(result.changed).toBe(pruned.length > 0);
  });
});

describe('mergeReports: threshold', () => {
  const base = store({
    'a.test.ts': { durationMs: 1000, samples: 5 },
    'b.test.ts': { durationMs: 100, samples: 5 },
  });
  it.each([
    { name: 'small drift', samples: [passed('a.test.ts', 1080)], options: {}, changed: false, updated: [] },
    {
      name: 'large change',
      samples: [passed('a.test.ts', 1500)],
      options: {},
      changed: true,
      updated: ['a.test.ts'],
    },
    {
      name: 'large in %, small in ms',
      samples: [passed('b.test.ts', 140)],
      options: {},
      changed: false,
      updated: [],
    },
    {
      name: 'a lower minChangeMs',
      samples: [passed('b.test.ts', 140)],
      options: { minChangeMs: 10 },
      changed: true,
      updated: ['b.test.ts'],
    },
    {
      name: 'a stricter threshold',
      samples: [passed('a.test.ts', 1080)],
      options: { threshold: 0.05 },
      changed: true,
      updated: ['a.test.ts'],
    },
    { name: 'a file added', samples: [passed('c.test.ts', 1)], options: {}, changed: true, updated: [] },
    { name: 'nothing reported', samples: [], options: {}, changed: false, updated: [] },
  ])('$name', ({ samples, options, changed, updated }) => {
    const result = mergeReports(base, [report(samples)], options);
    expect(result.changed).toBe(changed);
    expect(result.updated).toEqual(updated);
  });

  it('a first store is always worth writing', () => {
    expect(mergeReports(undefined, [report([passed('a.test.ts', 1)])]).changed).toBe(true);
    expect(mergeReports(undefined, []).changed).toBe(false);
  });
});

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
      { job, runner: 'playwright' },
    );
    expect(mergeReports(undefined, [cut]).store.models).toBeUndefined();
  });

  it('a job with a file a filter ran in part teaches nothing: it took less than its stored time', () => {
    const ran = report(
      [{ ...timed('a.ts', 1000, 30_000, 'passed'), filtered: true }, timed('b.ts', 30_000, 64_000, 'passed')],
      { job, runner: 'playwright' },
    );
    expect(mergeReports(undefined, [ran]).store.models).toBeUndefined();
  });

  it('a job of whole files does', () => {
    const ran = report([timed('a.ts', 1000, 30_000, 'passed'), timed('b.ts', 30_000, 64_000, 'passed')], {
      job,
      runner: 'playwright',
    });
    expect(mergeReports(undefined, [ran]).store.models?.get('playwright')?.startupMs).toBe(3000);
  });
});
