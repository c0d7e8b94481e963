import { describe, expect, it } from 'vitest';
import {
  fileCostOf,
  fixedCostMs,
  mergeReports,
  type ReportedFile,
  type RunReport,
  type TimingStore,
} from '../src/public/index.js';

/**
 * A split file's fixed cost over three merges, as on a real suite: a 115 s file with 8 s of import first
 * runs whole, then as 3 pieces twice while its tests get faster (the seed run was on a loaded machine).
 * Beside it, a test-bound file (0.2 s of setup) speeds up the same way. The store's duration is smoothed;
 * the fixed cost must stay what the runs measured, never the smoothed time less the latest tests.
 */
const PIPELINES = [
  { name: 'seed run, whole', pieces: 1, bigTestMs: 10_700, smallTestMs: 2000 },
  { name: 'split into 3 pieces, faster tests', pieces: 3, bigTestMs: 7000, smallTestMs: 1000 },
  { name: 'split into 3 pieces, faster still', pieces: 3, bigTestMs: 5000, smallTestMs: 500 },
];
const BIG_SETUP = 8000;
const SMALL_SETUP = 200;

/** A file's entry (or one piece of it): ten tests, `setupMs` measured by the runner. */
function entry(
  file: string,
  setupMs: number,
  testMs: number,
  tests: number[],
  piece?: { n: number; of: number },
): ReportedFile {
  return {
    file,
    durationMs: setupMs + testMs * tests.length,
    setupMs,
    status: 'passed',
    tests: tests.map((i) => ({ name: `t${i}`, durationMs: testMs, status: 'passed' })),
    ...(piece ? { piece: piece.n, of: piece.of } : {}),
  };
}

function reportsOf(p: (typeof PIPELINES)[number], day: number): RunReport[] {
  const all = Array.from({ length: 10 }, (_, i) => i);
  return Array.from({ length: p.pieces }, (_, s) => ({
    format: 'shardwise-report',
    version: 1,
    runner: 'vitest',
    createdAt: `2026-12-0${day}T10:00:00.000Z`,
    ...(p.pieces > 1 ? { shard: { index: s + 1, count: p.pieces } } : {}),
    files: [
      entry(
        'big.test.ts',
        BIG_SETUP,
        p.bigTestMs,
        all.filter((i) => i % p.pieces === s),
        p.pieces > 1 ? { n: s + 1, of: p.pieces } : undefined,
      ),
      ...(s === 0 ? [entry('small.test.ts', SMALL_SETUP, p.smallTestMs, all)] : []),
    ],
  }));
}

describe("a split file's fixed cost", () => {
  let store: TimingStore | undefined;
  it.each(PIPELINES.map((p, i) => ({ ...p, day: i + 1 })))(
    'merge $day ($name): the fixed cost is what the runs measured',
    (p) => {
      store = mergeReports(store, reportsOf(p, p.day)).store;
      const big = store.files.get('big.test.ts')!;
      const small = store.files.get('small.test.ts')!;
      expect(fixedCostMs(big)).toBe(BIG_SETUP);
      expect(fileCostOf(big)?.fixedMs).toBe(BIG_SETUP);
      // The test-bound file stays splittable: its fixed cost is its setup, not the lag of its smoothing.
      expect(fileCostOf(small)?.fixedMs).toBe(SMALL_SETUP);
    },
  );

  it.each([
    {
      name: 'its own setup figure',
      file: { durationMs: 1000, setupMs: 150, tests: [{ durationMs: 300 }] },
      ms: 150,
    },
    {
      name: 'else its time beyond its tests',
      file: { durationMs: 1000, tests: [{ durationMs: 300 }] },
      ms: 700,
    },
    { name: 'never below 0', file: { durationMs: 100, tests: [{ durationMs: 300 }] }, ms: 0 },
  ])('fixedCostMs: $name', ({ file, ms }) => {
    expect(fixedCostMs(file)).toBe(ms);
  });
});
