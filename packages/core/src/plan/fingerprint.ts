// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { createHash } from 'node:crypto';

/**
 * The fingerprint of a plan: a SHA-256 of the algorithm's parameters, of every file and of its recorded
 * duration (a little-endian double, -1 when unknown), 16 hex digits. `keys` come in path order (by code
 * units, each once), which depends only on the set of inputs, never on their order; it is also the order
 * in which the list and the store usually hold them, so the paths are read from memory in sequence.
 */
export function planFingerprint(
  keys: readonly string[],
  known: ArrayLike<number>,
  parts: readonly string[],
): string {
  const hash = createHash('sha256');
  hash.update(`${parts.join('\n')}\nfiles=${keys.length}\n`);
  // The paths in one native join (NUL never occurs in a path), then the durations as raw doubles: no string
  // is built per file, which on a cold first call (`shard files`) cost more than the hashing itself.
  hash.update(keys.join('\0'));
  hash.update('\0');
  hash.update(littleEndianDoubles(known));
  return hash.digest('hex').slice(0, 16);
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** The durations as IEEE 754 doubles, little-endian on every machine (so every machine hashes the same bytes). */
function littleEndianDoubles(known: ArrayLike<number>): Uint8Array {
  if (LITTLE_ENDIAN) {
    const doubles = known instanceof Float64Array ? known : Float64Array.from(known);
    return new Uint8Array(doubles.buffer, doubles.byteOffset, doubles.byteLength);
  }
  const bytes = new Uint8Array(known.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < known.length; i++) view.setFloat64(i * 8, known[i]!, true);
  return bytes;
}
