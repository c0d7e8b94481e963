import type { Estimator } from './estimate.js';
import { partition, type Durations } from './partition.js';
import type { Plan } from './plan.js';

/** Wall time and CI time of the suite for each shard count, and the recommended count. */
export interface Sizing {
  rows: { shards: number; wallMs: number; ciMs: number }[];
  /** The best wall time of any count. */
  bestMs: number;
  /** The smallest count within 10% of the best wall time. */
  recommended: number;
}

/**
 * Sizes the shard count: for 1..`maxShards` shards, the wall time (`overheadMs` + the slowest shard) and
 * the CI time (every job pays `overheadMs`, plus the total), and the smallest count within 10% of the
 * best wall time: past it, shards cost CI minutes and save little. `known` reuses plans already made.
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
    known?: readonly Plan[];
  },
): Sizing {
  const rows: Sizing['rows'] = [];
  for (let n = 1; n <= options.maxShards; n++) {
    const plan =
      options.known?.find((p) => p.shardCount === n) ??
      partition(files, {
        shardCount: n,
        ...(options.durations ? { durations: options.durations } : {}),
        ...(options.estimator ? { estimator: options.estimator } : {}),
      });
    rows.push({
      shards: n,
      wallMs: options.overheadMs + plan.makespanMs,
      ciMs: n * options.overheadMs + plan.totalMs,
    });
  }
  const bestMs = Math.min(...rows.map((r) => r.wallMs));
  const recommended = rows.find((r) => r.wallMs <= bestMs * 1.1)!.shards;
  return { rows, bestMs, recommended };
}
