import { hashSplit } from './baselines.js';
import { lowerBound } from './bounds.js';
import { ShardwiseError } from '../base/errors.js';
import { estimateUnknownMs, estimatorName, type Estimator } from '../base/estimate.js';
import { planFingerprint } from './fingerprint.js';
import { iteratedLocalSearch, localSearch, type Budget } from './improve.js';
import { predictShardMs } from '../model/judge.js';
import { compareCodeUnits } from '../base/paths.js';
import { normalizeUnitKey } from '../base/test-key.js';
import { ALGORITHM_VERSION, type Plan, type PreviousPlan } from '../formats/plan.js';
import { Schedule } from './schedule.js';
import { StoreEntries } from '../formats/store-entries.js';
import { wallLowerBound } from '../model/wall-model.js';
import { type WallModel } from '../formats/records.js';
import { balanceWalls } from './wall-partition.js';

/**
 * Known durations: a map or a plain record from normalized path to integer milliseconds, or a store's
 * own map of entries (`store.files`: their `durationMs` is read, so planning builds no second map).
 */
export type Durations =
  | ReadonlyMap<string, number>
  | ReadonlyMap<string, { readonly durationMs: number }>
  | Readonly<Record<string, number>>;

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
  /**
   * Balance predicted walls under this model (start-up, worker start-up, workers per shard) instead of
   * sums. With one worker the two agree; with several, big files are spread so each shard's workers
   * finish together. Part of the fingerprint.
   */
  wall?: WallModel;
}

