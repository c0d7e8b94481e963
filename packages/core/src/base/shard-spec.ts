import { ShardwiseError } from './errors.js';

/** One shard of N, 1-based as in `jest --shard`, `vitest --shard` and `playwright --shard`. */
export interface ShardSpec {
  /** 1-based index, 1 ≤ index ≤ count. */
  index: number;
  /** Number of shards, ≥ 1. */
  count: number;
}

const INTEGER = /^\d+$/;

/**
 * Parses `I/N` (1-based). `source` names where the text came from in the error, e.g. `--shard` or
 * `SHARDWISE_SHARD`.
 *
 * @example
 * parseShardSpec('2/4') // { index: 2, count: 4 }
 */
export function parseShardSpec(text: string, source = '--shard'): ShardSpec {
  const parts = text.trim().split('/');
  const [i, n] = parts;
  if (parts.length !== 2 || !INTEGER.test(i ?? '') || !INTEGER.test(n ?? '')) {
    throw new ShardwiseError(
      'INVALID_SHARD',
      `${source}: expected I/N with whole numbers and 1 ≤ I ≤ N (e.g. 2/4), got "${text}"`,
    );
  }
  return makeShardSpec(Number(i), Number(n), source, text);
}

/** Validates an index and a count (1-based) and returns the spec. */
export function makeShardSpec(
  index: number,
  count: number,
  source = '--shard',
  text = `${index}/${count}`,
): ShardSpec {
  // A count past 2^53 - 1 (Number.MAX_SAFE_INTEGER) is too large to count exactly, not too small.
  if (Number.isInteger(count) && count > Number.MAX_SAFE_INTEGER) {
    throw new ShardwiseError(
      'INVALID_SHARD',
      `${source} ${text}: the shard count is too large (at most ${Number.MAX_SAFE_INTEGER})`,
    );
  }
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ShardwiseError('INVALID_SHARD', `${source} ${text}: the shard count must be at least 1`);
  }
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new ShardwiseError('INVALID_SHARD', `${source} ${text}: index must be between 1 and ${count}`);
  }
  return { index, count };
}
