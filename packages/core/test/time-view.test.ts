import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileCostOf } from '../src/model/test-split.js';
import { splitTimeView } from '../src/model/time-view.js';
import {
  mergeReports,
  planRun,
  type FileTiming,
  type TestTiming,
  type TimingStore,
} from '../src/public/index.js';

const tests = (count: number, ms: number): TestTiming[] =>
  Array.from({ length: count }, (_, i) => ({ name: `t${i}`, durationMs: ms, status: 'passed' as const }));

describe('the split sees one view of a file’s time', () => {
  // Twenty-two 1 s files and one of 10 s (thirty 300 ms tests and 1 s of import): on 3 shards no file sets
  // the floor. Then the big file doubles (thirty 633 ms tests): one merge later its smoothed time is 13 s.
  const others = Array.from({ length: 22 }, (_, i) => `o${i}.test.ts`);
  const base: TimingStore = {
    version: 1,
    files: new Map<string, FileTiming>([
      ['big.test.ts', { durationMs: 10_000, samples: 5, recentMs: [10_000, 10_000], tests: tests(30, 300) }],
      ...others.map((f): [string, FileTiming] => [f, { durationMs: 1000, samples: 5 }]),
    ]),
  };
  const plan = (store: TimingStore) =>
    planRun({ files: ['big.test.ts', ...others], shardCount: 3, store: { state: 'loaded', store } });

  it('a file that doubled is offered a split on the first plan after it, not once the smoothing caught up', () => {
    expect(plan(base).plan.split).toBeUndefined();
    const doubled = mergeReports(
      base,
      [
        {
          format: 'shardwise-report',
          version: 1,
          runner: 'vitest',
          files: [{ file: 'big.test.ts', durationMs: 20_000, status: 'passed', tests: tests(30, 633) }],
        },
      ],
      { smoothing: { kind: 'ewma', alpha: 0.3 } },
    ).store;
    expect(doubled.files.get('big.test.ts')).toMatchObject({
      durationMs: 13_000,
      recentMs: [10_000, 10_000, 20_000],
    });
    const split = plan(doubled).plan.split!;
    expect(split.floor).toMatchObject({ file: 'big.test.ts', ms: 13_000, splittable: true });
    expect(split.files.map((f) => f.file)).toEqual(['big.test.ts']);
    expect(split.splitMs).toBeLessThan(split.fileLevelMs);
  });

  it.each<{ name: string; entry: FileTiming; tests: number[] }>([
    {
      name: 'one sample: its tests are that run’s',
      entry: { durationMs: 1000, samples: 1, tests: tests(2, 400) },
      tests: [400, 400],
    },
    {
      name: 'a file that grew: its tests scaled down to the smoothed time',
      entry: { durationMs: 1300, samples: 4, recentMs: [1000, 2000], tests: tests(2, 900) },
      tests: [585, 585],
    },
    {
      name: 'a file that shrank: scaled up',
      entry: { durationMs: 1500, samples: 4, recentMs: [2000, 1000], tests: tests(2, 400) },
      tests: [600, 600],
    },
    {
      name: 'an older store without recent measurements: as it is',
      entry: { durationMs: 1300, samples: 4, tests: tests(2, 900) },
      tests: [900, 900],
    },
  ])('$name', ({ entry, tests: expected }) => {
    expect(splitTimeView(entry)!.tests!.map((t) => t.durationMs)).toEqual(expected);
    expect(splitTimeView(entry)!.durationMs).toBe(entry.durationMs);
  });

  it('property: the fixed cost keeps the latest run’s share of the file, at the file’s smoothed time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 100_000 }),
        fc.integer({ min: 1000, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 20 }),
        (durationMs, latest, testMs) => {
          const sum = testMs.reduce((a, b) => a + b, 0);
          fc.pre(sum <= latest && sum * 2 >= latest);
          const entry: FileTiming = {
            durationMs,
            samples: 3,
            recentMs: [durationMs, latest],
            tests: testMs.map((ms, i) => ({ name: `t${i}`, durationMs: ms, status: 'passed' })),
          };
          const cost = fileCostOf(splitTimeView(entry))!;
          expect(cost.durationMs).toBe(durationMs);
          // Rounding each test moves the fixed cost by at most half a millisecond per test.
          const share = (latest - sum) / latest;
          expect(Math.abs(cost.fixedMs - share * durationMs)).toBeLessThanOrEqual(testMs.length / 2 + 1);
        },
      ),
    );
  });
});
