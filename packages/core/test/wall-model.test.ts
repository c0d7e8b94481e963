import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareCodeUnits,
  fitWallModel,
  jobClockUsable,
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
  type TimingStore,
  type WallModel,
} from '../src/public/index.js';

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

/** A report of one job: files with their timeline (ms since the job started), fixed costs and environment. */
function jobReport(
  files: { file: string; start: number; end: number; setup: number; env?: number }[],
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
      ...(f.env === undefined ? {} : { environmentMs: f.env }),
    })),
    ...extra,
  };
}

// Two workers from 1000 ms: a (first on worker 1) and b (first on worker 2) paid 600 ms more environment.
const twoWorkers = jobReport(
  [
    { file: 'a', start: 1000, end: 3000, setup: 700, env: 650 },
    { file: 'b', start: 1000, end: 2000, setup: 700, env: 650 },
    { file: 'c', start: 2000, end: 2500, setup: 100, env: 50 },
    { file: 'd', start: 2500, end: 2900, setup: 100, env: 50 },
    { file: 'e', start: 3000, end: 3300, setup: 100, env: 50 },
  ],
  3800,
  2,
);

describe('observeJob and learnWallModels', () => {
  it('reads the time outside the files, the workers’ first files and their extra environment time', () => {
    const job = observeJob(twoWorkers)!;
    expect(job.startupMs).toBe(3800 - 2300);
    expect([...job.firstFiles].sort()).toEqual(['a', 'b']);
    expect(job.workerStartupMs).toBe(600);
    expect(job.fileFixedMs).toBe(100);
    // e starts as a ends (worker 1), c and d follow b (worker 2): no time between files.
    expect(job.fileGapMs).toBe(0);
  });

  it('never takes a first file’s own import for worker start-up', () => {
    // `big` spends 1,200 of its 2,400 ms importing and runs first, under longest-first order; its
    // environment took what every file's did.
    const heavy = jobReport(
      [
        { file: 'big', start: 500, end: 2900, setup: 1250, env: 50 },
        { file: 'x', start: 500, end: 700, setup: 60, env: 50 },
        { file: 'y', start: 700, end: 900, setup: 60, env: 50 },
      ],
      3200,
      2,
    );
    expect(observeJob(heavy)!.workerStartupMs).toBe(0);
    expect(mergeReports(undefined, [heavy]).store.files.get('big')!.durationMs).toBe(2400);
    // Without environment marks (Jest 29) nothing isolates worker start-up: none is learned or given back.
    const unmarked = { ...heavy, files: heavy.files.map(({ environmentMs: _e, ...f }) => f) };
    expect(observeJob(unmarked)!.workerStartupMs).toBeUndefined();
    const merged = mergeReports(undefined, [unmarked]).store;
    expect(merged.models!.get('jest')!.workerStartupMs).toBe(0);
    expect(merged.files.get('big')!.durationMs).toBe(2400);
  });

  it('assigns files to the worker that just freed up when the runner names none', () => {
    // Worker 1 frees at 1000, worker 2 at 1500; the file starting at 1510 is worker 2's, 10 ms later.
    const job = jobReport(
      [
        { file: 'a', start: 0, end: 1000, setup: 10 },
        { file: 'b', start: 0, end: 1500, setup: 10 },
        { file: 'c', start: 1010, end: 1400, setup: 10 },
        { file: 'd', start: 1510, end: 1600, setup: 10 },
      ],
      1700,
      2,
    );
    expect(observeJob(job)!.fileGapMs).toBe(10);
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
    {
      name: 'a file that crashed (its time is in the wall, in no file)',
      report: {
        ...twoWorkers,
        files: [...twoWorkers.files, { file: 'z', durationMs: 0, status: 'interrupted' as const }],
      },
    },
    {
      name: 'every file unused (a filtered run)',
      report: {
        ...twoWorkers,
        files: twoWorkers.files.map((f) => ({ ...f, status: 'interrupted' as const })),
      },
    },
  ])('learns nothing from a job with $name', ({ report }) => {
    expect(jobClockUsable(report)).toBe(false);
    expect(observeJob(report)).toBeUndefined();
    expect(learnWallModels(undefined, [report]).size).toBe(0);
    expect(mergeReports(undefined, [report]).modelFit.size).toBe(0);
  });

  it('learns start-up as what the files’ own durations do not hold: the model fits the job it learned from', () => {
    const other = jobReport([{ file: 'x', start: 500, end: 900, setup: 50 }], 1400, 1, { runner: 'vitest' });
    const learned = learnWallModels(undefined, [twoWorkers, other]);
    expect(learnWallModels(undefined, [other, twoWorkers])).toEqual(learned);
    const jest = learned.get('jest')!;
    // a and b give back their 600 ms of worker start-up (1,400 and 400 ms); longest first on two workers
    // that start 600 ms in: 1,400 | 500 + 400 + 400 + 300, done at 2,200 ms; the rest of 3,800 is start-up.
    expect(jest).toEqual({
      startupMs: 3800 - 2200,
      workerStartupMs: 600,
      workers: 2,
      fileFixedMs: 100,
      fileGapMs: 0,
      samples: 1,
    });
    const files = [1400, 500, 400, 400, 300];
    expect(shardWallMs(files, jest)).toBe(3800);
    expect(learned.get('vitest')).toMatchObject({ startupMs: 1000, workers: 1, samples: 1 });
    expect(fitWallModel('jest', jest, [twoWorkers])).toEqual({ jobs: 1, medianError: 0 });
  });

  it('schedules a job’s files in the order it ran them: the time a cold order lost is not start-up', () => {
    // A first run, planned without durations, started two short files before the long one: 3,000 ms of
    // files where longest first takes 2,000. Only the 500 ms outside the files is start-up.
    const cold = jobReport(
      [
        { file: 'a', start: 500, end: 1500, setup: 10 },
        { file: 'b', start: 500, end: 1500, setup: 10 },
        { file: 'c', start: 1500, end: 3500, setup: 10 },
      ],
      3500,
      2,
    );
    const jest = learnWallModels(undefined, [cold]).get('jest')!;
    expect(jest.startupMs).toBe(500);
    expect(fitWallModel('jest', jest, [cold])).toEqual({ jobs: 1, medianError: 0 });
    // The next run, longest first: 500 + 2,000.
    expect(shardWallMs([2000, 1000, 1000], jest)).toBe(2500);
  });

  it('moves an old model halfway toward its new jobs', () => {
    const old = new Map([
      [
        'jest',
        { startupMs: 2600, workerStartupMs: 600, workers: 2, fileFixedMs: 100, fileGapMs: 0, samples: 4 },
      ],
    ]);
    expect(learnWallModels(old, [twoWorkers]).get('jest')).toMatchObject({ startupMs: 2100, samples: 5 });
  });
});

