import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jobPaces,
  mergeReports,
  type FileTiming,
  type ReportedFile,
  type RunReport,
  type TimingStore,
} from '../src/public/index.js';

function store(entries: Record<string, number>): TimingStore {
  const files = new Map<string, FileTiming>();
  for (const [file, durationMs] of Object.entries(entries)) files.set(file, { durationMs, samples: 3 });
  return { version: 1, files };
}

/** A shard job that ran each stored file of `files` at `factors[i]` (one factor for all when a number). */
function job(
  index: number,
  files: Record<string, number>,
  factors: number | number[],
  extra: ReportedFile[] = [],
): RunReport {
  const entries = Object.entries(files).map(([file, ms], i): ReportedFile => ({
    file,
    durationMs: Math.round(ms * (typeof factors === 'number' ? factors : factors[i]!)),
    status: 'passed',
  }));
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    shard: { index, count: 3 },
    files: [...entries, ...extra],
  };
}

const A = { 'a1.test.ts': 4000, 'a2.test.ts': 2000, 'a3.test.ts': 1000, 'a4.test.ts': 800 };
const B = { 'b1.test.ts': 3000, 'b2.test.ts': 2500, 'b3.test.ts': 1200, 'b4.test.ts': 900 };
const C = { 'c1.test.ts': 5000, 'c2.test.ts': 1500, 'c3.test.ts': 700, 'c4.test.ts': 600 };
const BASE = store({ ...A, ...B, ...C });

describe('jobPaces: a job slow on every file is the machine', () => {
  it.each([
    {
      name: 'one job of three 1.4× slower on every file',
      jobs: [job(1, A, 1), job(2, B, 1.4), job(3, C, 1)],
      machine: [2],
      relative: 1.4,
    },
    {
      name: 'one job of three 1.4× faster on every file',
      jobs: [job(1, A, 1), job(2, B, 1 / 1.4), job(3, C, 1)],
      machine: [2],
      relative: 1 / 1.4,
    },
    {
      name: 'every job 0.8× (the store was learned on a slow day): learned as it ran',
      jobs: [job(1, A, 0.8), job(2, B, 0.8), job(3, C, 0.8)],
      machine: [],
    },
    {
      name: 'one job 1.1× slower: within the usual',
      jobs: [job(1, A, 1), job(2, B, 1.1), job(3, C, 1)],
      machine: [],
    },
    {
      name: 'two of its four files doubled: the files changed, not the machine',
      jobs: [job(1, A, 1), job(2, B, [2, 2, 1, 1]), job(3, C, 1)],
      machine: [],
    },
    {
      name: 'three of its four files 1.5× and one 1.6×: still one pace',
      jobs: [job(1, A, 1), job(2, B, [1.5, 1.5, 1.5, 1.6]), job(3, C, 1)],
      machine: [2],
      relative: 1.5,
    },
    {
      name: 'a lone job 1.5× slower: the store and the job count once each',
      jobs: [job(2, B, 1.5)],
      machine: [2],
      relative: 1.2,
    },
    {
      name: 'a lone job 1.25× slower: halfway is within the usual',
      jobs: [job(2, B, 1.25)],
      machine: [],
    },
  ])('$name', ({ jobs, machine, relative }) => {
    const paces = jobPaces(BASE, jobs);
    const found = [...paces.values()].filter((p) => p.machine);
    expect(found.map((p) => p.shard)).toEqual(machine);
    if (relative !== undefined) expect(found[0]!.relative).toBeCloseTo(relative, 3);
  });

  it.each([
    {
      name: 'fewer than three known files',
      report: job(2, { 'b1.test.ts': 3000, 'b2.test.ts': 2500 }, 2),
    },
    {
      name: 'files stored under 100 ms',
      report: job(2, { 's1.test.ts': 50, 's2.test.ts': 60, 's3.test.ts': 70 }, 2),
      base: store({ 's1.test.ts': 50, 's2.test.ts': 60, 's3.test.ts': 70 }),
    },
    {
      name: 'files the store does not know',
      report: job(2, { 'n1.test.ts': 3000, 'n2.test.ts': 3000, 'n3.test.ts': 3000 }, 2),
    },
  ])('no pace from $name', ({ report, base }) => {
    expect(jobPaces(base ?? BASE, [report]).size).toBe(0);
  });

  it('a merge learns a slow job at the run’s pace, tests included, and says which job it was', () => {
    const tests = [{ name: 't', durationMs: 1400, status: 'passed' as const }];
    const slow = job(2, B, 1.4);
    slow.files[0] = { ...slow.files[0]!, tests };
    const result = mergeReports(BASE, [job(1, A, 1), slow, job(3, C, 1)]);
    expect(result.machineJobs.map((p) => p.shard)).toEqual([2]);
    for (const [file, ms] of Object.entries(B)) {
      expect(result.store.files.get(file)).toMatchObject({ durationMs: ms, recentMs: [ms] });
    }
    expect(result.store.files.get('b1.test.ts')!.tests).toEqual([{ ...tests[0], durationMs: 1000 }]);
  });
});

describe('property: one job slowed uniformly barely moves the store', () => {
  const durations = fc.array(fc.integer({ min: 200, max: 20_000 }), { minLength: 3, maxLength: 6 });
  // Within 3%, so the job's own pace is within 6% of the others' and the bound holds for any smoothing weight.
  const noise = fc.double({ min: 0.97, max: 1.03, noNaN: true });

  it('a job s× slower on every file moves no stored duration by more than 5% (+1 ms) over the same run without it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(durations, fc.array(noise, { minLength: 6, maxLength: 6 })), {
          minLength: 2,
          maxLength: 4,
        }),
        fc.nat(),
        fc.double({ min: 1.3, max: 3, noNaN: true }),
        (jobs, pick, s) => {
          const slowJob = pick % jobs.length;
          const files = jobs.map(([ds]) => ds);
          const entries: Record<string, number> = {};
          files.forEach((ds, j) => ds.forEach((ms, i) => (entries[`j${j}/f${i}.test.ts`] = ms)));
          const base = store(entries);
          const run = (slowBy: number) =>
            jobs.map(([ds, ns], j) =>
              job(
                j + 1,
                Object.fromEntries(ds.map((ms, i) => [`j${j}/f${i}.test.ts`, ms])),
                ds.map((_, i) => ns[i]! * (j === slowJob ? slowBy : 1)),
              ),
            );
          const plain = mergeReports(base, run(1)).store;
          const slowed = mergeReports(base, run(s)).store;
          for (const [file, entry] of plain.files) {
            const moved = Math.abs(slowed.files.get(file)!.durationMs - entry.durationMs);
            expect(moved).toBeLessThanOrEqual(0.05 * entry.durationMs + 1);
          }
        },
      ),
    );
  });
});
