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

  const { keys, known, unknownMs, unknownFiles } = prepare(files, options, estimator);
  const n = keys.length;
  // Files are numbered by their place in the global order (duration descending, then path by code units).
  const t = new Float64Array(n);
  for (let pos = 0; pos < n; pos++) t[pos] = known[pos]! < 0 ? unknownMs : known[pos]!;
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
    for (let pos = 0; pos < n; pos++) rankOf.set(keys[pos]!, pos);
    const warm = solve(t, k, lb, seed, (s) => warmStart(s, previous, rankOf, options.root));
    if (warm.critical().load <= schedule.critical().load) schedule = warm;
  }

  const shards = schedule.members.map((list, s) => ({
    index: s + 1,
    estimatedMs: schedule.load[s]!,
    files: list.map((pos) => keys[pos]!),
  }));
  return {
    shardCount: k,
    fingerprint,
    totalMs: prefix[n]!,
    makespanMs: n === 0 ? 0 : schedule.critical().load,
    lowerBoundMs: lb,
    unknownFiles,
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
  return needsNormalizing(file) ? normalizePath(file, root) : file;
}

/** The normalized, non-empty paths; the input array itself when it needs no change (the common case). */
function normalizeAll(files: Iterable<string>, root?: string): readonly string[] {
  if (Array.isArray(files)) {
    const list = files as readonly string[];
    let i = 0;
    while (i < list.length && list[i] !== '' && !needsNormalizing(list[i]!)) i++;
    if (i === list.length) return list;
  }
  const out: string[] = [];
  for (const file of files) {
    const key = normalizeOne(file, root);
    if (key !== '') out.push(key);
  }
  return out;
}

/**
 * Whether {@link normalizePath} could change a path: a `\`, an empty, `.` or `..` segment, a leading or
 * trailing `/`, or a drive letter. A character scan: at a million files a regular expression costs more
 * than the rest of the normalization.
 */
function needsNormalizing(p: string): boolean {
  const n = p.length;
  if (n === 0) return false;
  const c0 = p.charCodeAt(0);
  if (c0 === SLASH || p.charCodeAt(n - 1) === SLASH) return true;
  if (n >= 2 && p.charCodeAt(1) === COLON && (c0 | 32) >= 97 && (c0 | 32) <= 122) return true;
  let segment = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? SLASH : p.charCodeAt(i);
    if (c === BACKSLASH) return true;
    if (c !== SLASH) continue;
    const len = i - segment;
    if (len === 0) return true;
    if (len <= 2 && p.charCodeAt(segment) === DOT && (len === 1 || p.charCodeAt(segment + 1) === DOT))
      return true;
    segment = i + 1;
  }
  return false;
}

const SLASH = 47;
const BACKSLASH = 92;
const COLON = 58;
const DOT = 46;

/**
 * Normalizes the files, looks up their durations, folds duplicates and puts them in the global order:
 * duration descending (unknown files at the estimate), then path by code units. `known[pos]` is the
 * recorded duration of `keys[pos]`, or -1.
 *
 * Cost matters at a million files: one duration lookup per file, one numeric sort, and string comparisons
 * only between files of equal duration (which also brings duplicates together, so no set is needed).
 */
