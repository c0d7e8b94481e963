import { createHash } from 'node:crypto';

/**
 * An order-independent digest of a set of (file, known duration) pairs: the sum, in two 32-bit lanes, of a
 * well-mixed 64-bit hash of each pair. Being a sum, it can be fed in input order, which at a million files
 * is several times cheaper than hashing them in sorted order (the strings are read sequentially, not at
 * random). It guards against accidental differences between CI jobs, not against an adversary.
 */
export class SetDigest {
  private a = 0;
  private b = 0;
  private count = 0;

  /** Adds a file; `known` is its recorded duration in ms, or -1 when unknown. */
  add(key: string, known: number): void {
    this.update(key, known, 1);
  }

  /** Takes back a file added before (a duplicate, found later). */
  remove(key: string, known: number): void {
    this.update(key, known, -1);
  }

  private update(key: string, known: number, sign: 1 | -1): void {
    // FNV-1a over 32-bit words (two UTF-16 code units each), in two lanes; each step is a bijection of the
    // state, so two paths that differ in a single word never collide. The length settles an odd last unit.
    const length = key.length;
    let h1 = 0x811c9dc5 ^ length;
    let h2 = 0x9747b28c ^ length;
    let i = 0;
    for (; i + 1 < length; i += 2) {
      const w = key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    }
    if (i < length) {
      const w = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    }
    // Durations are safe integers (or -1): hash both 32-bit halves, mixed with the path's hash so that
    // swapping the durations of two files changes the sum.
    const lo = known < 0 ? 0xffffffff : known >>> 0;
    const hi = known < 0 ? 0xffffffff : Math.floor(known / 4294967296);
    h1 = fmix(fmix(h1 ^ Math.imul(lo, 0xcc9e2d51)) ^ Math.imul(hi ^ 0x1b873593, 0x85ebca6b));
    h2 = fmix(fmix(h2 ^ Math.imul(lo ^ 0x3c6ef372, 0x27d4eb2f)) ^ Math.imul(hi, 0x165667b1));
    this.a = (this.a + sign * h1) >>> 0;
    this.b = (this.b + sign * h2) >>> 0;
    this.count += sign;
  }

  /**
   * The fingerprint of a plan: the algorithm's parameters and this set, hashed. 16 hex digits.
   */
  fingerprint(parts: readonly string[]): string {
    return createHash('sha256')
      .update(`${parts.join('\n')}\nfiles=${this.count}\n${this.a.toString(16)}:${this.b.toString(16)}\n`)
      .digest('hex')
      .slice(0, 16);
  }
}

/** MurmurHash3's 32-bit finalizer: every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
