// Benchmark inputs: the real per-file timings in ../shared/bench/real/ and seeded synthetic sets.
// Every duration is an integer number of milliseconds, as in a shardwise store.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** CI keeps a copy of shared/ beside the repository. */
export const realDir = path.resolve(repoRoot, '../shared/bench/real');

/** mulberry32: a seeded PRNG giving floats in [0, 1). */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Plausible test-file paths, spread over directories, sorted as a glob would list them. */
export function fileNames(n, prefix = 'src') {
  const names = Array.from(
    { length: n },
    (_, i) => `${prefix}/module-${String(i % 97).padStart(2, '0')}/feature-${i}.test.ts`,
  );
  // Flat, distinct string objects, as when the list is read from disk or from a store.
  return JSON.parse(JSON.stringify(names.sort()));
}

function dataset(name, kind, durations) {
  return { name, kind, files: [...durations.keys()], durations };
}

/** The real datasets; seconds are converted to integer ms. Empty when the directory is missing. */
export function realDatasets() {
  if (!existsSync(realDir)) return [];
  return readdirSync(realDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(path.join(realDir, f), 'utf8'));
      const durations = new Map(Object.entries(json.files).map(([file, s]) => [file, Math.round(s * 1000)]));
      return dataset(f.replace(/\.json$/, ''), 'real', durations);
    });
}

/** Log-normal: a broad body of small files and a long right tail (median 2 s, σ = 1.2). */
export function logNormal(n, seed = 11) {
  const rand = random(seed);
  const names = fileNames(n);
  return dataset(
    `log-normal ${n}`,
    'synthetic',
    new Map(names.map((f) => [f, Math.max(1, Math.round(2000 * Math.exp(1.2 * gaussian(rand))))])),
  );
}

/** Pareto (α = 1.1) with a few giant files: three files near 4% of the total each. */
export function paretoGiants(n, seed = 12) {
  const rand = random(seed);
  const names = fileNames(n);
  const durations = new Map(
    names.map((f) => [f, Math.min(3_600_000, Math.round(300 / Math.pow(1 - rand(), 1 / 1.1)))]),
  );
  const total = [...durations.values()].reduce((a, b) => a + b, 0);
  for (let g = 0; g < 3; g++) durations.set(names[(g * 7919) % n], Math.round(total * (0.035 + 0.005 * g)));
  return dataset(`pareto+giants ${n}`, 'synthetic', durations);
}

/** Near-uniform: every file 9.5–10.5 s (LPT alone is furthest from the bound here). */
export function nearUniform(n, seed = 13) {
  const rand = random(seed);
  const names = fileNames(n);
  return dataset(
    `near-uniform ${n}`,
    'synthetic',
    new Map(names.map((f) => [f, 9500 + Math.floor(rand() * 1001)])),
  );
}

/** Three files per shard on average (the few-files regime); log-normal with σ = 0.6. */
export function threePerShard(k, seed = 14) {
  const rand = random(seed + k);
  const names = fileNames(3 * k, 'e2e');
  return dataset(
    `3 per shard (k=${k})`,
    'synthetic',
    new Map(names.map((f) => [f, Math.max(1, Math.round(20_000 * Math.exp(0.6 * gaussian(rand))))])),
  );
}

/** The synthetic sets of the quality table (the 3-per-shard set is made per k). */
export function syntheticDatasets() {
  return [logNormal(2000), paretoGiants(1000), nearUniform(1000)];
}