function prepare(
  files: Iterable<string>,
  options: PartitionOptions,
  estimator: Estimator,
): { keys: string[]; known: Float64Array; unknownMs: number; unknownFiles: string[] } {
  const raw = normalizeAll(files, options.root);
  const m = raw.length;
  const rawKnown = new Float64Array(m);
  lookUpDurations(raw, rawKnown, options.durations);

  // Unknown files (-1) sort after every known one; the whole order is (duration desc, path), so equal
  // paths, which have equal durations, end up next to each other.
  const order = orderByDurationThenPath(rawKnown, raw);
  // Preallocated: at a million files, arrays grown by push cost more in copies and GC than the rest.
  const keys = new Array<string>(m);
  let knownSorted = new Float64Array(m);
  const unknownFiles: string[] = [];
  let count = 0;
  let previousKey: string | undefined;
  for (let i = 0; i < m; i++) {
    const j = order[i]!;
    const key = raw[j]!;
    if (key === previousKey) continue;
    previousKey = key;
    if (rawKnown[j]! < 0) unknownFiles.push(key);
    else {
      keys[count] = key;
      knownSorted[count++] = rawKnown[j]!;
    }
  }
  keys.length = count;
  knownSorted = knownSorted.subarray(0, count);
  const unknownMs = estimateUnknownMs(knownSorted, estimator);
  if (unknownFiles.length === 0) return { keys, known: knownSorted, unknownMs, unknownFiles };

  // Merge the unknown files (all at the estimate, sorted by path) into place: after the longer known
  // files, among the known files of the same duration by path, before the shorter ones.
  const n = keys.length + unknownFiles.length;
  const mergedKeys = new Array<string>(n);
  const known = new Float64Array(n);
  let a = 0;
  let b = 0;
  for (let pos = 0; pos < n; pos++) {
    const takeKnown =
      a < keys.length &&
      (b === unknownFiles.length ||
        knownSorted[a]! > unknownMs ||
        (knownSorted[a] === unknownMs && keys[a]! < unknownFiles[b]!));
    if (takeKnown) {
      mergedKeys[pos] = keys[a]!;
      known[pos] = knownSorted[a++]!;
    } else {
      mergedKeys[pos] = unknownFiles[b++]!;
      known[pos] = -1;
    }
  }
  return { keys: mergedKeys, known, unknownMs, unknownFiles };
}

/** Fills `out[i]` with the recorded duration of `keys[i]`, or -1; rejects a value that is not integer ms. */
function lookUpDurations(keys: readonly string[], out: Float64Array, durations: Durations | undefined): void {
  if (durations === undefined) {
    out.fill(-1);
    return;
  }
  const isMap = durations instanceof Map;
  const record = durations as Readonly<Record<string, number>>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Object.hasOwn: a file named `__proto__` or `constructor` must not read the prototype.
    const d = isMap
      ? (durations as ReadonlyMap<string, number>).get(key)
      : Object.hasOwn(record, key)
        ? record[key]
        : undefined;
    if (d === undefined) out[i] = -1;
    else if (Number.isSafeInteger(d) && d >= 0) out[i] = d;
    else {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `durations[${JSON.stringify(key)}]: expected a non-negative integer (ms), got ${String(d)}`,
      );
    }
  }
}

/**
 * Indices sorted by duration descending, then path by code units. A packed numeric key (duration, index)
 * sorted as a typed array is several times faster than a comparator at a million files; then only runs of
 * equal duration are sorted by path. The comparator is the fallback for durations too large to pack.
 */
function orderByDurationThenPath(dur: Float64Array, paths: readonly string[]): Uint32Array {
  const n = dur.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (dur[i]! > max) max = dur[i]!;
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  const byPath = (a: number, b: number) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0);
  let order: Uint32Array;
  if ((max + 2) * scale <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (max - dur[i]!) * scale + i;
    packed.sort();
    order = new Uint32Array(n);
    for (let pos = 0; pos < n; pos++) order[pos] = packed[pos]! % scale;
  } else {
    order = new Uint32Array(n).map((_, i) => i).sort((a, b) => dur[b]! - dur[a]! || a - b);
  }
  for (let lo = 0; lo < n;) {
    const d = dur[order[lo]!];
    let hi = lo + 1;
    // A run of equal durations is in input order; file lists usually come sorted (globs, stores), so check
    // before sorting.
    let sorted = true;
    for (; hi < n && dur[order[hi]!] === d; hi++)
      if (sorted && byPath(order[hi - 1]!, order[hi]!) > 0) sorted = false;
    if (!sorted) order.subarray(lo, hi).sort(byPath);
    lo = hi;
  }
  return order;
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
