import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, partition, planLpt } from '../src/public/index.js';

/** The true optimum by exhaustive search (shard symmetry broken: file i goes to a shard ≤ i's count so far). */
function optimum(t: readonly number[], k: number): number {
  const load = new Array<number>(k).fill(0);
  let best = Infinity;
  const go = (i: number, used: number): void => {
    const current = Math.max(0, ...load);
    if (current >= best) return;
    if (i === t.length) {
      best = current;
      return;
    }
    for (let s = 0; s < Math.min(k, used + 1); s++) {
      load[s]! += t[i]!;
      go(i + 1, Math.max(used, s + 1));
      load[s]! -= t[i]!;
    }
  };
  go(0, 0);
  return t.length === 0 ? 0 : best;
}

function bound(t: readonly number[], k: number): number {
  const desc = Float64Array.from(t).sort().reverse();
  const prefix = new Float64Array(desc.length + 1);
  desc.forEach((x, i) => (prefix[i + 1] = prefix[i]! + x));
  return lowerBound(desc, prefix, k);
}

const tiny = fc.tuple(
  fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 8 }),
  fc.integer({ min: 1, max: 4 }),
);

describe('lowerBound', () => {
  it('never exceeds the true optimum (exhaustive search on tiny instances)', () => {
    fc.assert(
      fc.property(tiny, ([t, k]) => {
        expect(bound(t, k)).toBeLessThanOrEqual(optimum(t, k));
      }),
      { numRuns: 400 },
    );
  });

  it('is at least the classic bounds of the issue', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (t, k) => {
          const desc = [...t].sort((a, b) => b - a);
          const total = t.reduce((a, b) => a + b, 0);
          const lb = bound(t, k);
          expect(lb).toBeGreaterThanOrEqual(Math.ceil(total / k));
          expect(lb).toBeGreaterThanOrEqual(desc[0] ?? 0);
          if (desc.length > k) expect(lb).toBeGreaterThanOrEqual(desc[k - 1]! + desc[k]!);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    { name: 'empty', t: [], k: 3, lb: 0 },
    { name: 'average', t: [5, 5, 5, 5], k: 2, lb: 10 },
    { name: 'rounded up', t: [1, 1, 1], k: 2, lb: 2 },
    { name: 'largest file', t: [100, 1, 1], k: 2, lb: 100 },
    { name: 'pigeonhole t_k + t_(k+1)', t: [10, 10, 10], k: 2, lb: 20 },
    { name: 'pigeonhole, j = 2', t: [6, 6, 6, 6, 6], k: 2, lb: 18 },
    { name: 'all zero', t: [0, 0, 0], k: 2, lb: 0 },
  ])('$name', ({ t, k, lb }) => {
    expect(bound(t, k)).toBe(lb);
  });
});

describe('partition on tiny instances', () => {
  it('is a valid plan within the LPT guarantee (4/3 − 1/(3k)) of the optimum', () => {
    fc.assert(
      fc.property(tiny, ([t, k]) => {
        const files = t.map((_, i) => `f${i}.test.ts`);
        const durations = new Map(files.map((f, i) => [f, t[i]!]));
        const p = partition(files, { shardCount: k, durations });
        const opt = optimum(t, k);
        expect(p.lowerBoundMs).toBeLessThanOrEqual(opt);
        expect(p.makespanMs).toBeGreaterThanOrEqual(opt);
        expect(p.makespanMs).toBeLessThanOrEqual((4 / 3 - 1 / (3 * k)) * opt + 1e-9);
        expect(p.makespanMs).toBeLessThanOrEqual(planLpt(files, (f) => durations.get(f)!, k).makespanMs);
      }),
      { numRuns: 300 },
    );
  });
});