/** Total work units for the local search of one plan (see {@link Budget}). */
const WORK_BUDGET = 4_000_000;
/** Kicks of the iterated local search when shards hold fewer than 8 files on average. */
const KICKS = 3000;
/** Kicks when shards hold 8 or more files on average. */
const KICKS_MANY = 300;

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
    // A count past 2^53 - 1 (a runner's own --shard=1/99999999999999999999) is too large, not too small.
    const tooLarge = Number.isFinite(k) && k > Number.MAX_SAFE_INTEGER;
    throw new ShardwiseError(
      'INVALID_OPTION',
      tooLarge
        ? `shardCount: too large (at most ${Number.MAX_SAFE_INTEGER}), got ${String(k)}`
        : `shardCount: expected a whole number ≥ 1, got ${String(k)}`,
    );
  }
  const estimator = options.estimator ?? 'mean';
  const seed = options.seed ?? 1;

  const { keys, known, unknownMs, unknownFiles, byPath } = prepare(files, options, estimator);
  const n = keys.length;
  // Files are numbered by their place in the global order (duration descending, then path by code units).
  const t = unknownFiles.length === 0 ? known : known.map((d) => (d < 0 ? unknownMs : d));
  const prefix = new Float64Array(n + 1);
  for (let pos = 0; pos < n; pos++) prefix[pos + 1] = prefix[pos]! + t[pos]!;
  const lb = lowerBound(t, prefix, k);

  const previous = options.previous?.shards.length === k ? options.previous : undefined;
  const parameters = [
    ALGORITHM_VERSION,
    `shards=${k}`,
    `estimator=${estimatorName(estimator)}`,
    `seed=${seed}`,
    previousDigest(previous),
    ...(options.wall ? [wallDigest(options.wall)] : []),
  ];

  // More shards than files: one file per shard is optimal, and the shards past the files stay unlisted.
  const listed = Math.max(1, Math.min(k, n));
  const model = options.wall;
  // With a gap between files, a shard's cost grows with its file count: balance time plus gap per file
  // (a plan of its own: the previous plan, a start for sums, is not one for this).
  const gap = model?.fileGapMs ?? 0;
  const tw = gap > 0 ? t.map((d) => d + gap) : t;
  let lbWall = lb;
  let where: Int32Array;
  if (model && gap > 0 && n > 0) {
    const prefixWall = new Float64Array(n + 1);
    for (let pos = 0; pos < n; pos++) prefixWall[pos + 1] = prefixWall[pos]! + tw[pos]!;
    lbWall = lowerBound(tw, prefixWall, listed);
    where = solve(tw, listed, lbWall, seed, lpt).where;
  } else {
    let schedule = solve(t, listed, lb, seed, lpt);
    if (previous && listed === k) {
      const rankOf = new Map<string, number>();
      for (let pos = 0; pos < n; pos++) rankOf.set(keys[pos]!, pos);
      const warm = solve(t, k, lb, seed, (s) => warmStart(s, previous, rankOf, options.root));
      if (warm.critical().load <= schedule.critical().load) schedule = warm;
    }
    where = schedule.where;
  }
  // The plan is never predicted slower than a split `shard plan --compare` shows beside it (plain LPT on
  // sums, the runners' own count splits), judged by the same measure: they are candidates too.
  if (n > 0) {
    const natives = n <= NATIVE_CANDIDATES ? nativeSplits(keys, listed) : [];
    if (model && (model.workers > 1 || gap > 0)) {
      const plain = new Schedule(t, listed);
      lpt(plain);
      where = balanceWalls(t, listed, model, where, [plain.where, ...natives]).where;
    } else {
      // Sums (or a wall that is a constant plus the sum): the search started from LPT, so only the count
      // splits can be lower.
      let best = sumMakespan(t, listed, where);
      for (const other of natives) {
        const ms = sumMakespan(t, listed, other);
        if (ms < best) [best, where] = [ms, other];
      }
    }
  }

  // Each shard's files in position order, which is the order of its member list (kept sorted): one pass
  // over the assignment instead of a lookup closure per file.
  const lists: string[][] = [];
  const sums = new Float64Array(listed);
  const durations: number[][] = [];
  for (let s = 0; s < listed; s++) {
    lists.push([]);
    durations.push([]);
  }
  for (let pos = 0; pos < n; pos++) {
    lists[where[pos]!]!.push(keys[pos]!);
    sums[where[pos]!]! += t[pos]!;
    if (model) durations[where[pos]!]!.push(t[pos]!);
  }
  const shards: Plan['shards'] = lists.map((files, s) => ({ index: s + 1, estimatedMs: sums[s]!, files }));
  let makespanMs = 0;
  for (const shard of shards) makespanMs = Math.max(makespanMs, shard.estimatedMs);
  const plan: Plan = {
    shardCount: k,
    fingerprint: '',
    totalMs: prefix[n]!,
    makespanMs,
    lowerBoundMs: lb,
    unknownFiles,
    unknownEstimateMs: unknownMs,
    emptyShards: shards.filter((s) => s.files.length === 0).map((s) => s.index),
    shards,
  };
  // Computed on first read: `shard files` never reads it, and hashing 100,000 paths costs as much as a
  // tenth of its run. Reports, plan files and coverage all read it, and get the same value.
  defineLazy(plan, 'fingerprint', () => {
    const { paths, durations } = byPath();
    return planFingerprint(paths, durations, parameters);
  });
  if (model) {
    let wallMakespan = 0;
    shards.forEach((shard, s) => {
      shard.wallMs = predictShardMs(durations[s]!, model);
      wallMakespan = Math.max(wallMakespan, shard.wallMs);
    });
    plan.wall = {
      startupMs: model.startupMs,
      workerStartupMs: model.workerStartupMs,
      workers: model.workers,
      ...(gap > 0 ? { fileGapMs: gap } : {}),
      makespanMs: wallMakespan,
      lowerBoundMs: wallLowerBound(tw, k, model, lbWall),
    };
  }
  return plan;
}

/**
 * Replaces `target[key]` with a property computed on its first read (and then kept), still enumerable:
 * spreads, `JSON.stringify` and equality checks see an ordinary value. It stays writable.
 */
function defineLazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let value: T[K] | undefined;
  // Dropped once the value is known, and with it what it holds (the plan's keys and durations).
  let pending: (() => T[K]) | undefined = compute;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (pending) {
        value = pending();
        pending = undefined;
      }
      return value;
    },
    set: (next: T[K]) => {
      value = next;
      pending = undefined;
    },
  });
}

function wallDigest(model: WallModel): string {
  return `wall=${model.startupMs}/${model.workerStartupMs}/${model.workers}${model.fileGapMs ? `/${model.fileGapMs}` : ''}`;
}

/**
 * Up to this many files, the runners' own count splits are candidates of the plan (see {@link partition}):
 * hashing every path costs about a microsecond a file, more than planning itself past a few thousand, and
 * with many files per shard the search always ends far below a count split.
 */
const NATIVE_CANDIDATES = 2000;

