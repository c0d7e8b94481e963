import { createHash } from 'node:crypto';
import { compareCodeUnits } from './paths.js';

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
