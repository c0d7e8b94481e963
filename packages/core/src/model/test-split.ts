/**
 * Test-level splits: which files to cut into pieces, and which tests each piece runs. Pure and
 * deterministic; {@link planRun} turns the decision into a plan.
 *
 * The cost model of a file: a fixed cost F (environment, import, collection, setup files, hooks outside
 * tests: everything the file's time holds beyond its tests) that every piece pays again, plus the time of
 * its tests. A piece costs F + its tests.
 */
import type { Piece } from '../formats/plan.js';
import type { FileTiming, TestTiming } from '../formats/records.js';

/** What the cost model knows about one file. */
export interface FileCost {
  /** The file's recorded (or estimated) time, ms. */
  durationMs: number;
  /** Its fixed cost F: the time beyond its tests, paid by every piece, ms. */
  fixedMs: number;
  /** Its tests in file order, bound into blocks that never part. */
  blocks: TestBlock[];
}

/** Tests that must run in one piece: a `describe` with `beforeAll`/`afterAll`, or tests of one name. */
export interface TestBlock {
  /** Unique full names, in file order. */
  tests: string[];
  ms: number;
  /** Position of its first test in the file (orders blocks deterministically). */
  first: number;
}

/**
 * Predicts the slowest shard of a plan from its units' times (whole files and pieces). The default is
 * the classic bound on file sums, `max(⌈Σ/k⌉, longest unit)`, which the partitioner reaches on real
 * suites; a wall-clock model (shard start-up, worker schedule) can take its place.
 */
export type PredictMakespan = (unitsMs: readonly number[], shardCount: number) => number;

/** `max(⌈Σ/k⌉, longest unit)`: what the partitioner reaches on real suites, in O(n). */
export const fileSumMakespan: PredictMakespan = (unitsMs, shardCount) => {
  let total = 0;
  let longest = 0;
  for (const ms of unitsMs) {
    total += ms;
    if (ms > longest) longest = ms;
  }
  return Math.max(Math.ceil(total / shardCount), longest);
};

/**
 * The fixed cost of one file as one view of it holds it (a reported file, a piece, a store entry): its own
 * setup figure when it has one (the runner's time before its first test; a store entry keeps the figure of
 * the run that gave its tests), else its time beyond its tests. Never a smoothed time less another run's
 * tests: the one rule for every split file's fixed cost (the cost model, joined pieces, merge's predictions).
 *
 * @example
 * fixedCostMs({ durationMs: 1000, tests: [{ durationMs: 300 }, { durationMs: 500 }] }); // 200
 */
export function fixedCostMs(file: {
  durationMs: number;
  setupMs?: number | undefined;
  tests?: readonly { durationMs: number }[] | undefined;
}): number {
  if (file.setupMs !== undefined) return file.setupMs;
  let testsMs = 0;
  for (const t of file.tests ?? []) testsMs += t.durationMs;
  return Math.max(0, file.durationMs - testsMs);
}

/**
 * The cost model of a stored file, or undefined when it cannot be split: no per-test times, a provisional
 * entry (only ever seen failing), fewer than two blocks, or a file whose time is mostly fixed cost (its
 * tests take less than half of it: every piece would pay most of the file again).
 */
export function fileCostOf(entry: FileTiming | undefined): FileCost | undefined {
  if (!entry?.tests || entry.tests.length < 2 || entry.provisional) return undefined;
  let testsMs = 0;
  for (const t of entry.tests) testsMs += t.durationMs;
  const fixedMs = fixedCostMs(entry);
  if (testsMs < fixedMs) return undefined;
  const blocks = blocksOf(entry.tests);
  return blocks.length < 2 ? undefined : { durationMs: entry.durationMs, fixedMs, blocks };
}

/**
 * The key under which a runner matches a test by name. Runners join a test's names with a space when they
 * match a name pattern (Vitest's `-t`, Jest's `testNamePattern`), so `a > b c` and `a b > c` are one name
 * to them: tests whose keys are equal share a piece, whatever the front end.
 */
export function matchKey(fullName: string): string {
  return fullName.split(' > ').join(' ');
}

/**
 * Tests bound together: by a shared `group` (a describe with `beforeAll`/`afterAll`, or a sequential one:
 * splitting it would run its hook in two shards, or break the order its tests rely on) and by a shared
 * {@link matchKey}, ignoring case (a name pattern cannot tell them apart). Union-find over the tests, in file order.
 */
