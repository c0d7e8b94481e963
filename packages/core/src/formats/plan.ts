/** One piece of a split file, as a plan lists it. */
export interface Piece {
  /** The file's unit key. */
  file: string;
  /** 1-based; the last piece (`piece === of`) runs every test the other pieces do not name. */
  piece: number;
  of: number;
  /**
   * Full test names (`describe > it`), in file order. For the last piece: the tests the plan expects it to
   * run (the rest of the file at planning time; tests added since also land there).
   */
  tests: string[];
  /** Predicted time: the file's fixed cost plus these tests, ms. */
  estimatedMs: number;
}

/** One shard of a plan. */
export interface PlannedShard {
  /** 1-based shard index. */
  index: number;
  /** Sum of the recorded or estimated durations of its files, in ms. */
  estimatedMs: number;
  /**
   * The predicted wall of this shard's job under the plan's wall model ({@link Plan.wall}): start-up plus
   * the finish of its files run longest first on the model's workers. Absent without a model.
   */
  wallMs?: number;
  /**
   * How far its prediction may be off, ± ms: the spread of its files' recent measurements (see
   * `predictionSpreadMs`). Absent when none of its files has two measurements.
   */
  spreadMs?: number;
  /** Its files, longest first (then by path), so a runner's workers finish together. */
  files: string[];
  /** Pieces of split files this shard runs (test-level splits), longest first; absent when none. */
  pieces?: Piece[];
}

/** What test-level splitting found for a plan: the file that sets the floor, and what splitting gains. */
export interface SplitSummary {
  /** The file that sets the floor of the file-level plan: longer than an even share of the total. */
  floor: { file: string; ms: number; splittable: boolean } | undefined;
  /** The slowest shard of the file-level plan, ms. */
  fileLevelMs: number;
  /** The slowest shard with the files split as `files` says, ms (`fileLevelMs` when nothing pays). */
  splitMs: number;
  /** The files splitting would cut (or did cut, when `applied`), and into how many pieces. */
  files: { file: string; of: number }[];
  /** Whether the plan's shards carry the pieces (the front end runs pieces), or the files stay whole. */
  applied: boolean;
}

/** The output of {@link partition}: every file in exactly one shard. */
export interface Plan {
  shardCount: number;
  /**
   * A hash of the normalized inputs (files, known durations, shard count, estimator, previous plan) and the
   * algorithm version. Two CI jobs with the same fingerprint computed the same plan.
   */
  fingerprint: string;
  /** Sum of all (recorded or estimated) durations, ms. */
  totalMs: number;
  /** The slowest shard's estimated time, ms. */
  makespanMs: number;
  /** A proven lower bound on the makespan of any plan; `makespanMs === lowerBoundMs` means optimal. */
  lowerBoundMs: number;
  /** Files with no recorded duration, sorted; they were planned at {@link Plan.unknownEstimateMs}. */
  unknownFiles: string[];
  /** The duration assumed for each unknown file, ms. */
  unknownEstimateMs: number;
  /**
   * The wall-clock model the plan balanced, and its figures: each shard job's predicted wall (start-up plus
   * the finish of its files on `workers` workers), the slowest one, and a proven lower bound for the model.
   * Absent when no model was given: then shards are balanced by their sums.
   */
  wall?: PlanWall;
  /** 1-based indices of the listed shards that hold no file (see {@link Plan.shards}). */
  emptyShards: number[];
  /**
   * The shards in index order, up to the last one that can hold a file: all `shardCount` of them when there
   * are at least as many files as shards; with more shards than files, one shard per file, and every shard
   * past `shards.length` is empty (so `--shard 1/100000000` costs what the files cost, not the shards).
   * Read a shard with {@link shardOf}.
   */
  shards: PlannedShard[];
  /** Test-level splitting, when a file sets the floor of the file-level plan. */
  split?: SplitSummary;
}

/** A plan's wall-clock model and figures (see {@link Plan.wall}). */
export interface PlanWall {
  startupMs: number;
  workerStartupMs: number;
  workers: number;
  /** What a worker spends between two files (the wall model's `fileGapMs`); absent when none. */
  fileGapMs?: number;
  /** The slowest shard's predicted wall, ms. */
  makespanMs: number;
  /** No plan of these files on this many shards can have a smaller predicted slowest wall. */
  lowerBoundMs: number;
}

/** A previous plan, for the stability option: only the assignment matters. */
export interface PreviousPlan {
  shards: ReadonlyArray<{ readonly files: readonly string[] }>;
}

/** The identity of the algorithm; part of every fingerprint, so plans from different versions never match. */
export const ALGORITHM_VERSION = 'shardwise-partition/2';

/** Shard `index` (1-based) of a plan: a listed one, or an empty one past the listed shards. */
export function shardOf(plan: Pick<Plan, 'shards'>, index: number): PlannedShard {
  return plan.shards[index - 1] ?? { index, estimatedMs: 0, files: [] };
}

/**
 * What a plan predicts for a shard: its job's wall under the plan's wall model, else its files' sum. Every
 * front end shows and compares this one figure.
 */
export function predictedMs(plan: Pick<Plan, 'wall'>, shard: PlannedShard): number {
  return plan.wall ? (shard.wallMs ?? 0) : shard.estimatedMs;
}

/** The plan's slowest prediction and its proven bound, in the same measure as {@link predictedMs}. */
export function predictedSpan(plan: Plan): { makespanMs: number; lowerBoundMs: number } {
  const { makespanMs, lowerBoundMs } = plan.wall ?? plan;
  return { makespanMs, lowerBoundMs };
}

/** How many shards of a plan hold no file, listed or past the listed ones. */
export function emptyShardCount(plan: Pick<Plan, 'shardCount' | 'shards' | 'emptyShards'>): number {
  return plan.emptyShards.length + plan.shardCount - plan.shards.length;
}

/** Which tests of a split file a piece runs: those it names, or, for the last piece, all but the others'. */
export type PieceTests = { only: string[] } | { except: string[] };

/**
 * The tests a piece runs, by full name. Every piece but the last runs exactly the tests it names; the last
 * runs every test that no other piece of the file names, so that a test added (or renamed) since the store
 * was written still runs exactly once. Each front end turns this into its runner's filter.
 */
export function pieceTests(piece: Piece, plan: Pick<Plan, 'shards'>): PieceTests {
  if (piece.piece < piece.of) return { only: piece.tests };
  const except: string[] = [];
  for (const shard of plan.shards) {
    for (const p of shard.pieces ?? [])
      if (p.file === piece.file && p.piece !== piece.piece) except.push(...p.tests);
  }
  return { except };
}

/** Whether a piece runs the test of this full name: a test-name filter built once, for many names. */
export function pieceFilter(tests: PieceTests): (name: string) => boolean {
  const only = 'only' in tests;
  const names = new Set(only ? tests.only : tests.except);
  return (name) => names.has(name) === only;
}