/** What `jest --shard` and `vitest --shard` would run, as assignments of positions to shards. */
function nativeSplits(keys: readonly string[], listed: number): Int32Array[] {
  const rankOf = new Map<string, number>();
  keys.forEach((key, pos) => rankOf.set(key, pos));
  return (['jest', 'vitest'] as const).map((runner) => {
    const where = new Int32Array(keys.length);
    // With more shards than files, the count split gives each of the first files a shard of its own: the
    // same as on the listed shards alone, and the shards past them are never built.
    hashSplit(keys, () => 0, listed, runner).shards.forEach((files, s) => {
      for (const file of files) where[rankOf.get(file)!] = s;
    });
    return where;
  });
}

/** The largest shard sum of an assignment. */
function sumMakespan(t: Float64Array, k: number, where: Int32Array): number {
  const loads = new Float64Array(k);
  for (let pos = 0; pos < t.length; pos++) loads[where[pos]!]! += t[pos]!;
  let max = 0;
  for (let s = 0; s < k; s++) max = Math.max(max, loads[s]!);
  return max;
}

function solve(t: Float64Array, k: number, lb: number, seed: number, start: (s: Schedule) => void): Schedule {
  const s = new Schedule(t, k);
  start(s);
  const budget: Budget = { left: WORK_BUDGET };
  localSearch(s, lb, budget);
  // Few files per shard: local optima can sit well above the optimum, and kicks are cheap.
  // With many files per shard the descent almost always reaches the bound; when it does not, a few kicks
  // usually close the last milliseconds, and the shared work budget caps their cost on huge inputs.
  if (s.critical().load > lb) iteratedLocalSearch(s, lb, budget, seed, t.length < 8 * k ? KICKS : KICKS_MANY);
  return s;
}

/**
 * Longest processing time first: each file, longest first, to the lightest shard (lowest index on ties),
 * appended to a fresh schedule as it goes (position order, so every shard's list stays sorted).
 */
function lpt(s: Schedule): void {
  const { k, t } = s;
  const n = t.length;
  // A binary min-heap of shards by (load, index), as two parallel arrays. Loads all 0: the shards in index
  // order already form a heap.
  const heapLoad = new Float64Array(k);
  const heapShard = Int32Array.from({ length: k }, (_, i) => i);
  for (let pos = 0; pos < n; pos++) {
    const shard = heapShard[0]!;
    s.append(pos, shard);
    // Sift the top down with its new load.
    const load = heapLoad[0]! + t[pos]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= k) break;
      const r = l + 1;
      const m =
        r < k &&
        (heapLoad[r]! < heapLoad[l]! || (heapLoad[r] === heapLoad[l] && heapShard[r]! < heapShard[l]!))
          ? r
          : l;
      if (heapLoad[m]! > load || (heapLoad[m] === load && heapShard[m]! > shard)) break;
      heapLoad[i] = heapLoad[m]!;
      heapShard[i] = heapShard[m]!;
      i = m;
    }
    heapLoad[i] = load;
    heapShard[i] = shard;
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
  // A test unit's titles are not a path: only the file part of its key is normalized.
  return needsNormalizing(file) ? normalizeUnitKey(file, root) : file;
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

const MIGHT_CHANGE = /^[/.]|^[\s\S]:|\/$|\\|\/\/|\/\./;

/**
 * Whether {@link normalizeUnitKey} might change a path: a `\\`, `//`, a `.` or `..` segment, a leading or
 * trailing `/`, or a drive letter. One regular expression, so one native scan per path (cheapest on a
 * cold first call, too); a false positive (a hidden directory like `.github/`) only costs a call to the
 * normalizer.
 */
