import { describe, expect, it } from 'vitest';
import {
  checkCoverage,
  describeShard,
  parsePlan,
  planJson,
  planRun,
  predictionSpreadMs,
  reportPlanOf,
  summarizeShards,
  type FileTiming,
  type RunReport,
  type SpreadPart,
} from '../src/public/index.js';

const entry = (recentMs?: number[]): FileTiming => ({
  durationMs: 1000,
  samples: recentMs?.length ?? 1,
  ...(recentMs ? { recentMs } : {}),
});

describe('predictionSpreadMs: the ± of a prediction, from the files’ recent measurements', () => {
  it.each<{ name: string; parts: SpreadPart[]; workers?: number; spreadMs: number }>([
    { name: 'no parts', parts: [], spreadMs: 0 },
    { name: 'a file of an older store (no measurements kept)', parts: [{ entry: entry() }], spreadMs: 0 },
    { name: 'an untimed file', parts: [{ entry: undefined }], spreadMs: 0 },
    { name: 'one measurement', parts: [{ entry: entry([1000]) }], spreadMs: 0 },
    { name: 'steady measurements', parts: [{ entry: entry([1000, 1000, 1000]) }], spreadMs: 0 },
    { name: '90, 100, 110', parts: [{ entry: entry([90, 100, 110]) }], spreadMs: 10 },
    {
      name: 'two files of ±10 vary independently',
      parts: [{ entry: entry([90, 100, 110]) }, { entry: entry([190, 200, 210]) }],
      spreadMs: 14,
    },
    {
      name: 'the same two files on two workers: one worker’s share decides the wall',
      parts: [{ entry: entry([90, 100, 110]) }, { entry: entry([190, 200, 210]) }],
      workers: 2,
      spreadMs: 10,
    },
    {
      name: 'more workers than files count as many as the files',
      parts: [{ entry: entry([90, 100, 110]) }],
      workers: 4,
      spreadMs: 10,
    },
    { name: 'a piece of half the file', parts: [{ entry: entry([80, 100, 120]), share: 0.5 }], spreadMs: 10 },
  ])('$name → ±$spreadMs ms', ({ parts, workers, spreadMs }) => {
    expect(predictionSpreadMs(parts, workers)).toBe(spreadMs);
  });
});

describe('the spread from plan to merge', () => {
  const files = new Map<string, FileTiming>([
    ['a.test.ts', { durationMs: 4000, samples: 3, recentMs: [3600, 4000, 4400] }],
    ['b.test.ts', { durationMs: 3000, samples: 3, recentMs: [3000, 3000, 3000] }],
    ['c.test.ts', { durationMs: 2000, samples: 1 }],
  ]);
  const run = planRun({
    files: [...files.keys()],
    shard: { index: 1, count: 2 },
    store: { state: 'loaded', store: { version: 1, files } },
  });

  it('each shard of a plan carries it, and the shard line shows it', () => {
    const [first, second] = run.plan.shards;
    expect(first).toMatchObject({ files: ['a.test.ts'], spreadMs: 400 });
    // Its files kept no two differing measurements: no spread, and none shown.
    expect(second!.spreadMs).toBeUndefined();
    expect(describeShard(run)).toMatch(/^shard 1\/2: 1 of 3 file\(s\), ~4\.0 s ± 0\.4 s of ~9\.0 s in total/);
  });

  it('a pinned plan keeps it, and the merge shows the spread the job ran under', () => {
    const pinned = parsePlan(planJson(run.plan), 'plan.json');
    const again = planRun({
      files: [...files.keys()],
      shard: { index: 1, count: 2 },
      store: { state: 'loaded', store: { version: 1, files } },
      pinned: { plan: pinned, source: 'plan.json' },
    });
    expect(again.plan.shards.map((s) => s.spreadMs)).toEqual([400, undefined]);
    const report: RunReport = {
      format: 'shardwise-report',
      version: 1,
      runner: 'jest',
      shard: { index: 1, count: 2 },
      plan: reportPlanOf(again.plan, false),
      files: [{ file: 'a.test.ts', durationMs: 4100, status: 'passed' }],
    };
    expect(report.plan!.spreadMs).toEqual([400, 0]);
    const rows = summarizeShards(checkCoverage([report]), [report], undefined);
    expect(rows.map((r) => r.spreadMs)).toEqual([400, 0]);
  });
});
