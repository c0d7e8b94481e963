import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareSplits,
  hashSplit,
  planLpt,
  planRun,
  predictedSpan,
  type FileTiming,
  type TimingStore,
} from '../src/public/index.js';

const filesArb = fc.uniqueArray(
  fc.integer({ min: 0, max: 999 }).map((i) => `src/f${i}.test.ts`),
  { maxLength: 50 },
);

describe('baselines', () => {
  it('hashSplit: equal-count contiguous slices, the first n mod k one longer, each file once', () => {
    fc.assert(
      fc.property(
        filesArb,
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('jest' as const, 'vitest' as const),
        (files, k, runner) => {
          const split = hashSplit(files, () => 1, k, runner);
          expect(split.shards).toHaveLength(k);
          const sizes = split.shards.map((s) => s.length);
          const base = Math.floor(files.length / k);
          expect(sizes).toEqual(sizes.map((_, i) => base + (i < files.length % k ? 1 : 0)));
          expect(split.shards.flat().sort()).toEqual([...files].sort());
          expect(split.makespanMs).toBe(Math.max(0, ...sizes));
          // Input order does not matter.
          expect(hashSplit([...files].reverse(), () => 1, k, runner).shards).toEqual(split.shards);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('planLpt: each file to the lightest shard, longest first, lowest index on ties', () => {
    const d: Record<string, number> = { a: 5, b: 4, c: 3, d: 3, e: 1 };
    const split = planLpt(Object.keys(d), (f) => d[f]!, 2);
    expect(split.shards).toEqual([
      ['a', 'd'],
      ['b', 'c', 'e'],
    ]);
    expect(split.loads).toEqual([8, 8]);
    expect(split.makespanMs).toBe(8);
  });
});

const suiteArb = fc.uniqueArray(
  fc.record({
    name: fc.integer({ min: 0, max: 300 }).map((i) => `t/f${i}.test.ts`),
    ms: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 60_000 })),
    // Per-test times (and a fixed cost) make a file splittable.
    tests: fc.option(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 12 }), {
      nil: undefined,
    }),
    setupMs: fc.integer({ min: 0, max: 3000 }),
  }),
  { selector: (f) => f.name, minLength: 1, maxLength: 40 },
);
const modelArb = fc.option(
  fc.record({
    startupMs: fc.integer({ min: 0, max: 5000 }),
    workerStartupMs: fc.integer({ min: 0, max: 4000 }),
    workers: fc.integer({ min: 1, max: 4 }),
    fileGapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 })),
  }),
  { nil: undefined },
);

describe('compareSplits: every split judged by one measure', () => {
  it('the bound is below every split; the plan is never slower than LPT or a runner’s own --shard', () => {
    fc.assert(
      fc.property(
        suiteArb,
        fc.integer({ min: 1, max: 6 }),
        modelArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (suite, k, model, split, untimed) => {
          const files = new Map<string, FileTiming>();
          // The last `untimed` files have no time: planned at the estimate, judged at it too.
          for (const f of suite.slice(0, Math.max(1, suite.length - untimed))) {
            const tests = f.tests?.map((ms, i) => ({
              name: `t${i}`,
              durationMs: ms,
              status: 'passed' as const,
            }));
            const sum = tests?.reduce((s, t) => s + t.durationMs, 0) ?? 0;
            files.set(f.name, {
              durationMs: tests ? sum + f.setupMs : f.ms,
              samples: 1,
              ...(tests ? { tests, setupMs: f.setupMs } : {}),
            });
          }
          const store: TimingStore = {
            version: 1,
            files,
            ...(model ? { models: new Map([['jest', model]]) } : {}),
          };
          const { plan } = planRun({
            files: suite.map((f) => f.name),
            shardCount: k,
            store: { state: 'loaded', store },
            split,
          });
          const durationOf = (f: string) => files.get(f)?.durationMs ?? plan.unknownEstimateMs;
          const c = compareSplits(plan, durationOf);
          const ms = Object.fromEntries(c.rows.map((r) => [r.split, r.makespanMs]));
          for (const row of c.rows) expect(c.lowerBoundMs).toBeLessThanOrEqual(row.makespanMs);
          expect(ms.shardwise).toBe(predictedSpan(plan).makespanMs);
          expect(ms.shardwise).toBeLessThanOrEqual(ms['plain LPT']!);
          expect(ms.shardwise).toBeLessThanOrEqual(ms['jest --shard']!);
          expect(ms.shardwise).toBeLessThanOrEqual(ms['vitest --shard']!);
          expect(c.files).toEqual(suite.map((f) => f.name).sort());
        },
      ),
      { numRuns: 100 },
    );
  });
});
