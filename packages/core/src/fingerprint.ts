import { createHash } from 'node:crypto';

/**
 * Hashes the normalized inputs of a plan. `keys` must be in a canonical order (the partitioner uses its
 * global order: duration descending, then path by code units); `known[i]` is the recorded
 * duration of `keys[i]`, or -1 when unknown (the estimate follows from the rest, so it is not hashed).
 */
export function planFingerprint(
  parts: readonly string[],
  keys: readonly string[],
  known: ArrayLike<number>,
): string {
  const hash = createHash('sha256');
  hash.update(parts.join('\n') + '\n');
  // Batched updates of joined keys and raw duration bytes: one update per file, or a string per duration,
  // would dominate the cost at a million files. NUL cannot occur in a path, so the joined text is
  // unambiguous; the count is hashed too.
  hash.update(`files=${keys.length}\n`);
  const BATCH = 8192;
  const bytes = new Float64Array(Math.min(BATCH, keys.length));
  for (let at = 0; at < keys.length; at += BATCH) {
    const end = Math.min(keys.length, at + BATCH);
    hash.update(keys.slice(at, end).join('\0') + '\0');
    for (let i = at; i < end; i++) bytes[i - at] = known[i]!;
    const view = new Uint8Array(bytes.buffer, 0, (end - at) * 8);
    hash.update(LITTLE_ENDIAN ? view : swapBytes(view));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Durations are hashed as IEEE-754 little-endian bytes, on every platform. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function swapBytes(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.length);
  for (let i = 0; i < view.length; i += 8) for (let b = 0; b < 8; b++) out[i + b] = view[i + 7 - b]!;
  return out;
}
