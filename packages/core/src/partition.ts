import { lowerBound } from './bounds.js';
import { ShardwiseError } from './errors.js';
import { estimateUnknownMs, estimatorName, type Estimator } from './estimate.js';
import { planFingerprint } from './fingerprint.js';
import { iteratedLocalSearch, localSearch, type Budget } from './improve.js';
import { normalizePath } from './paths.js';
import { ALGORITHM_VERSION, type Plan, type PreviousPlan } from './plan.js';
import { Schedule } from './schedule.js';

/** Known durations: a map or a plain record from normalized path to integer milliseconds. */
export type Durations = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface PartitionOptions {
  /** Number of shards, ≥ 1. It may exceed the number of files: the extra shards are empty. */
  shardCount: number;
  /** Recorded durations by normalized path (e.g. `durationsOf(store)`). Missing files are estimated. */
  durations?: Durations;
  /** How to estimate files with no duration. @default 'mean' */
  estimator?: Estimator;
  /** Directory that absolute file paths are made relative to. */
  root?: string;
  /**
   * The stability option: start from this plan (deleted files dropped, new ones placed) so that small
   * drifts in duration move few files between shards. Used only when it has `shardCount` shards and the
   * result is as good as a fresh plan.
   */
  previous?: PreviousPlan;
  /** Seed of the iterated local search. @default 1 */
  seed?: number;
}

/** Total work units for the local search of one plan (see {@link Budget}). */
const WORK_BUDGET = 4_000_000;
/** Kicks of the iterated local search, used only when shards hold fewer than 8 files on average. */
const KICKS = 3000;
/** Paths that are already normalized skip the (comparatively slow) normalizer. */
const NEEDS_NORMALIZING = /\\|\/\/|(^|\/)\.\.?(\/|$)|^\/|^[A-Za-z]:|\/$/;

/**
 * Splits test files into `shardCount` shards of near-equal total duration. Pure and deterministic: the
 * same files (in any order, with `./` or `\` spellings), durations and options give the same plan, and the
 * same fingerprint, on every machine.
 *
 * Longest-processing-time-first, then moves, swaps and exact pair re-splits from the slowest shard, and a
 * seeded iterated local search when shards hold few files; it stops as soon as the makespan reaches a
 * proven lower bound.
 *
 * @example
 * const plan = partition(['a.test.ts', 'b.test.ts', 'c.test.ts'], {
 *   shardCount: 2,
 *   durations: { 'a.test.ts': 3000, 'b.test.ts': 2000, 'c.test.ts': 1000 },
 * });
 * plan.shards.map((s) => s.files); // [['a.test.ts'], ['b.test.ts', 'c.test.ts']]
 */
export function partition(files: Iterable<string>, options: PartitionOptions): Plan {
  const k = options.shardCount;
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new ShardwiseError('INVALID_OPTION', `shardCount: expected a whole number ≥ 1, got ${String(k)}`);
  }
  const estimator = options.estimator ?? 'mean';
  const seed = options.seed ?? 1;

  const keys = normalizeFiles(files, options.root);
  const n = keys.length;
  const lookup = durationLookup(options.durations);
  // known[i] is the recorded duration of keys[i], or -1.
  const known = new Float64Array(n);
  const knownValues: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = lookup(keys[i]!);
    known[i] = d ?? -1;
    if (d !== undefined) knownValues.push(d);
  }
  const unknownMs = estimateUnknownMs(knownValues, estimator);
  const dur = known.map((d) => (d < 0 ? unknownMs : d));

  // Global order: duration descending, then path by code units (keys are sorted, so index order).
  const order = orderByDuration(dur);
  const t = new Float64Array(n);
  for (let pos = 0; pos < n; pos++) t[pos] = dur[order[pos]!]!;
  const prefix = new Float64Array(n + 1);
  for (let pos = 0; pos < n; pos++) prefix[pos + 1] = prefix[pos]! + t[pos]!;
  const lb = lowerBound(t, prefix, k);

  const previous = options.previous?.shards.length === k ? options.previous : undefined;
  const fingerprint = planFingerprint(
    [
      ALGORITHM_VERSION,
      `shards=${k}`,
      `estimator=${estimatorName(estimator)}`,
      `seed=${seed}`,
      previousDigest(previous),
    ],
    keys,
    known,
  );

  let schedule = solve(t, k, lb, seed, lpt);
  if (previous) {
    const rankOf = new Map<string, number>();
    for (let pos = 0; pos < n; pos++) rankOf.set(keys[order[pos]!]!, pos);
    const warm = solve(t, k, lb, seed, (s) => warmStart(s, previous, rankOf, options.root));
    if (warm.critical().load <= schedule.critical().load) schedule = warm;
  }

  const shards = schedule.members.map((list, s) => ({
    index: s + 1,
    estimatedMs: schedule.load[s]!,
    files: list.map((pos) => keys[order[pos]!]!),
  }));
  return {
    shardCount: k,
    fingerprint,
    totalMs: prefix[n]!,
    makespanMs: n === 0 ? 0 : schedule.critical().load,
    lowerBoundMs: lb,
    unknownFiles: keys.filter((_, i) => known[i]! < 0),
    unknownEstimateMs: unknownMs,
    emptyShards: shards.filter((s) => s.files.length === 0).map((s) => s.index),
    shards,
  };
}

