/**
 * What a queue job writes in its report (`RunReport.queue`): enough for `shard merge` to prove, from the
 * reports alone, that every unit of the run was acknowledged exactly once.
 */

/** One batch a job ran: its units and when it ran, ms since the job started. */
export interface QueueBatch {
  units: string[];
  startMs: number;
  endMs: number;
  /** The command's exit code (`shard run --queue`); absent when the batch ran in-process. */
  exitCode?: number;
}

/** A queue job's record of the run. */
export interface QueueJobRecord {
  runId: string;
  /** The CI's attempt (a re-run of a failed job is attempt 2 or later). */
  attempt: number;
  /** This job's index (its `--shard I/N`'s I) and the number of jobs (N). */
  job: number;
  jobs: number;
  /** The fingerprint of the plan the queue was seeded from. */
  fingerprint: string;
  /** Every unit of the seed, in seed order: what the proof checks the acknowledgements against. */
  units: string[];
  /** The units this job acknowledged, in order. */
  acked: string[];
  /**
   * Units this job ran whose acknowledgement was in flight when the report was written: a job killed
   * between the two leaves them here. The proof counts them for this job unless another job acknowledged
   * them (then this job's acknowledgement never reached the queue, and the other job ran them again).
   */
  finishing?: string[];
  /** Units this job ran but another job had acknowledged first (this job's lease had run out). */
  ackedElsewhere?: { unit: string; job: string }[];
  /** Units that killed two jobs (as known when this job ended): reported failed, never re-queued. */
  failed?: string[];
  batches: QueueBatch[];
  /** Time spent waiting for work: for the seed, and while other jobs held the last units. */
  waitMs: number;
  /** True when this job replayed its ledger (a re-run of a job that ran before in this run). */
  replayed?: boolean;
}
