import { describe, expect, it } from 'vitest';
import { mergeReports, planRun, type RunReport, type WallModel } from '../src/public/index.js';

/**
 * One file of 30 tests × 100 ms (a cheap import) beside six 150 ms files, on 3 shards: cut in 3 pieces,
 * every shard runs about 1,300 ms of tests; cut in 2, two shards run 1,500 ms and the third 900 ms. The
 * store is learned from a whole run, as `shard merge` writes it.
 */
function storeOfOneRun(model: WallModel) {
  const report: RunReport = {
    format: 'shardwise-report',
    version: 1,
    runner: 'vitest',
    createdAt: '2026-12-07T10:00:00.000Z',
    files: [
      {
        file: 'big.test.ts',
        durationMs: 10 + 30 * 100,
        setupMs: 10,
        status: 'passed',
        tests: Array.from({ length: 30 }, (_, i) => ({
          name: `case ${i}`,
          durationMs: 100,
          status: 'passed',
        })),
      },
      ...Array.from({ length: 6 }, (_, i) => ({
        file: `small-${i}.test.ts`,
        durationMs: 150,
        status: 'passed' as const,
      })),
    ],
  };
  const store = mergeReports(undefined, [report]).store;
  store.models = new Map([['vitest', model]]);
  return store;
}

describe('a test-level split reaches the bound its Floor line computes', () => {
  it.each([
    { name: 'no gap between files', fileGapMs: 0 },
    { name: 'an 80 ms gap between files', fileGapMs: 80 },
    { name: 'a 95 ms gap between files', fileGapMs: 95 },
  ])('$name: 3 pieces, one a shard, balanced', ({ fileGapMs }) => {
    const store = storeOfOneRun({ startupMs: 500, workerStartupMs: 100, workers: 1, fileGapMs });
    const { plan } = planRun({
      files: [...store.files.keys()],
      shardCount: 3,
      store: { state: 'loaded', store },
      split: true,
    });
    expect(plan.split?.files).toEqual([{ file: 'big.test.ts', of: 3 }]);
    // The Floor line's figure is the plan's slowest job, and nothing can do better.
    expect(plan.split!.splitMs).toBe(plan.wall!.makespanMs);
    expect(plan.wall!.makespanMs).toBe(plan.wall!.lowerBoundMs);
    const testsMs = plan.shards.map(
      (s) => (s.pieces ?? []).reduce((sum, p) => sum + p.tests.length * 100, 0) + s.files.length * 150,
    );
    const mean = testsMs.reduce((a, b) => a + b, 0) / testsMs.length;
    expect(Math.max(...testsMs) / mean).toBeLessThan(1.05);
  });
});