function needsNormalizing(p: string): boolean {
  // A leading `/` or `.`, `C:`, a trailing `/`, `\`, `//`, `/.`.
  return MIGHT_CHANGE.test(p);
}

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
): {
  keys: string[];
  known: Float64Array;
  unknownMs: number;
  unknownFiles: string[];
  byPath: () => ByPath;
} {
  const listed = normalizeAll(files, options.root);
  // A list in path order (`git ls-files`, a store's own keys) keeps its order: merged with a store in
  // path order, else looked up. Any other order is joined from the store's side, which gives the store's
  // order (path order, when shardwise wrote it).
  const listInPathOrder = strictlyIncreasing(listed, 0, listed.length);
  const joined = listInPathOrder ? undefined : joinInStoreOrder(listed, options.durations);
  const raw = joined?.keys ?? listed;
  const m = raw.length;
  let rawKnown: Float64Array;
  let inPathOrder = listInPathOrder;
  if (joined) {
    rawKnown = joined.known;
    // The unknown files (after the known ones) are sorted already, and have a run of their own.
    inPathOrder = strictlyIncreasing(raw, 0, joined.unknownFrom);
  } else {
    rawKnown = new Float64Array(m);
    // Both in path order (a sorted list against a store shardwise wrote): merged, with no lookup at all.
    const merged = listInPathOrder && mergeDurations(raw, rawKnown, options.durations);
    if (!merged) lookUpDurations(raw, rawKnown, options.durations);
  }

  // Unknown files (-1) sort after every known one; the whole order is (duration desc, path), so equal
  // paths, which have equal durations, end up next to each other.
  const { order, duplicates } = orderByDurationThenPath(rawKnown, raw, inPathOrder);
  // Preallocated: at a million files, arrays grown by push cost more in copies and GC than the rest.
  const keys = new Array<string>(m);
  let knownSorted = new Float64Array(m);
  const unknownFiles: string[] = [];
  let count = 0;
  let previousKey: string | undefined;
  for (let i = 0; i < m; i++) {
    const j = order[i]!;
    const key = raw[j]!;
    if (duplicates) {
      if (key === previousKey) continue;
      previousKey = key;
    }
    if (rawKnown[j]! < 0) unknownFiles.push(key);
    else {
      keys[count] = key;
      knownSorted[count++] = rawKnown[j]!;
    }
  }
  keys.length = count;
  knownSorted = knownSorted.subarray(0, count);
  const unknownMs = estimateUnknownMs(knownSorted, estimator);
  // The same files in path order, for the fingerprint, when it is read: the list or the store has it
  // already in the common cases (a sort is left for the rest).
  // `raw` may be the caller's own array (normalizeAll returns it when nothing needs normalizing): copied
  // now, so that changing it after planning cannot change the fingerprint read later.
  const sortedList = !joined && listInPathOrder ? (raw === files ? raw.slice() : raw) : undefined;
  const byPath = (globalKeys: readonly string[], globalKnown: Float64Array) => (): ByPath => {
    if (sortedList) return { paths: sortedList, durations: rawKnown };
    if (joined && inPathOrder) return mergeRuns(raw, rawKnown, joined.unknownFrom);
    return sortByPath(globalKeys, globalKnown);
  };
  if (unknownFiles.length === 0) {
    return { keys, known: knownSorted, unknownMs, unknownFiles, byPath: byPath(keys, knownSorted) };
  }

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
  return { keys: mergedKeys, known, unknownMs, unknownFiles, byPath: byPath(mergedKeys, known) };
}

/** Files in path order (by code units, each once) and their recorded durations (-1: unknown). */
interface ByPath {
  paths: readonly string[];
  durations: Float64Array;
}

/** Two runs that are each in path order, `[0, from)` and `[from, n)`, merged into one. */
function mergeRuns(paths: readonly string[], durations: Float64Array, from: number): ByPath {
  const n = paths.length;
  if (from === n) return { paths, durations };
  const out = new Array<string>(n);
  const outDurations = new Float64Array(n);
  let a = 0;
  let b = from;
  for (let i = 0; i < n; i++) {
    const j = b === n || (a < from && paths[a]! < paths[b]!) ? a++ : b++;
    out[i] = paths[j]!;
    outDurations[i] = durations[j]!;
  }
  return { paths: out, durations: outDurations };
}

/** Files in any order, each once, put in path order (the uncommon inputs: an unsorted store, duplicates). */
function sortByPath(paths: readonly string[], durations: Float64Array): ByPath {
  const order = Array.from(paths.keys()).sort((a, b) => compareCodeUnits(paths[a]!, paths[b]!));
  return {
    paths: order.map((i) => paths[i]!),
    durations: Float64Array.from(order, (i) => durations[i]!),
  };
}

/** Join from the store's side only when the store is not much larger than the list (a filtered run). */
const STORE_SIDE_RATIO = 2;

/**
 * The files and their durations in the store's order (known files), then the files it lacks (unknown, in
 * path order), or `undefined` when this does not pay. A store written by shardwise lists its keys in path
 * order, so the known files arrive already sorted by path and the global order needs no string comparison
 * at all; and each lookup probes with the store's key, whose hash JSON.parse already computed, into a map
 * built in the list's order. On a cold first call over 100,000 files this costs about half of looking up
 * every listed path in the store and then sorting runs of equal durations by path.
 */
