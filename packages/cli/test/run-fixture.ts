/**
 * The reports of one pipeline as the plugins write them, made up but whole: a plan over `jobs` shards with
 * predicted walls and a lower bound, and per job its clock and its files on `workers` workers, one after
 * another with a start-up before the first. Deterministic: file sizes come from the index, so the same
 * arguments give the same reports byte for byte. For the report renderers' tests, from a handful of files
 * to 100,000.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '@shardwise/core';

export interface RunShape {
  jobs: number;
  workers: number;
  files: number;
  /** File (index) that fails one test; another that passes on a retry; a shard that sent no report. */
  failing?: number;
  flaky?: number;
  missingShard?: number;
  /** A split file: its two pieces run on shards 1 and 2. */
  split?: boolean;
}

export const STARTUP_MS = 900;
export const WORKER_STARTUP_MS = 300;

/** The file key of index `i`, in folders of 50. */
export function fileName(i: number): string {
  return `src/area-${String(Math.floor(i / 50)).padStart(4, '0')}/unit-${i}.test.ts`;
}

function durationOf(i: number): number {
  return 40 + ((i * 7919) % 1200) + (i % 97 === 0 ? 4000 : 0);
}

/** The reports of the run, one per job (less the missing shard). */
export function runReports(shape: RunShape): RunReport[] {
  const names = Array.from({ length: shape.files }, (_, i) => fileName(i));
  const planned: string[][] = Array.from({ length: shape.jobs }, () => []);
  names.forEach((f, i) => planned[i % shape.jobs]!.push(f));
  const splitFile = 'src/big/huge.test.ts';
  const pieces = shape.split
    ? [
        { shard: 1, file: splitFile, piece: 1, of: 2, tests: ['huge > a'] },
        { shard: 2, file: splitFile, piece: 2, of: 2, tests: ['huge > b'] },
      ]
    : [];
  const fileIndex = new Map(names.map((f, i) => [f, i]));
  const predicted = planned.map((files, s) => {
    const sum = files.reduce((t, f) => t + durationOf(fileIndex.get(f)!), 0);
    return STARTUP_MS + WORKER_STARTUP_MS + Math.round(sum / shape.workers) + (s === 0 ? 200 : 0);
  });
  const plan = {
    fingerprint: `fixture-${shape.jobs}-${shape.workers}-${shape.files}`,
    shardCount: shape.jobs,
    shards: planned,
    estimatedMs: predicted,
    wallMs: predicted,
    wall: { startupMs: STARTUP_MS, workerStartupMs: WORKER_STARTUP_MS, workers: shape.workers },
    lowerBoundMs: Math.min(...predicted),
    ...(pieces.length > 0 ? { pieces } : {}),
  };
  const reports: RunReport[] = [];
  for (let s = 0; s < shape.jobs; s++) {
    if (shape.missingShard === s + 1) continue;
    const free = Array.from({ length: shape.workers }, () => STARTUP_MS + WORKER_STARTUP_MS);
    const units: { file: string; i: number; piece?: number; of?: number }[] = planned[s]!.map((file) => ({
      file,
      i: fileIndex.get(file)!,
    }));
    for (const p of pieces.filter((p) => p.shard === s + 1))
      units.push({ file: p.file, i: 3 + p.piece, piece: p.piece, of: p.of });
    const files: RunReport['files'] = units.map(({ file, i, piece, of }) => {
      let w = 0;
      for (let x = 1; x < free.length; x++) if (free[x]! < free[w]!) w = x;
      const startMs = free[w]! + (i % 5 === 0 ? 150 : 0);
      const durationMs = durationOf(i);
      free[w] = startMs + durationMs;
      const failed = i === shape.failing;
      const flaky = i === shape.flaky;
      return {
        file,
        durationMs,
        status: failed ? 'failed' : 'passed',
        tests: piece
          ? [{ name: `huge > ${piece === 1 ? 'a' : 'b'}`, durationMs, status: 'passed' }]
          : [
              { name: 'works', durationMs: Math.round(durationMs / 2), status: failed ? 'failed' : 'passed' },
              {
                name: 'retries',
                durationMs: durationMs - Math.round(durationMs / 2),
                status: 'passed',
                ...(flaky ? { flaky: true, attempts: 2 } : {}),
              },
            ],
        ...(piece ? { piece, of } : {}),
        worker: w + 1,
        startMs,
        endMs: startMs + durationMs,
      };
    });
    reports.push({
      format: 'shardwise-report',
      version: 1,
      runner: 'jest',
      createdAt: '2026-12-08T00:00:00.000Z',
      shard: { index: s + 1, count: shape.jobs },
      plan,
      job: { wallMs: Math.max(...free) + 400, workers: shape.workers, startedAt: '2026-12-07T23:59:00.000Z' },
      files,
    });
  }
  return reports;
}

/** Writes the run's reports into `dir`/.shardwise/reports. */
export async function writeRunReports(dir: string, shape: RunShape): Promise<RunReport[]> {
  const reports = runReports(shape);
  const folder = path.join(dir, '.shardwise/reports');
  await fs.mkdir(folder, { recursive: true });
  for (const r of reports)
    await fs.writeFile(
      path.join(folder, `jest-shard-${r.shard!.index}-of-${shape.jobs}.json`),
      JSON.stringify(r),
    );
  return reports;
}
