import { createHash } from 'node:crypto';
import { judgeSplit, predictShardMs } from '../model/judge.js';
import { compareCodeUnits } from '../base/paths.js';
import { predictedSpan, type Plan } from '../formats/plan.js';

/** A plan by a baseline method, for comparison in the benchmark and `shard plan --compare`. */
export interface BaselineSplit {
  shards: string[][];
  loads: number[];
  makespanMs: number;
}

/**
 * What `jest --shard` and `vitest --shard` do: sort by the sha1 of the relative path, then cut into
 * contiguous slices of equal count (the first `n mod k` slices one longer). Timings play no part.
 * Vitest hashes the path with a leading `/` (`runner: 'vitest'`); Jest hashes it as it is.
 */
export function hashSplit(
  files: readonly string[],
  durationOf: (file: string) => number,
  k: number,
  runner: 'jest' | 'vitest' = 'jest',
): BaselineSplit {
  const keyed = files.map((file) => ({
    file,
    hash: createHash('sha1')
      .update(runner === 'vitest' ? `/${file}` : file)
      .digest('hex'),
  }));
  keyed.sort((a, b) => compareCodeUnits(a.hash, b.hash));
  const shards: string[][] = [];
  const base = Math.floor(files.length / k);
  const extra = files.length % k;
  let at = 0;
  for (let s = 0; s < k; s++) {
    const size = base + (s < extra ? 1 : 0);
    shards.push(keyed.slice(at, at + size).map((x) => x.file));
    at += size;
  }
  return withLoads(shards, durationOf);
}

/**
 * Plain longest-processing-time-first: files by duration descending (then path), each to the lightest
 * shard. The partitioner starts here and only improves on it.
 */
export function lpt(
  files: readonly string[],
  durationOf: (file: string) => number,
  k: number,
): BaselineSplit {
  const sorted = [...files].sort((a, b) => durationOf(b) - durationOf(a) || compareCodeUnits(a, b));
  const shards: string[][] = Array.from({ length: k }, () => []);
  const loads = new Array<number>(k).fill(0);
  for (const file of sorted) {
    let lightest = 0;
    for (let s = 1; s < k; s++) if (loads[s]! < loads[lightest]!) lightest = s;
    shards[lightest]!.push(file);
    loads[lightest]! += durationOf(file);
  }
  return { shards, loads, makespanMs: Math.max(0, ...loads) };
}

function withLoads(shards: string[][], durationOf: (file: string) => number): BaselineSplit {
  const loads = shards.map((files) => files.reduce((sum, f) => sum + durationOf(f), 0));
  return { shards, loads, makespanMs: Math.max(0, ...loads) };
}

/** The splits `shard plan --compare` shows, by name. */
export type SplitMethod = 'shardwise' | 'jest --shard' | 'vitest --shard' | 'plain LPT';

/** What {@link compareSplits} found: every split judged by one measure, and the bound under all of them. */
export interface SplitComparison {
  /** Files split (the split files of the plan count once, whole). */
  files: string[];
  /** No split of these files on this many shards is predicted below it: the plan's proven bound. */
  lowerBoundMs: number;
  /** The plan's mean predicted shard, ms (for max/mean). */
  meanMs: number;
  /** The plan first, then the runners' own count splits and plain LPT, each with its slowest shard. */
  rows: { split: SplitMethod; makespanMs: number }[];
}

/**
 * The plan beside the splits it replaces, every one judged by {@link judgeSplit} (the plan's wall model
 * when it has one, else the sums): the plan as it runs (pieces at their predicted time), and the runners'
 * `--shard` and plain LPT over the same whole files and durations. The partitioner holds the latter as
 * candidates, so the plan is never predicted slower than any of them; and the plan's bound is below all.
 *
 * @example
 * const { rows, lowerBoundMs } = compareSplits(plan, (f) => durations.get(f) ?? plan.unknownEstimateMs);
 */
export function compareSplits(plan: Plan, durationOf: (file: string) => number): SplitComparison {
  const model = plan.wall;
  const k = plan.shardCount;
  const split = plan.split?.applied ? plan.split.files.map((f) => f.file) : [];
  const files = [...plan.shards.flatMap((s) => s.files), ...split].sort(compareCodeUnits);
  const ours = plan.shards.map((s) =>
    predictShardMs([...s.files.map(durationOf), ...(s.pieces ?? []).map((p) => p.estimatedMs)], model),
  );
  const judge = (split: BaselineSplit) => judgeSplit(split.shards, durationOf, model).makespanMs;
  // Shards past the files are empty in every split: they are not built (`--shards 100000000`).
  const listed = Math.max(1, Math.min(k, files.length));
  return {
    files,
    lowerBoundMs: predictedSpan(plan).lowerBoundMs,
    meanMs: ours.reduce((sum, ms) => sum + ms, 0) / k,
    rows: [
      { split: 'shardwise', makespanMs: Math.max(0, ...ours) },
      { split: 'jest --shard', makespanMs: judge(hashSplit(files, durationOf, listed, 'jest')) },
      { split: 'vitest --shard', makespanMs: judge(hashSplit(files, durationOf, listed, 'vitest')) },
      { split: 'plain LPT', makespanMs: judge(lpt(files, durationOf, listed)) },
    ],
  };
}