function joinInStoreOrder(
  listed: readonly string[],
  durations: Durations | undefined,
): { keys: string[]; known: Float64Array; unknownFrom: number } | undefined {
  if (!(durations instanceof Map) || durations.size > listed.length * STORE_SIDE_RATIO) return undefined;
  const m = listed.length;
  const where = new Map<string, number>();
  for (let i = 0; i < m; i++) where.set(listed[i]!, i);
  // A path listed twice: the general path folds duplicates.
  if (where.size !== m) return undefined;
  const found = new Uint8Array(m);
  const keys = new Array<string>(m);
  const known = new Float64Array(m);
  let count = 0;
  const stored = inOrder(durations as ReadonlyMap<string, number | { readonly durationMs: number }>);
  for (let j = 0; j < stored.keys.length; j++) {
    const key = stored.keys[j]!;
    const i = where.get(key);
    if (i === undefined) continue;
    const v = stored.values[j]!;
    const d = typeof v === 'object' ? v.durationMs : v;
    found[i] = 1;
    keys[count] = key;
    known[count++] = d >>> 0 === d ? d : checkedDuration(key, d);
  }
  const unknownFrom = count;
  if (count < m) {
    // Sorted: the unknown files are one run of their own, which must be in path order (the caller checks
    // only the known files' order).
    const unknown: string[] = [];
    for (let i = 0; i < m; i++) if (found[i] === 0) unknown.push(listed[i]!);
    unknown.sort(compareCodeUnits);
    for (const key of unknown) {
      keys[count] = key;
      known[count++] = -1;
    }
  }
  return { keys, known, unknownFrom };
}

/**
 * Fills `out[i]` with the recorded duration of `sorted[i]` (a strictly increasing list), or -1, by walking
 * the map's keys beside it, and returns true; returns false, having filled nothing reliable, as soon as
 * the map's keys turn out not to be in path order (the caller then looks every file up).
 */
function mergeDurations(
  sorted: readonly string[],
  out: Float64Array,
  durations: Durations | undefined,
): boolean {
  if (!(durations instanceof Map) || durations.size > sorted.length * STORE_SIDE_RATIO) return false;
  const stored = inOrder(durations as ReadonlyMap<string, number | { readonly durationMs: number }>);
  const { keys, values } = stored;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    const file = sorted[i]!;
    // Skip the store's keys below this file, checking as they pass that they rise.
    while (j < keys.length && keys[j]! < file) {
      if (j > 0 && !(keys[j - 1]! < keys[j]!)) return false;
      j++;
    }
    if (j < keys.length && keys[j] === file) {
      if (j > 0 && !(keys[j - 1]! < file)) return false;
      const v = values[j]!;
      const d = typeof v === 'object' ? v.durationMs : v;
      out[i] = d >>> 0 === d ? d : checkedDuration(file, d);
      j++;
    } else out[i] = -1;
  }
  // The keys after the last file: one out of order there could have held a listed file earlier on.
  for (; j < keys.length; j++) if (j > 0 && !(keys[j - 1]! < keys[j]!)) return false;
  return true;
}

/** A map's keys and values as two arrays in its order: a parsed store has them already. */
function inOrder<V>(map: ReadonlyMap<string, V>): { keys: readonly string[]; values: readonly V[] } {
  const own =
    map instanceof StoreEntries ? (map.inStoreOrder() as { keys: string[]; values: V[] }) : undefined;
  if (own) return own;
  const keys = new Array<string>(map.size);
  const values = new Array<V>(map.size);
  let i = 0;
  // forEach, not for…of: no [key, value] pair per entry (twice as fast on a cold first call).
  map.forEach((v, key) => {
    keys[i] = key;
    values[i++] = v;
  });
  return { keys, values };
}

/**
 * Fills `out[i]` with the recorded duration of `keys[i]`, or -1; rejects a value that is not integer ms.
 * One loop per kind of map, and the common value (a whole number below 2^32) recognised by `d >>> 0 === d`
 * without a call: on a cold first call every operation per file counts.
 */