function solve(t: Float64Array, k: number, lb: number, seed: number, start: (s: Schedule) => void): Schedule {
  const s = new Schedule(t, k);
  start(s);
  const budget: Budget = { left: WORK_BUDGET };
  localSearch(s, lb, budget);
  // Few files per shard: local optima can sit well above the optimum, and kicks are cheap.
  if (t.length < 8 * k && s.critical().load > lb) iteratedLocalSearch(s, lb, budget, seed, KICKS);
  return s;
}

/** Longest processing time first: each file, longest first, to the lightest shard (lowest index on ties). */
function lpt(s: Schedule): void {
  const heap = new ShardHeap(s.k);
  for (let pos = 0; pos < s.t.length; pos++) {
    const shard = heap.top();
    s.append(pos, shard);
    heap.update(s.load[shard]!);
  }
}

/** The stability option: keep every surviving file where it was, then place new files as LPT would. */
function warmStart(s: Schedule, previous: PreviousPlan, rankOf: Map<string, number>, root?: string): void {
  previous.shards.forEach((shard, index) => {
    for (const file of shard.files) {
      const pos = rankOf.get(normalizeOne(file, root));
      if (pos !== undefined && s.where[pos] === -1) s.insert(pos, index);
    }
  });
  for (let pos = 0; pos < s.t.length; pos++) {
    if (s.where[pos] !== -1) continue;
    let lightest = 0;
    for (let x = 1; x < s.k; x++) if (s.load[x]! < s.load[lightest]!) lightest = x;
    s.insert(pos, lightest);
  }
}

function previousDigest(previous: PreviousPlan | undefined): string {
  if (!previous) return 'previous=none';
  return 'previous=' + previous.shards.map((shard) => [...shard.files].sort().join('\u0000')).join('\u0001');
}

function normalizeOne(file: string, root?: string): string {
  return NEEDS_NORMALIZING.test(file) ? normalizePath(file, root) : file;
}

/** Normalizes, folds duplicates and sorts by code units (the default sort compares UTF-16 code units). */
function normalizeFiles(files: Iterable<string>, root?: string): string[] {
  const seen = new Set<string>();
  for (const file of files) {
    const key = normalizeOne(file, root);
    if (key !== '') seen.add(key);
  }
  return [...seen].sort();
}

function durationLookup(durations: Durations | undefined): (key: string) => number | undefined {
  if (durations === undefined) return () => undefined;
  const check = (key: string, d: number | undefined): number | undefined => {
    if (d === undefined) return undefined;
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `durations[${JSON.stringify(key)}]: expected a non-negative integer (ms), got ${String(d)}`,
      );
    }
    return d;
  };
  if (durations instanceof Map) return (key) => check(key, durations.get(key));
  const record = durations as Readonly<Record<string, number>>;
  // Object.hasOwn: a file named `__proto__` or `constructor` must not read the prototype.
  return (key) => check(key, Object.hasOwn(record, key) ? record[key] : undefined);
}

/**
 * Indices sorted by duration descending, then index ascending. A packed numeric key sorted as a typed array
 * is several times faster than a comparator at a million files; the comparator is the fallback for
 * durations too large to pack exactly.
 */
function orderByDuration(dur: Float64Array): Uint32Array {
  const n = dur.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (dur[i]! > max) max = dur[i]!;
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  if ((max + 1) * scale <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (max - dur[i]!) * scale + i;
    packed.sort();
    const order = new Uint32Array(n);
    for (let pos = 0; pos < n; pos++) order[pos] = packed[pos]! % scale;
    return order;
  }
  return new Uint32Array(n).map((_, i) => i).sort((a, b) => dur[b]! - dur[a]! || a - b);
}

/** A binary min-heap of shard indices by (load, index): the lightest shard, ties to the lowest index. */
class ShardHeap {
  private readonly heap: number[];
  private readonly load: Float64Array;

  constructor(k: number) {
    this.heap = Array.from({ length: k }, (_, i) => i);
    this.load = new Float64Array(k);
  }

  top(): number {
    return this.heap[0]!;
  }

  /** Sets the load of the top shard and restores the heap order. */
  update(load: number): void {
    const { heap } = this;
    this.load[heap[0]!] = load;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    return this.load[a]! < this.load[b]! || (this.load[a] === this.load[b] && a < b);
  }
}