/**
 * A job as a runner would run it: `files` (own time: import and tests) in the given order on `workers`
 * workers, each file to the worker that frees first; every file pays `env` of environment, a worker's first
 * file `workerMs` more; `gapMs` between two files of a worker; `startupMs` before the first file.
 */
function simulateJob(
  files: readonly { file: string; ownMs: number; importMs: number }[],
  truth: { startupMs: number; workerMs: number; gapMs: number; envMs: number },
  workers: number,
  createdAt: string,
): RunReport {
  const free = Array.from({ length: workers }, () => truth.startupMs);
  const used = Array.from({ length: workers }, () => false);
  const entries = files.map((f) => {
    let w = 0;
    for (let x = 1; x < workers; x++) if (free[x]! < free[w]!) w = x;
    const env = truth.envMs + (used[w] ? 0 : truth.workerMs);
    const start = free[w]! + (used[w] ? truth.gapMs : 0);
    used[w] = true;
    const durationMs = env + f.ownMs;
    free[w] = start + durationMs;
    return {
      file: f.file,
      durationMs,
      status: 'passed' as const,
      startMs: start,
      endMs: start + durationMs,
      setupMs: env + f.importMs,
      environmentMs: env,
    };
  });
  const wallMs = Math.max(...free) + 100;
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    createdAt,
    job: { wallMs, workers },
    files: entries,
  };
}

