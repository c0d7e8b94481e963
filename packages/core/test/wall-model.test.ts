import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  learnWallModels,
  mergeReports,
  observeJob,
  parseStore,
  partition,
  planLpt,
  scheduleFinishMs,
  serializeStore,
  shardWallMs,
  splitWallMs,
  type RunReport,
  type WallModel,
} from '../src/index.js';

describe('scheduleFinishMs: files longest first on w workers', () => {
  it.each([
    { name: 'no files', d: [], w: 2, ws: 100, finish: 0 },
    { name: 'one worker sums, with its start-up', d: [5, 3, 2], w: 1, ws: 10, finish: 20 },
    { name: 'two workers: 5 | 3+2', d: [5, 3, 2], w: 2, ws: 0, finish: 5 },
    { name: 'two workers, start-up on each', d: [5, 3, 2], w: 2, ws: 4, finish: 9 },
    { name: 'more workers than files: the longest file', d: [7, 1], w: 8, ws: 1, finish: 8 },
    { name: 'list order matters: 3,3,2,2,2 on 2', d: [3, 3, 2, 2, 2], w: 2, ws: 0, finish: 7 },
    { name: 'a gap between files, not before the first', d: [5, 3, 2], w: 1, ws: 10, gap: 1, finish: 22 },
    { name: 'gaps on two workers: 5 | 3+1+2', d: [5, 3, 2], w: 2, ws: 0, gap: 1, finish: 6 },
  ])('$name', ({ d, w, ws, gap, finish }) => {
    expect(scheduleFinishMs(d, w, ws, gap)).toBe(finish);
  });

  it('a shard wall adds the job start-up; an empty shard runs nothing', () => {
    const model: WallModel = { startupMs: 1000, workerStartupMs: 200, workers: 2 };
    expect(shardWallMs([500, 400, 300], model)).toBe(1000 + 200 + 700);
    expect(shardWallMs([], model)).toBe(0);
  });
});

const suiteArb = fc.uniqueArray(
  fc.record({
    name: fc.integer({ min: 0, max: 300 }).map((i) => `t/${['a', 'b'][i % 2]}/f${i}.test.ts`),
    ms: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 60_000 })),
  }),
  { selector: (f) => f.name, minLength: 1, maxLength: 50 },
);
const modelArb = fc.record({
  startupMs: fc.integer({ min: 0, max: 5000 }),
  workerStartupMs: fc.integer({ min: 0, max: 2000 }),
  workers: fc.integer({ min: 1, max: 4 }),
  fileGapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
});

/** LPT on the model, written independently: each file, longest first, to the worker of all k·w that frees first. */
function lptOnModel(files: { name: string; ms: number }[], k: number, model: WallModel): number {
  const sorted = [...files].sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
  const gap = model.fileGapMs ?? 0;
  const free = Array.from({ length: k * model.workers }, () => model.workerStartupMs - gap);
  const shards: string[][] = Array.from({ length: k }, () => []);
  for (const f of sorted) {
    let best = 0;
    for (let x = 1; x < free.length; x++) if (free[x]! < free[best]!) best = x;
    free[best]! += f.ms + gap;
    shards[Math.floor(best / model.workers)]!.push(f.name);
  }
  const of = new Map(files.map((f) => [f.name, f.ms]));
  return splitWallMs(shards, (f) => of.get(f)!, model);
}

