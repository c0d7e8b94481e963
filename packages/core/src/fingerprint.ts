import { createHash } from 'node:crypto';

/**
 * Hashes the normalized inputs of a plan. `keys` must be sorted by code units; `known[i]` is the recorded
 * duration of `keys[i]`, or -1 when unknown (the estimate follows from the rest, so it is not hashed).
 */
export function planFingerprint(
  parts: readonly string[],
  keys: readonly string[],
  known: ArrayLike<number>,
): string {
  const hash = createHash('sha256');
  hash.update(parts.join('\n') + '\n');
  // Batched updates: one update call per file would dominate the cost at a million files.
  let chunk = '';
  for (let i = 0; i < keys.length; i++) {
    chunk += keys[i] + '\t' + (known[i]! < 0 ? '?' : String(known[i])) + '\n';
    if (chunk.length > 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
  return hash.digest('hex').slice(0, 16);
}
