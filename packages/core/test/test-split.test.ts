import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cutFile,
  decideSplits,
  fileCostOf,
  matchKey,
  planRun,
  type FileTiming,
  type TestTiming,
} from '../src/public/index.js';
import type { TimingStore } from '../src/public/light.js';

const t = (name: string, durationMs: number, group?: string): TestTiming => ({
  name,
  durationMs,
  status: 'passed',
  ...(group ? { group } : {}),
});

/** A file of `count` tests of `ms` each and a fixed cost of `fixed`. */
function manyTests(count: number, ms: number, fixed: number): FileTiming {
  const tests = Array.from({ length: count }, (_, i) => t(`suite > test ${i}`, ms));
  return { durationMs: fixed + count * ms, samples: 1, tests };
}

describe('fileCostOf', () => {
  it.each([
    ['no entry', undefined],
    ['no tests', { durationMs: 900, samples: 1 }],
    ['one test', { durationMs: 900, samples: 1, tests: [t('a', 800)] }],
    [
      'provisional (only seen failing)',
      { durationMs: 900, samples: 1, provisional: true, tests: [t('a', 400), t('b', 400)] },
    ],
    ['mostly fixed cost (tests 40%)', { durationMs: 1000, samples: 1, tests: [t('a', 200), t('b', 200)] }],
    [
      'one describe with beforeAll',
      { durationMs: 900, samples: 1, tests: [t('d > a', 400, 'd'), t('d > b', 400, 'd')] },
    ],
    ['two tests of one name', { durationMs: 900, samples: 1, tests: [t('a', 400), t('a', 400)] }],
    [
      'names a runner cannot tell apart',
      { durationMs: 900, samples: 1, tests: [t('a b > c', 400), t('a > b c', 400)] },
    ],
  ] satisfies [string, FileTiming | undefined][])('%s: not splittable', (_name, entry) => {
    expect(fileCostOf(entry)).toBeUndefined();
  });

  it('fixed cost is the time beyond the tests; blocks keep groups and equal names together, in file order', () => {
    const cost = fileCostOf({
      durationMs: 1000,
      samples: 1,
      tests: [
        t('a', 100),
        t('db > x', 100, 'db'),
        t('b', 100),
        t('db > y', 100, 'db'),
        t('b', 50),
        t('c', 100),
      ],
    });
    expect(cost).toEqual({
      durationMs: 1000,
      fixedMs: 450,
      blocks: [
        { tests: ['a'], ms: 100, first: 0 },
        { tests: ['db > x', 'db > y'], ms: 200, first: 1 },
        { tests: ['b'], ms: 150, first: 2 },
        { tests: ['c'], ms: 100, first: 5 },
      ],
    });
  });

  it('half fixed cost is still splittable (the boundary)', () => {
    expect(fileCostOf({ durationMs: 800, samples: 1, tests: [t('a', 200), t('b', 200)] })?.fixedMs).toBe(400);
  });

  it('matchKey joins names with a space, as runners match them', () => {
    expect(matchKey('outer > inner > it works')).toBe('outer inner it works');
  });
});

describe('cutFile', () => {
  it('pieces cost F + their tests, hold every test once, in file order', () => {
    const cost = fileCostOf(manyTests(7, 100, 50))!;
    const pieces = cutFile('big.test.ts', cost, 3);
    expect(pieces.map((p) => [p.piece, p.of, p.estimatedMs])).toEqual([
      [1, 3, 350],
      [2, 3, 250],
      [3, 3, 250],
    ]);
    expect(pieces.flatMap((p) => p.tests).sort()).toEqual(cost.blocks.flatMap((b) => b.tests).sort());
    for (const p of pieces)
      expect(p.tests).toEqual(
        [...p.tests].sort((a, b) => Number(a.split(' ').pop()) - Number(b.split(' ').pop())),
      );
  });
});

const units = (durations: Record<string, number>) =>
  Object.entries(durations).map(([file, ms]) => ({ file, ms }));

