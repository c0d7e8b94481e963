import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSplit, planLpt } from '../src/index.js';

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
