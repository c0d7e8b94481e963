/**
 * How sure a prediction is: the spread of a shard's predicted time, from its files' recent measurements
 * (`recentMs` in the store). Every front end shows the one figure this computes ("1m 31s ± 9.0s").
 */
import type { Plan } from '../formats/plan.js';
import type { FileTiming } from '../formats/records.js';

/** One part of a prediction: a whole file (`share` 1), or a piece of one (its share of the file's time). */
export interface SpreadPart {
  entry: FileTiming | undefined;
  /** @default 1 */
  share?: number;
}

/**
 * The spread (±, integer ms) of a prediction made of these parts, run on `workers` workers: each file's
 * standard deviation over its recent measurements (none with fewer than two), scaled by its share, added
 * as independent variations (the root of the summed squares: a slow machine, which moves every file at
 * once, is taken out of the samples by the merge), over the one worker of `workers` whose files decide
 * the wall (about 1/workers of them). 0 when no part has two measurements.
 *
 * @example
 * predictionSpreadMs([{ entry: { durationMs: 100, samples: 3, recentMs: [90, 100, 110] } }]) // 10
 */
export function predictionSpreadMs(parts: Iterable<SpreadPart>, workers = 1): number {
  let variance = 0;
  let count = 0;
  for (const { entry, share = 1 } of parts) {
    count++;
    variance += varianceOf(entry, share);
  }
  return spreadOf(variance, count, workers);
}

/** A part's variance: its file's squared standard deviation, scaled by its share. */
function varianceOf(entry: FileTiming | undefined, share: number): number {
  const values = entry?.recentMs;
  if (!values || values.length < 2) return 0;
  // The sample variance (n − 1).
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return (squares / (values.length - 1)) * share * share;
}

/** The spread of `count` parts of this summed variance on `workers` workers. */
function spreadOf(variance: number, count: number, workers: number): number {
  return Math.round(Math.sqrt(variance / Math.max(1, Math.min(workers, count))));
}

/**
 * Sets each shard's `spreadMs` (see {@link predictionSpreadMs}) from the store the plan was made with: its
 * files, and its pieces at their share of the file's time, on the plan's workers. Shards with no spread
 * get none. One pass, no part objects: a plan of 100,000 files pays one store read per file.
 */
export function addSpreads(plan: Plan, files: ReadonlyMap<string, FileTiming>): void {
  const workers = plan.wall?.workers ?? 1;
  for (const shard of plan.shards) {
    let variance = 0;
    for (const file of shard.files) variance += varianceOf(files.get(file), 1);
    const pieces = shard.pieces ?? [];
    for (const piece of pieces) {
      const entry = files.get(piece.file);
      variance += varianceOf(
        entry,
        entry?.durationMs ? Math.min(1, piece.estimatedMs / entry.durationMs) : 1,
      );
    }
    const spreadMs = spreadOf(variance, shard.files.length + pieces.length, workers);
    if (spreadMs > 0) shard.spreadMs = spreadMs;
  }
}
