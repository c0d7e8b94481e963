/**
 * The one measure every split is judged by: the plan, the runners' own `--shard`, plain LPT, a split with
 * pieces. `shard plan`, `--compare`, `--max-shards` and the partitioner itself all read their figures from
 * here, so no figure in one output can contradict another.
 */
import { shardWallMs } from './wall-model.js';
import { type WallModel } from '../formats/records.js';

/**
 * What one shard is predicted to take: with a wall model, its job's wall (start-up, then its units longest
 * first on the model's workers, see {@link shardWallMs}); without one, the sum of its units. `durations`
 * may be in any order.
 *
 * @example
 * predictShardMs([300, 500], { startupMs: 1000, workerStartupMs: 200, workers: 2 }); // 1000 + 200 + 500
 */
export function predictShardMs(durations: ArrayLike<number>, model?: WallModel): number {
  if (!model) {
    let sum = 0;
    for (let i = 0; i < durations.length; i++) sum += durations[i]!;
    return sum;
  }
  let descending = true;
  for (let i = 1; i < durations.length && descending; i++) descending = durations[i - 1]! >= durations[i]!;
  return shardWallMs(descending ? durations : Array.from(durations).sort((a, b) => b - a), model);
}

/** A split's predicted shards and its slowest one, in the measure of {@link predictShardMs}. */
export interface SplitPrediction {
  shardMs: number[];
  makespanMs: number;
}

/**
 * Judges a split of units (files, or pieces) into shards: each shard by {@link predictShardMs}.
 *
 * @example
 * judgeSplit([['a', 'b'], ['c']], (f) => ({ a: 3, b: 2, c: 4 })[f]!).makespanMs; // 5
 */
export function judgeSplit(
  shards: readonly (readonly string[])[],
  durationOf: (unit: string) => number,
  model?: WallModel,
): SplitPrediction {
  const shardMs = shards.map((units) => predictShardMs(units.map(durationOf), model));
  return { shardMs, makespanMs: Math.max(0, ...shardMs) };
}

/**
 * The slowest predicted wall of a split made another way (a runner's own `--shard`, plain LPT), under a
 * wall model: {@link judgeSplit}'s makespan.
 */
export function splitWallMs(
  shards: readonly (readonly string[])[],
  durationOf: (file: string) => number,
  model: WallModel,
): number {
  return judgeSplit(shards, durationOf, model).makespanMs;
}