describe('decideSplits', () => {
  const big = manyTests(36, 50, 40); // 1840 ms, cheap import
  const heavyImport = { ...manyTests(4, 100, 1500) }; // 1900 ms, 1500 of it import
  const smalls = { 's1.test.ts': 100, 's2.test.ts': 100, 's3.test.ts': 100, 's4.test.ts': 100 };

  it.each([
    ['one shard: nothing to gain', 1, { 'big.test.ts': 1840, ...smalls }, 0],
    ['the longest file is shorter than an even share', 3, { 'big.test.ts': 400, ...smalls }, 0],
    ['the floor file is split into pieces', 3, { 'big.test.ts': 1840, ...smalls }, 3],
    ['two shards: two pieces', 2, { 'big.test.ts': 1840, ...smalls }, 2],
  ] satisfies [string, number, Record<string, number>, number][])('%s', (_name, k, durations, pieces) => {
    const costs: Record<string, FileTiming> = { 'big.test.ts': big };
    const d = decideSplits(units(durations), (f) => fileCostOf(costs[f]), k);
    expect(d.splits.flat().length).toBe(pieces);
    expect(d.afterMs).toBeLessThanOrEqual(d.beforeMs);
    if (pieces > 0) expect(d.floor).toEqual({ file: 'big.test.ts', ms: 1840, splittable: true });
  });

  it('a file whose time is mostly import is never split, and is named as the floor', () => {
    const d = decideSplits(
      units({ 'heavy.test.ts': 1900, ...smalls }),
      (f) => fileCostOf(f === 'heavy.test.ts' ? heavyImport : undefined),
      3,
    );
    expect(d.splits).toEqual([]);
    expect(d.afterMs).toBe(d.beforeMs);
    expect(d.floor).toEqual({ file: 'heavy.test.ts', ms: 1900, splittable: false });
  });

  it('no split when the pieces would not lower the prediction (fixed cost eats the gain)', () => {
    // Tests 60% of the file: splittable, but each piece pays 800 again; two files set the floor together.
    const file = { durationMs: 2000, samples: 1, tests: [t('a', 600), t('b', 600)] };
    const d = decideSplits(units({ 'x.test.ts': 2000, 'y.test.ts': 2000 }), () => fileCostOf(file), 2);
    expect(d.splits).toEqual([]);
  });

  it('takes a prediction callback (a wall-clock model can replace file sums)', () => {
    const calls: number[] = [];
    const d = decideSplits(
      units({ 'big.test.ts': 1840, ...smalls }),
      (f) => fileCostOf(f === 'big.test.ts' ? big : undefined),
      3,
      (ms, k) => {
        calls.push(ms.length);
        // A start-up of 1000 ms per shard job does not change which split is best.
        return 1000 + Math.max(Math.ceil(ms.reduce((a, b) => a + b, 0) / k), ...ms);
      },
    );
    expect(calls.length).toBeGreaterThan(1);
    expect(d.beforeMs).toBe(2840);
    expect(d.afterMs).toBeLessThan(d.beforeMs);
  });
});

/** A store of random files with random tests, some in groups. */
const storeArb = fc
  .uniqueArray(
    fc.record({
      file: fc.integer({ min: 0, max: 50 }).map((i) => `f${i}.test.ts`),
      fixed: fc.integer({ min: 0, max: 500 }),
      tests: fc.array(
        fc.record({
          name: fc.integer({ min: 0, max: 30 }).map((i) => `d${i % 4} > t${i}`),
          ms: fc.integer({ min: 0, max: 400 }),
          grouped: fc.boolean(),
        }),
        { maxLength: 30 },
      ),
    }),
    { selector: (f) => f.file, minLength: 1, maxLength: 12 },
  )
  .map((files) => {
    const store: TimingStore = { version: 1, files: new Map() };
    for (const f of files) {
      const tests = f.tests.map((x) => t(x.name, x.ms, x.grouped ? x.name.split(' > ')[0] : undefined));
      const sum = tests.reduce((a, b) => a + b.durationMs, 0);
      store.files.set(f.file, {
        durationMs: f.fixed + sum,
        samples: 1,
        ...(tests.length > 0 ? { tests } : {}),
      });
    }
    return store;
  });