function blocksOf(tests: readonly TestTiming[]): TestBlock[] {
  const parent = tests.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstOf = new Map<string, number>();
  const bind = (key: string, i: number) => {
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, i);
    else {
      const a = find(first);
      const b = find(i);
      // The earlier test is the root, so a block's root is its first test.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  };
  tests.forEach((t, i) => {
    // Lower case: Jest compiles a name pattern case-insensitively, so `A` and `a` are one name there.
    bind(`n\u0000${matchKey(t.name).toLowerCase()}`, i);
    if (t.group !== undefined) bind(`g\u0000${t.group}`, i);
  });
  const byRoot = new Map<number, TestBlock>();
  const seen = new Set<string>();
  tests.forEach((t, i) => {
    const root = find(i);
    let block = byRoot.get(root);
    if (!block) byRoot.set(root, (block = { tests: [], ms: 0, first: root }));
    block.ms += t.durationMs;
    if (!seen.has(t.name)) {
      seen.add(t.name);
      block.tests.push(t.name);
    }
  });
  return [...byRoot.values()].sort((a, b) => a.first - b.first);
}

/**
 * Cuts a file into `n` pieces: its blocks, longest first (then in file order), each to the lightest piece
 * (lowest index on ties); the pieces in the order of their first test, each costing F + its tests.
 */
export function cutFile(file: string, cost: FileCost, n: number): Piece[] {
  const bins = Array.from({ length: n }, () => ({ ms: 0, blocks: [] as TestBlock[] }));
  const order = [...cost.blocks].sort((a, b) => b.ms - a.ms || a.first - b.first);
  for (const block of order) {
    let lightest = 0;
    for (let i = 1; i < n; i++) if (bins[i]!.ms < bins[lightest]!.ms) lightest = i;
    bins[lightest]!.ms += block.ms;
    bins[lightest]!.blocks.push(block);
  }
  const filled = bins.filter((b) => b.blocks.length > 0);
  for (const bin of filled) bin.blocks.sort((a, b) => a.first - b.first);
  filled.sort((a, b) => a.blocks[0]!.first - b.blocks[0]!.first);
  return filled.map((bin, i) => ({
    file,
    piece: i + 1,
    of: filled.length,
    tests: bin.blocks.flatMap((b) => b.tests),
    estimatedMs: cost.fixedMs + bin.ms,
  }));
}

/** A unit the split decision sees: a whole file and its (recorded or estimated) time. */
export interface SplitUnit {
  file: string;
  ms: number;
}

/** What {@link decideSplits} decided, and why. */
export interface SplitDecision {
  /** The pieces of every split file, by file in the order they were split. */
  splits: Piece[][];
  /** The predicted slowest shard of the file-level plan, ms. */
  beforeMs: number;
  /** The predicted slowest shard with the splits, ms (equal to `beforeMs` when nothing is split). */
  afterMs: number;
  /**
   * The file that sets the floor of the file-level plan (no file-level plan finishes before it), when one
   * does: the longest file, longer than an even share of the total. Undefined when the total sets it.
   */
  floor: { file: string; ms: number; splittable: boolean } | undefined;
}

/**
 * Decides which files to split and into how many pieces, so that the plan's predicted slowest shard
 * drops. `lanes` is how many files run at once across the shards (shards × workers per shard; the shard
 * count by default). While the longest whole file sets the floor (longer than an even share of the total
 * over the lanes),
 * it is cut into the number of pieces, 2 to `shardCount`, that predicts the lowest slowest shard (the
 * fewest pieces on ties); it is split only if that prediction is lower than without the split. A file
 * the cost model refuses ({@link fileCostOf}) is never split, and stops the search: nothing else can lower
 * a floor that it sets.
 *
 * @example
 * const d = decideSplits(units, (file) => fileCostOf(store.files.get(file)), 3);
 * d.splits; // [[{ file: 'big.test.ts', piece: 1, of: 3, tests: […], estimatedMs: 1040 }, …]]
 */
export function decideSplits(
  units: readonly SplitUnit[],
  costOf: (file: string) => FileCost | undefined,
  shardCount: number,
  predict: PredictMakespan = fileSumMakespan,
  lanes: number = shardCount,
): SplitDecision {
  // Longest first, then by path: a total order, so every job decides the same.
  const whole = [...units].sort((a, b) => b.ms - a.ms || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  let total = 0;
  for (const u of whole) total += u.ms;
  const splits: Piece[][] = [];
  const pieceMs: number[] = [];
  const beforeMs = predict(
    whole.map((u) => u.ms),
    shardCount,
  );
  let currentMs = beforeMs;
  let floor: SplitDecision['floor'];
  let next = 0;
  while (shardCount > 1 && next < whole.length) {
    const candidate = whole[next]!;
    // The total spread evenly over the lanes (shards × workers) is the floor: splitting only adds costs.
    if (candidate.ms * lanes <= total) break;
    const cost = costOf(candidate.file);
    if (splits.length === 0)
      floor = { file: candidate.file, ms: candidate.ms, splittable: cost !== undefined };
    if (!cost) break;
    const rest = whole.slice(next + 1).map((u) => u.ms);
    let best: { pieces: Piece[]; ms: number } | undefined;
    for (let n = 2; n <= Math.min(shardCount, cost.blocks.length); n++) {
      const pieces = cutFile(candidate.file, cost, n);
      const ms = predict([...pieceMs, ...pieces.map((p) => p.estimatedMs), ...rest], shardCount);
      if (!best || ms < best.ms) best = { pieces, ms };
    }
    if (!best || best.ms >= currentMs) break;
    splits.push(best.pieces);
    for (const p of best.pieces) pieceMs.push(p.estimatedMs);
    total += best.pieces.reduce((sum, p) => sum + p.estimatedMs, 0) - candidate.ms;
    currentMs = best.ms;
    next++;
  }
  return { splits, beforeMs, afterMs: currentMs, floor };
}