function lookUpDurations(keys: readonly string[], out: Float64Array, durations: Durations | undefined): void {
  if (durations === undefined) {
    out.fill(-1);
    return;
  }
  if (durations instanceof Map) {
    const map = durations as ReadonlyMap<string, number | { readonly durationMs: number }>;
    for (let i = 0; i < keys.length; i++) {
      const v = map.get(keys[i]!);
      const d = typeof v === 'object' ? v.durationMs : v;
      out[i] = d !== undefined && d >>> 0 === d ? d : checkedDuration(keys[i]!, d);
    }
    return;
  }
  const record = durations as Readonly<Record<string, number>>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Object.hasOwn: a file named `__proto__` or `constructor` must not read the prototype.
    const d = Object.hasOwn(record, key) ? record[key] : undefined;
    out[i] = d !== undefined && d >>> 0 === d ? d : checkedDuration(key, d);
  }
}

/** The slow path of {@link lookUpDurations}: -1 for no duration, the value if it is integer ms, else an error. */
function checkedDuration(key: string, d: number | undefined): number {
  if (d === undefined) return -1;
  if (Number.isSafeInteger(d) && d >= 0) return d;
  throw new ShardwiseError(
    'INVALID_OPTION',
    `durations[${JSON.stringify(key)}]: expected a non-negative integer (ms), got ${String(d)}`,
  );
}

/** Whether `paths[from..to)` is strictly increasing (so in path order, with no path twice). */
function strictlyIncreasing(paths: readonly string[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (!(paths[i - 1]! < paths[i]!)) return false;
  return true;
}

/** Runs of equal durations up to this long are put in path order by insertion sort. */
const SHORT_RUN = 32;

/**
 * Indices sorted by duration descending, then path by code units, and whether any path occurs twice.
 * A packed numeric key (duration, index) sorted as a typed array is several times faster than a comparator
 * at a million files. Within a run of equal durations the indices are in input order, so when each run is
 * in path order already (`inPathOrder`: a sorted list, or a store in path order) nothing more is needed; otherwise only those runs
 * are sorted by path. The comparator is the fallback for durations too large to pack.
 */
function orderByDurationThenPath(
  dur: Float64Array,
  paths: readonly string[],
  inPathOrder: boolean,
): { order: Uint32Array; duplicates: boolean } {
  const n = dur.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (dur[i]! > max) max = dur[i]!;
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  let order: Uint32Array;
  if ((max + 2) * scale <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (max - dur[i]!) * scale + i;
    packed.sort();
    order = new Uint32Array(n);
    // The index is the low part: x − ⌊x / scale⌋·scale is exact (scale is a power of two) and much cheaper
    // than the floating-point remainder.
    for (let pos = 0; pos < n; pos++) {
      const x = packed[pos]!;
      order[pos] = x - Math.floor(x / scale) * scale;
    }
  } else {
    order = new Uint32Array(n).map((_, i) => i).sort((a, b) => dur[b]! - dur[a]! || a - b);
  }
  // Every run of equal durations in path order already, and no path repeated: nothing more to do.
  if (inPathOrder) return { order, duplicates: false };

  const byPath = (a: number, b: number) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0);
  let duplicates = false;
  for (let lo = 0; lo < n;) {
    const d = dur[order[lo]!];
    let hi = lo + 1;
    while (hi < n && dur[order[hi]!] === d) hi++;
    if (hi - lo <= SHORT_RUN) {
      // Most runs hold a handful of files: an insertion sort in place, with no comparator calls (they
      // dominate a cold first call); an already sorted run costs one comparison per file.
      for (let i = lo + 1; i < hi; i++) {
        const v = order[i]!;
        const p = paths[v]!;
        let j = i - 1;
        while (j >= lo && paths[order[j]!]! > p) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = v;
        if (j >= lo && paths[order[j]!] === p) duplicates = true;
      }
      lo = hi;
      continue;
    }
    let sorted = true;
    for (let i = lo + 1; i < hi && sorted; i++) {
      const c = byPath(order[i - 1]!, order[i]!);
      if (c > 0) sorted = false;
      else if (c === 0) duplicates = true;
    }
    if (!sorted) {
      const run = order.subarray(lo, hi).sort(byPath);
      for (let i = 1; i < run.length && !duplicates; i++) duplicates = paths[run[i - 1]!] === paths[run[i]!];
    }
    lo = hi;
  }
  return { order, duplicates };
}
