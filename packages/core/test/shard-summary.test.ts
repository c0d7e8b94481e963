import { describe, expect, it } from 'vitest';
import {
  checkCoverage,
  explainSlowest,
  summarizeShards,
  type JobPace,
  type ReportedFile,
  type RunReport,
} from '../src/public/index.js';

/** A file of the slowest job: its name and time, and for a piece of a split file which piece it is. */
type JobFile = { file: string; ms: number; piece?: number; of?: number };

/**
 * Two shard jobs as the plugins report them, on one worker each: shard 1 runs `files` one after the other
 * after `startupMs`, its plan predicted `predictedMs`; shard 2 runs one small file (and the other pieces
 * of a split file), as predicted. The rows and the reason, as `shard merge` computes them.
 */
function slowestOf(files: JobFile[], startupMs: number, predictedMs: number, machine: JobPace[] = []) {
  const split = files.filter((f) => f.piece !== undefined);
  const whole = files.filter((f) => f.piece === undefined).map((f) => f.file);
  const rest: JobFile[] = [
    { file: 'small.test.ts', ms: 100 },
    ...split.map((p) => ({ file: p.file, ms: 50, piece: p.of, of: p.of })),
  ];
  const wallOf = (list: JobFile[]) => startupMs + list.reduce((sum, f) => sum + f.ms, 0);
  const plan: NonNullable<RunReport['plan']> = {
    fingerprint: 'fp',
    shardCount: 2,
    shards: [whole, ['small.test.ts']],
    estimatedMs: [predictedMs - startupMs, 100],
    wallMs: [predictedMs, wallOf(rest)],
    wall: { startupMs, workerStartupMs: 0, workers: 1 },
    ...(split.length > 0
      ? {
          pieces: split.flatMap((p) => [
            { shard: 1, file: p.file, piece: p.piece!, of: p.of!, tests: [`t${p.piece}`] },
            { shard: 2, file: p.file, piece: p.of!, of: p.of!, tests: [`t${p.of}`] },
          ]),
        }
      : {}),
  };
  const job = (index: number, list: JobFile[]): RunReport => {
    let at = startupMs;
    const reported = list.map((f): ReportedFile => {
      const entry: ReportedFile = {
        file: f.file,
        durationMs: f.ms,
        status: 'passed',
        startMs: at,
        endMs: at + f.ms,
        worker: 1,
        ...(f.piece === undefined ? {} : { piece: f.piece, of: f.of! }),
      };
      at += f.ms;
      return entry;
    });
    return {
      format: 'shardwise-report',
      version: 1,
      runner: 'jest',
      shard: { index, count: 2 },
      plan,
      job: { wallMs: at, workers: 1 },
      files: reported,
    };
  };
  const reports = [job(1, files), job(2, rest)];
  // The store knew every file (so no file was planned by estimate).
  const known = new Map([...files, ...rest].map((f) => [f.file, { durationMs: f.ms, samples: 1 }]));
  const rows = summarizeShards(checkCoverage(reports), reports, { version: 1, files: known });
  return { rows, slowest: explainSlowest(rows, reports, machine) };
}

const twelve = Array.from({ length: 12 }, (_, i) => ({ file: `f${i}.test.ts`, ms: 900 }));

describe('explainSlowest: the reason follows from the row the table shows', () => {
  it.each([
    {
      name: 'a piece of a split file that took most of the job is not "one big file"',
      files: [{ file: 'big.test.ts', ms: 9000, piece: 1, of: 2 }],
      startupMs: 500,
      predictedMs: 9500,
      reason: 'balanced',
    },
    {
      name: 'a 50 s file in a 61 s job of 13 files predicted at 100 s: the over-prediction',
      files: [{ file: 'big.test.ts', ms: 50_000 }, ...twelve],
      startupMs: 500,
      predictedMs: 100_000,
      reason: 'over-predicted',
    },
    {
      name: 'the same job as predicted: its other files took 11 s beside the big one, so a plan could finish sooner',
      files: [{ file: 'big.test.ts', ms: 50_000 }, ...twelve],
      startupMs: 500,
      predictedMs: 61_300,
      reason: 'balanced',
    },
    {
      name: 'a job 45% under its prediction is not "as planned"',
      files: Array.from({ length: 5 }, (_, i) => ({ file: `g${i}.test.ts`, ms: 2000 })),
      startupMs: 500,
      predictedMs: 19_100,
      reason: 'over-predicted',
    },
    {
      name: 'one whole file that is nearly all of the job, as predicted: the floor',
      files: [
        { file: 'big.test.ts', ms: 20_000 },
        { file: 'a.test.ts', ms: 500 },
        { file: 'b.test.ts', ms: 500 },
      ],
      startupMs: 500,
      predictedMs: 21_000,
      reason: 'big-file',
    },
    {
      name: 'start-up most of a job that ran as predicted',
      files: Array.from({ length: 4 }, (_, i) => ({ file: `s${i}.test.ts`, ms: 500 })),
      startupMs: 5000,
      predictedMs: 7000,
      reason: 'startup',
    },
    {
      name: '40% over its prediction with nothing to name',
      files: Array.from({ length: 4 }, (_, i) => ({ file: `n${i}.test.ts`, ms: 3500 })),
      startupMs: 500,
      predictedMs: 10_357,
      reason: 'noise',
    },
  ])('$name', ({ files, startupMs, predictedMs, reason }) => {
    const { rows, slowest } = slowestOf(files, startupMs, predictedMs);
    const row = rows[0]!;
    expect(slowest).toMatchObject({ index: 1, reason, wallMs: row.wallMs });
    // The reason's figures are the row's: the same error, and a miss beyond 25% is named as one.
    expect(slowest!.error).toBe(row.error);
    expect(row.error).toBeCloseTo((row.wallMs! - row.predictedMs) / row.predictedMs, 12);
    const missed = Math.abs(row.error!) > 0.25;
    expect(missed).toBe(['over-predicted', 'noise', 'estimate'].includes(reason));
  });

  it('40% over its prediction on a machine that ran every file 1.4× slower: the machine', () => {
    const files = Array.from({ length: 4 }, (_, i) => ({ file: `n${i}.test.ts`, ms: 3500 }));
    const pace: JobPace = {
      shard: 1,
      runner: 'jest',
      factor: 1.4,
      relative: 1.4,
      files: 4,
      similar: 4,
      machine: true,
    };
    expect(slowestOf(files, 500, 10_357, [pace]).slowest).toMatchObject({ reason: 'machine', factor: 1.4 });
    // Another shard's machine says nothing about this one.
    expect(slowestOf(files, 500, 10_357, [{ ...pace, shard: 2 }]).slowest).toMatchObject({ reason: 'noise' });
  });

  it('a big file names the file and its time; an over-prediction how far under the job was', () => {
    const floor = slowestOf(
      [
        { file: 'big.test.ts', ms: 20_000 },
        { file: 'a.test.ts', ms: 500 },
      ],
      500,
      21_000,
    ).slowest;
    expect(floor).toMatchObject({ reason: 'big-file', file: 'big.test.ts', ms: 20_000 });
    const under = slowestOf([{ file: 'a.test.ts', ms: 5000 }], 500, 10_000).slowest;
    expect(under).toMatchObject({ reason: 'over-predicted', ms: 4500, error: -0.45 });
  });
});
