// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { createHash } from 'node:crypto';

/**
 * The fingerprint of a plan: a SHA-256 of the algorithm's parameters and of every file with its recorded
 * duration (`?` when unknown), 16 hex digits. `keys` come in the partitioner's global order (duration
 * descending, then path by code units), which depends only on the set of inputs, never on their order,
 * so no separate sort is needed. The text is hashed in large chunks: one native call per file would cost
 * more than the whole plan at a million files.
 */
export function planFingerprint(
  keys: readonly string[],
  known: ArrayLike<number>,
  parts: readonly string[],
): string {
  const hash = createHash('sha256');
  hash.update(`${parts.join('\n')}\nfiles=${keys.length}\n`);
  let chunk = '';
  // Keys come longest first, so equal durations are adjacent: format each duration once per run of them
  // (number-to-string conversion of a double costs more than the concatenation).
  let last = NaN;
  let suffix = '';
  for (let i = 0; i < keys.length; i++) {
    const d = known[i]!;
    if (d !== last) {
      last = d;
      suffix = d < 0 ? '\t?\n' : `\t${d}\n`;
    }
    chunk += keys[i] + suffix;
    if (chunk.length > 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
  return hash.digest('hex').slice(0, 16);
}