describe('planRun with split', () => {
  it('property: every whole file once; every test of a split file in exactly one piece; never slower; deterministic', () => {
    fc.assert(
      fc.property(storeArb, fc.integer({ min: 1, max: 5 }), (store, k) => {
        const files = [...store.files.keys()];
        const fileLevel = planRun({ files, shardCount: k, store: { state: 'loaded', store } });
        const split = planRun({ files, shardCount: k, store: { state: 'loaded', store }, split: true });
        const again = planRun({
          files: [...files].reverse(),
          shardCount: k,
          store: { state: 'loaded', store },
          split: true,
        });
        expect(again.plan).toEqual(split.plan);
        expect(split.plan.makespanMs).toBeLessThanOrEqual(fileLevel.plan.makespanMs);
        const whole = split.plan.shards.flatMap((s) => s.files);
        const pieces = split.plan.shards.flatMap((s) =>
          (s.pieces ?? []).map((p) => ({ ...p, shard: s.index })),
        );
        const splitFiles = new Set(pieces.map((p) => p.file));
        expect([...whole, ...splitFiles].sort()).toEqual([...files].sort());
        expect(new Set(whole).size).toBe(whole.length);
        for (const file of splitFiles) {
          const mine = pieces.filter((p) => p.file === file);
          // One piece per shard, numbered 1..n, the last one last.
          expect(new Set(mine.map((p) => p.shard)).size).toBe(mine.length);
          expect(mine.map((p) => p.piece).sort((a, b) => a - b)).toEqual(mine.map((_, i) => i + 1));
          expect(mine.every((p) => p.of === mine.length)).toBe(true);
          const named = mine.flatMap((p) => p.tests);
          const expected = [...new Set(store.files.get(file)!.tests!.map((x) => x.name))];
          expect(named.sort()).toEqual(expected.sort());
          // A group never spans two pieces.
          const pieceOf = new Map<string, number>();
          for (const p of mine) for (const n of p.tests) pieceOf.set(n, p.piece);
          const byGroup = new Map<string, Set<number>>();
          for (const x of store.files.get(file)!.tests!) {
            if (x.group) byGroup.set(x.group, (byGroup.get(x.group) ?? new Set()).add(pieceOf.get(x.name)!));
          }
          for (const holders of byGroup.values()) expect(holders.size).toBe(1);
        }
        if (splitFiles.size > 0) {
          expect(split.plan.fingerprint).not.toBe(fileLevel.plan.fingerprint);
          expect(split.plan.split?.applied).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('property: with a wall model, pieces are balanced by wall and never raise the slowest predicted wall', () => {
    fc.assert(
      fc.property(
        storeArb,
        fc.integer({ min: 2, max: 4 }),
        fc.record({
          startupMs: fc.integer({ min: 0, max: 2000 }),
          workerStartupMs: fc.integer({ min: 0, max: 300 }),
          workers: fc.integer({ min: 1, max: 3 }),
        }),
        (store, k, model) => {
          store.models = new Map([['vitest', model]]);
          const files = [...store.files.keys()];
          const input = {
            files,
            shardCount: k,
            store: { state: 'loaded' as const, store },
            runner: 'vitest',
          };
          const fileLevel = planRun(input);
          const split = planRun({ ...input, split: true });
          expect(split.plan.wall).toBeDefined();
          expect(split.plan.wall!.makespanMs).toBeLessThanOrEqual(fileLevel.plan.wall!.makespanMs);
          const pieces = split.plan.shards.flatMap((s) => s.pieces ?? []);
          const whole = split.plan.shards.flatMap((s) => s.files);
          expect([...whole, ...new Set(pieces.map((p) => p.file))].sort()).toEqual([...files].sort());
          for (const s of split.plan.shards) expect(s.wallMs).toBeDefined();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('without split, the plan is the file-level one and says what splitting would gain', () => {
    const store: TimingStore = {
      version: 1,
      files: new Map([
        ['big.test.ts', manyTests(36, 50, 40)],
        ['a.test.ts', { durationMs: 100, samples: 1 }],
        ['b.test.ts', { durationMs: 100, samples: 1 }],
      ]),
    };
    const files = [...store.files.keys()];
    const run = planRun({ files, shard: { index: 1, count: 3 }, store: { state: 'loaded', store } });
    expect(run.pieces).toEqual([]);
    expect(run.plan.shards.flatMap((s) => s.files).sort()).toEqual([...files].sort());
    expect(run.plan.split).toMatchObject({
      floor: { file: 'big.test.ts', ms: 1840, splittable: true },
      fileLevelMs: 1840,
      files: [{ file: 'big.test.ts', of: 3 }],
      applied: false,
    });
    expect(run.plan.split!.splitMs).toBeLessThan(800);
    const split = planRun({
      files,
      shard: { index: 1, count: 3 },
      store: { state: 'loaded', store },
      split: true,
    });
    expect(split.pieces).toHaveLength(1);
    expect(split.plan.makespanMs).toBe(run.plan.split!.splitMs);
  });
});

describe('planRun: what a split would gain, only when asked', () => {
  // One file of 48 tests that sets the floor of three shards, and three small ones.
  const store: TimingStore = {
    version: 1,
    files: new Map<string, FileTiming>([
      ['big.test.ts', manyTests(48, 100, 200)],
      ['a.test.ts', { durationMs: 300, samples: 1 }],
      ['b.test.ts', { durationMs: 300, samples: 1 }],
      ['c.test.ts', { durationMs: 300, samples: 1 }],
    ]),
  };
  const input = {
    files: ['big.test.ts', 'a.test.ts', 'b.test.ts', 'c.test.ts'],
    shard: { index: 1, count: 3 },
    store: { state: 'loaded' as const, store },
  };

  it('says what it would gain by default, and leaves the fingerprint to be computed when read', () => {
    const run = planRun(input);
    expect(run.plan.split?.files.map((f) => f.file)).toEqual(['big.test.ts']);
    expect(run.diagnostics.map((d) => d.kind)).toContain('split-unused');
    expect(typeof Object.getOwnPropertyDescriptor(run.plan, 'fingerprint')?.get).toBe('function');
    expect(run.plan.fingerprint).toBe(planRun({ ...input, splitSummary: false }).plan.fingerprint);
  });

  it('plans nothing of it for a front end that never shows it; the shard is the same', () => {
    const run = planRun({ ...input, splitSummary: false });
    expect(run.plan.split).toBeUndefined();
    expect(run.diagnostics.map((d) => d.kind)).not.toContain('split-unused');
    expect(run.units).toEqual(planRun(input).units);
  });
});

describe('planRun with a pinned plan that splits a file', () => {
  const pinned = {
    source: 'plan.json',
    plan: {
      fingerprint: 'f1',
      shardCount: 2,
      shards: [['a.test.ts'], []],
      estimatedMs: [900, 800],
      wall: undefined,
      pieces: [
        [{ file: 'big.test.ts', piece: 1, of: 2, tests: ['t1'] }],
        [{ file: 'big.test.ts', piece: 2, of: 2, tests: ['t2'] }],
      ],
    },
  };
  const files = ['a.test.ts', 'big.test.ts'];

  it('runs its pieces when the front end can', () => {
    const run = planRun({
      files,
      shard: { index: 2, count: 2 },
      store: { state: 'disabled' },
      pinned,
      split: true,
    });
    expect(run.units).toEqual([]);
    expect(run.pieces.map((p) => [p.file, p.piece, p.of, p.tests])).toEqual([['big.test.ts', 2, 2, ['t2']]]);
    expect(run.diagnostics).toEqual([]);
  });

  it('is refused by a front end that runs whole files', () => {
    expect(() =>
      planRun({ files, shard: { index: 1, count: 2 }, store: { state: 'disabled' }, pinned }),
    ).toThrow(/^plan\.json: the pinned plan splits big\.test\.ts by test, which this runner cannot run/);
  });

  it('is stale when a split file is gone', () => {
    expect(() =>
      planRun({
        files: ['a.test.ts'],
        shard: { index: 1, count: 2 },
        store: { state: 'disabled' },
        pinned,
        split: true,
      }),
    ).toThrow(/1 planned file\(s\) not found \(big\.test\.ts\)/);
  });
});
