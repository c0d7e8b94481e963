// @internal: not exported from the package entry (index.ts); its shape may change in any release.
/**
 * mulberry32: a tiny seeded 32-bit PRNG. Integer arithmetic only, so every machine draws the same sequence.
 * Returns a function giving integers in [0, bound).
 */
export function seededRandom(seed: number): (bound: number) => number {
  let a = seed >>> 0;
  return (bound: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = (t ^ (t >>> 14)) >>> 0;
    return u % bound;
  };
}
