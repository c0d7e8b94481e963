import type { Estimator } from '../base/estimate.js';
import { partition, type Durations } from './partition.js';
import type { Plan } from '../formats/plan.js';
import type { WallModel } from '../formats/records.js';

/** Wall time and CI time of the suite for each shard count, and the recommended count. */
export interface Sizing {
  rows: { shards: number; wallMs: number; ciMs: number }[];
  /** The best wall time of any count. */
  bestMs: number;
  /** The smallest count within 10% of the best wall time. */
  recommended: number;
}

/**
 * Sizes the shard count: for 1..`maxShards` shards, the wall time (the slowest job's predicted wall) and
 * the CI time (every job's wall), and the smallest count within 10% of the best wall time: past it,
 * shards cost CI minutes and save little. A job's wall is the wall model's (`model`, with `overheadMs` as
 * its start-up), or `overheadMs` plus its files' sum without one. `known` reuses plans already made with
 * the same model.
 *
 * @example
 * sizeShards(files, { durations, maxShards: 8, overheadMs: 30_000 }).recommended
 */
export function sizeShards(
  files: readonly string[],
  options: {
    durations?: Durations;
    estimator?: Estimator;
    maxShards: number;
    overheadMs: number;
    /** The learned wall model; its start-up is replaced by `overheadMs`. */
    model?: WallModel;
    known?: readonly Plan[];
  },
): Sizing {
  const rows: Sizing['rows'] = [];
  const wall: WallModel = options.model
    ? { ...options.model, startupMs: options.overheadMs }
    : { startupMs: options.overheadMs, workerStartupMs: 0, workers: 1 };
  for (let n = 1; n <= options.maxShards; n++) {
    const plan =
      options.known?.find((p) => p.shardCount === n && p.wall?.startupMs === wall.startupMs) ??
      partition(files, {
        shardCount: n,
        wall,
        ...(options.durations ? { durations: options.durations } : {}),
        ...(options.estimator ? { estimator: options.estimator } : {}),
      });
    let ciMs = 0;
    for (const shard of plan.shards) ciMs += shard.wallMs ?? 0;
    // Every one of the n jobs starts, even one with no file to run.
    ciMs += (n - plan.shards.filter((s) => s.files.length > 0).length) * wall.startupMs;
    rows.push({ shards: n, wallMs: plan.wall!.makespanMs, ciMs });
  }
  const bestMs = Math.min(...rows.map((r) => r.wallMs));
  const recommended = rows.find((r) => r.wallMs <= bestMs * 1.1)!.shards;
  return { rows, bestMs, recommended };
}