describe('the wall model converges', () => {
  // A model frozen where a real suite left it (1.22 s start-up, 2.6 s per worker) while its jobs showed
  // about 0.95 s and 0.4 s: each merge of three such jobs must bring it closer, whatever its history.
  const truth = { startupMs: 950, workerMs: 400, gapMs: 20, envMs: 30 };
  const suite = Array.from({ length: 12 }, (_, i) => ({
    file: `f${String(i).padStart(2, '0')}`,
    ownMs: 300 + 150 * i,
    importMs: 40 + 20 * (i % 4),
  }));
  const frozen = new Map([['jest', { startupMs: 1220, workerStartupMs: 2600, workers: 2, samples: 9 }]]);
  const pipeline = (n: number) =>
    [0, 1, 2].map((s) =>
      simulateJob(
        [...suite.filter((_, i) => i % 3 === s)].sort((a, b) => b.ownMs - a.ownMs),
        truth,
        2,
        `2026-12-${String(n + 1).padStart(2, '0')}T10:00:0${s}.000Z`,
      ),
    );
  const errorAfter = (merges: number) => {
    let store: TimingStore = { version: 1, files: new Map(), models: frozen };
    let fit = Infinity;
    for (let n = 0; n < merges; n++) {
      const jobs = pipeline(n);
      const result = mergeReports(store, jobs);
      store = result.store;
      // The next pipeline's jobs, predicted by the model just learned.
      const next = pipeline(n + 1);
      fit = fitWallModel('jest', store.models!.get('jest')!, next)!.medianError;
    }
    return { fit, model: store.models!.get('jest')! };
  };
  const initial = fitWallModel('jest', frozen.get('jest')!, pipeline(0))!.medianError;

  it.each([
    { merges: 1, left: 'half the first error', within: initial / 2 + 0.005 },
    { merges: 2, left: 'a quarter', within: initial / 4 + 0.005 },
    { merges: 4, left: 'a sixteenth', within: initial / 16 + 0.005 },
    { merges: 8, left: '1%', within: 0.01 },
  ])('predicts the next jobs within $left after $merges merge(s)', ({ merges, within }) => {
    expect(initial).toBeGreaterThan(0.3);
    expect(errorAfter(merges).fit).toBeLessThanOrEqual(within);
  });

  it('learns the runner’s own worker start-up and gap, whatever the first files import', () => {
    const { model } = errorAfter(10);
    expect(Math.abs(model.workerStartupMs - truth.workerMs)).toBeLessThanOrEqual(5);
    expect(model.fileGapMs).toBe(truth.gapMs);
  });

  it('brings a store seeded by one slow run within 10% of the files’ real times in four merges', () => {
    // A cold seed run: every file took 2.24 times its time (56 s against 25 s).
    const seed = simulateJob(
      suite.map((f) => ({ ...f, ownMs: Math.round(f.ownMs * 2.24) })),
      truth,
      1,
      '2026-11-30T10:00:00.000Z',
    );
    let store = mergeReports(undefined, [seed]).store;
    for (let n = 0; n < 4; n++) store = mergeReports(store, pipeline(n)).store;
    const stored = suite.reduce((sum, f) => sum + store.files.get(f.file)!.durationMs, 0);
    const real = suite.reduce((sum, f) => sum + f.ownMs + truth.envMs, 0);
    expect(stored / real).toBeLessThanOrEqual(1.1);
  });
});

describe('a file’s stored duration is never below its own time (property over run orders)', () => {
  it('holds whichever files start the workers', () => {
    const fileArb = fc.record({
      importMs: fc.integer({ min: 0, max: 3000 }),
      testsMs: fc.integer({ min: 0, max: 3000 }),
    });
    fc.assert(
      fc.property(
        fc.array(fileArb, { minLength: 1, maxLength: 10 }),
        fc.array(
          fc.record({
            order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
            workers: fc.integer({ min: 1, max: 3 }),
            workerMs: fc.integer({ min: 0, max: 2000 }),
            envMs: fc.integer({ min: 0, max: 300 }),
            gapMs: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (files, runs) => {
          const own = files.map((f, i) => ({
            file: `f${i}`,
            ownMs: f.importMs + f.testsMs,
            importMs: f.importMs,
          }));
          let store: TimingStore | undefined;
          runs.forEach((run, r) => {
            // Any order: sorted by the run's random keys.
            const order = own
              .map((f, i) => ({ f, key: run.order[i]! }))
              .sort((a, b) => a.key - b.key || compareCodeUnits(a.f.file, b.f.file))
              .map((x) => x.f);
            const truth = { startupMs: 500, workerMs: run.workerMs, gapMs: run.gapMs, envMs: run.envMs };
            const job = simulateJob(order, truth, run.workers, `2026-12-0${r + 1}T10:00:00.000Z`);
            store = mergeReports(store, [job]).store;
          });
          for (const f of own) expect(store!.files.get(f.file)!.durationMs).toBeGreaterThanOrEqual(f.ownMs);
        },
      ),
      { numRuns: 300 },
    );
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
      jest: { startupMs: 1600, workerStartupMs: 600, workers: 2, fileFixedMs: 100, fileGapMs: 0, samples: 1 },
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

  it('stores a worker’s first file without the worker’s start-up, and says how well the model fits', () => {
    const result = mergeReports(undefined, [twoWorkers]);
    expect(result.store.files.get('a')!.durationMs).toBe(2000 - 600);
    expect(result.store.files.get('b')!.durationMs).toBe(1000 - 600);
    expect(result.store.files.get('c')!.durationMs).toBe(500);
    expect(result.modelFit.get('jest')).toEqual({ jobs: 1, medianError: 0 });
  });

  it('moves the model with every merge, however little (no threshold holds it back)', () => {
    const first = mergeReports(undefined, [twoWorkers]).store;
    const nearly = {
      ...twoWorkers,
      createdAt: '2026-12-02T10:00:00.000Z',
      job: { wallMs: 3900, workers: 2 },
    };
    const again = mergeReports(first, [nearly]);
    expect(again.modelChanged).toBe(true);
    expect(again.store.models!.get('jest')!.startupMs).toBe(1650);
  });
});