describe('partition with a wall model', () => {
  it('every file once; deterministic for any input order; the bound below the plan; never worse than LPT on the model or the sum plan', () => {
    fc.assert(
      fc.property(suiteArb, fc.integer({ min: 1, max: 6 }), modelArb, (suite, k, model) => {
        const durations = new Map(suite.map((f) => [f.name, f.ms]));
        const files = suite.map((f) => f.name);
        const plan = partition(files, { shardCount: k, durations, wall: model });
        const again = partition([...files].reverse(), { shardCount: k, durations, wall: model });
        expect(again).toEqual(plan);
        expect(plan.shards.flatMap((s) => s.files).sort()).toEqual([...files].sort());
        const wall = plan.wall!;
        for (const s of plan.shards) {
          const own = s.files.map((f) => durations.get(f)!);
          expect(s.wallMs).toBe(shardWallMs(own, model));
        }
        expect(wall.makespanMs).toBe(Math.max(...plan.shards.map((s) => s.wallMs!)));
        expect(wall.lowerBoundMs).toBeLessThanOrEqual(wall.makespanMs);
        expect(wall.makespanMs).toBeLessThanOrEqual(lptOnModel(suite, k, model));
        const sumPlan = partition(files, { shardCount: k, durations });
        expect(wall.makespanMs).toBeLessThanOrEqual(
          splitWallMs(
            sumPlan.shards.map((s) => s.files),
            (f) => durations.get(f)!,
            model,
          ),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('reaches the floor of two big files on two shards of two workers', () => {
    const durations = new Map([
      ['big1', 10_000],
      ['big2', 10_000],
      ...Array.from({ length: 10 }, (_, i) => [`small${i}`, 1000] as [string, number]),
    ]);
    const model: WallModel = { startupMs: 0, workerStartupMs: 0, workers: 2 };
    const plan = partition([...durations.keys()], { shardCount: 2, durations, wall: model });
    expect(plan.wall!.makespanMs).toBe(plan.wall!.lowerBoundMs);
    expect(plan.wall!.makespanMs).toBe(10_000);
  });

  it('the wall model is part of the fingerprint; no model keeps the old plan and fingerprint', () => {
    const files = ['a', 'b', 'c'];
    const durations = { a: 3, b: 2, c: 1 };
    const plain = partition(files, { shardCount: 2, durations });
    const one = partition(files, {
      shardCount: 2,
      durations,
      wall: { startupMs: 5, workerStartupMs: 0, workers: 1 },
    });
    expect(plain.wall).toBeUndefined();
    expect(one.fingerprint).not.toBe(plain.fingerprint);
    expect(one.shards.map((s) => s.files)).toEqual(plain.shards.map((s) => s.files));
    expect(one.wall).toMatchObject({ makespanMs: 8, lowerBoundMs: 8, workers: 1 });
  });

  it('judges a native split by the same model', () => {
    const model: WallModel = { startupMs: 100, workerStartupMs: 10, workers: 2 };
    const of = (f: string) => Number(f);
    expect(splitWallMs([['5', '3', '2'], []], of, model)).toBe(100 + 10 + 5);
    expect(planLpt(['5', '3', '2'], of, 2).makespanMs).toBe(5);
  });
});

/** A report of one job: files with their timeline (ms since the job started) and fixed costs. */
function jobReport(
  files: { file: string; start: number; end: number; setup: number }[],
  wallMs: number,
  workers: number,
  extra: Partial<RunReport> = {},
): RunReport {
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    createdAt: '2026-12-01T10:00:00.000Z',
    job: { wallMs, workers },
    files: files.map((f) => ({
      file: f.file,
      durationMs: f.end - f.start,
      status: 'passed' as const,
      startMs: f.start,
      endMs: f.end,
      setupMs: f.setup,
    })),
    ...extra,
  };
}

// Two workers from 1000 ms: a (first on worker 1) and b (first on worker 2) paid 600 ms more setup.
const twoWorkers = jobReport(
  [
    { file: 'a', start: 1000, end: 3000, setup: 700 },
    { file: 'b', start: 1000, end: 2000, setup: 700 },
    { file: 'c', start: 2000, end: 2500, setup: 100 },
    { file: 'd', start: 2500, end: 2900, setup: 100 },
    { file: 'e', start: 3000, end: 3300, setup: 100 },
  ],
  3800,
  2,
);

describe('observeJob and learnWallModels', () => {
  it('reads start-up (wall minus the files’ span), the workers’ first files and their extra start-up', () => {
    const job = observeJob(twoWorkers)!;
    expect(job.startupMs).toBe(3800 - 2300);
    expect([...job.firstFiles].sort()).toEqual(['a', 'b']);
    expect(job.workerStartupMs).toBe(600);
    expect(job.fileFixedMs).toBe(100);
  });

  it.each([
    { name: 'no job clock (an import)', report: { ...twoWorkers, job: undefined } },
    { name: 'no file ran', report: { ...twoWorkers, files: [] } },
    {
      name: 'no timeline (an older plugin)',
      report: {
        ...twoWorkers,
        files: twoWorkers.files.map(({ file, durationMs, status }) => ({ file, durationMs, status })),
      },
    },
  ])('says nothing of a job with $name', ({ report }) => {
    expect(observeJob(report)).toBeUndefined();
  });

  it('learns per runner, the same for any report order, and moves an old model by 1/(samples + 1)', () => {
    const other = jobReport([{ file: 'x', start: 500, end: 900, setup: 50 }], 1400, 1, { runner: 'vitest' });
    const learned = learnWallModels(undefined, [twoWorkers, other]);
    expect(learnWallModels(undefined, [other, twoWorkers])).toEqual(learned);
    expect(learned.get('jest')).toEqual({
      startupMs: 1500,
      workerStartupMs: 600,
      workers: 2,
      fileFixedMs: 100,
      fileGapMs: 0,
      samples: 1,
    });
    expect(learned.get('vitest')).toMatchObject({ startupMs: 1000, workers: 1, samples: 1 });
    const old = new Map([
      ['jest', { startupMs: 2500, workerStartupMs: 600, workers: 2, fileFixedMs: 100, samples: 1 }],
    ]);
    expect(learnWallModels(old, [twoWorkers]).get('jest')).toMatchObject({ startupMs: 2000, samples: 2 });
  });
});

describe('the store keeps the model; merge learns it', () => {
  it('round-trips the model in the optional `model` field, which a v1 reader’s files ignore', () => {
    const { store } = mergeReports(undefined, [twoWorkers]);
    const text = serializeStore(store);
    const raw = JSON.parse(text) as { version: number; files: object; model: object };
    expect(raw.version).toBe(1);
    expect(Object.keys(raw.files)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(raw.model).toEqual({
      jest: { startupMs: 1500, workerStartupMs: 600, workers: 2, fileFixedMs: 100, fileGapMs: 0, samples: 1 },
    });
    expect(parseStore(text).models).toEqual(store.models);
    expect(serializeStore(parseStore(text))).toBe(text);
  });

  it.each([
    {
      name: 'a negative start-up',
      model: { jest: { startupMs: -1, workerStartupMs: 0, workers: 1 } },
      error: /model\.jest\.startupMs/,
    },
    {
      name: 'no workers',
      model: { jest: { startupMs: 1, workerStartupMs: 0, workers: 0 } },
      error: /model\.jest\.workers/,
    },
    {
      name: 'a runner named __proto__',
      model: JSON.parse('{"__proto__":{"startupMs":1,"workerStartupMs":0,"workers":1}}'),
      error: /model/,
    },
  ])('rejects a model with $name, naming the place', ({ model, error }) => {
    const text = JSON.stringify({ version: 1, model, files: {} });
    expect(() => parseStore(text, 'shard-timings.json')).toThrow(error);
  });

  it('stores a worker’s first file without the worker’s start-up', () => {
    const { store } = mergeReports(undefined, [twoWorkers]);
    expect(store.files.get('a')!.durationMs).toBe(2000 - 600);
    expect(store.files.get('b')!.durationMs).toBe(1000 - 600);
    expect(store.files.get('c')!.durationMs).toBe(500);
  });

  it('leaves the model as it was when a new job moves it by less than the threshold (no churn)', () => {
    const first = mergeReports(undefined, [twoWorkers]).store;
    const nearly = jobReport(
      twoWorkers.files.map((f) => ({ file: f.file, start: f.startMs!, end: f.endMs!, setup: f.setupMs! })),
      3850,
      2,
      { createdAt: '2026-12-02T10:00:00.000Z' },
    );
    const again = mergeReports(first, [nearly]);
    expect(again.modelChanged).toBe(false);
    expect(again.store.models).toEqual(first.models);
    const slower = { ...nearly, job: { wallMs: 9000, workers: 2 } };
    const moved = mergeReports(first, [slower]);
    expect(moved.modelChanged).toBe(true);
    expect(moved.changed).toBe(true);
    expect(moved.store.models!.get('jest')!.startupMs).toBeGreaterThan(1500);
  });
});
