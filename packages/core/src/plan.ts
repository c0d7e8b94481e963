/** One shard of a plan. */
export interface PlannedShard {
  /** 1-based shard index. */
  index: number;
  /** Sum of the recorded or estimated durations of its files, in ms. */
  estimatedMs: number;
  /** Its files, longest first (then by path), so a runner's workers finish together. */
  files: string[];
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
  /** 1-based indices of shards with no files (when there are more shards than files). */
  emptyShards: number[];
  shards: PlannedShard[];
}

/** A previous plan, for the stability option: only the assignment matters. */
export interface PreviousPlan {
  shards: ReadonlyArray<{ readonly files: readonly string[] }>;
}

/** The identity of the algorithm; part of every fingerprint, so plans from different versions never match. */
export const ALGORITHM_VERSION = 'shardwise-partition/1';
