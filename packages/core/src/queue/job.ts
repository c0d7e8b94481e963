/**
 * One job's side of a queue run, for every front end (`shard run --queue`, the Vitest plugin): seed once,
 * replay the job's ledger when it ran before in this run, then claim batches until the queue is done,
 * holding each under a lease that a heartbeat renews, and acknowledge each unit a batch finished.
 */
import { batchSize } from './batches.js';
import type { QueueBatch, QueueJobRecord } from '../formats/queue-record.js';
import type { RedisQueue } from './redis-queue.js';

/** What a front end gives {@link runQueueJob}. */
export interface QueueJobOptions {
  queue: RedisQueue;
  runId: string;
  attempt: number;
  /** This job's index, 1-based, and the number of jobs. */
  job: number;
  jobs: number;
  fingerprint: string;
  /** The units, longest first (see `seedOrder`), and the mean predicted ms of one. */
  units: readonly string[];
  unitMs: number;
  /** What a batch costs before its first unit (the learned start-up), ms; 0 in one process. */
  startupMs: number;
  /** The smallest useful batch (a runner's workers). @default 1 */
  minimum?: number;
  /** Runs a batch; resolves to its exit code (0 when it passed). A throw stops the job: its units are not acknowledged. */
  runBatch: (units: string[]) => Promise<number>;
  /**
   * Given the job's record after each acknowledged batch (its `failed` not yet read), so a front end can
   * write its report as it goes: a job killed later still names what it acknowledged.
   */
  onRecord?: (record: QueueJobRecord) => Promise<void>;
  /** Told what happens, for one line each. */
  onEvent?: (event: QueueEvent) => void;
  /** ms since the job started. */
  now: () => number;
}

/** What a queue job tells its front end. */
export type QueueEvent =
  | { kind: 'seeded'; by: string; units: number; here: boolean }
  | { kind: 'replay'; units: number }
  | { kind: 'batch'; units: string[]; pending: number }
  | { kind: 'elsewhere'; unit: string; job: string }
  | { kind: 'heartbeat-failed'; message: string };

/**
 * Runs this job's share of the queue; resolves to its record (for the report) and the worst exit code of
 * its batches. Errors from the queue (unreachable for longer than the reconnect window, state lost) are
 * thrown: the job fails loudly rather than go on without the queue.
 */
export async function runQueueJob(
  options: QueueJobOptions,
): Promise<{ record: QueueJobRecord; exitCode: number }> {
  const { queue, job, now, onEvent } = options;
  const name = String(job);
  const waitStart = now();
  const seeded = await queue.seed(
    {
      fingerprint: options.fingerprint,
      units: options.units.length,
      by: name,
      createdAt: new Date().toISOString(),
    },
    options.units,
  );
  onEvent?.({ kind: 'seeded', by: seeded.record.by, units: seeded.record.units, here: seeded.seeded });
  let waitMs = now() - waitStart;
  const batches: QueueBatch[] = [];
  const acked: string[] = [];
  const elsewhere: { unit: string; job: string }[] = [];
  let exitCode = 0;
  let replayed = false;
  const held = new Set<string>();
  const beat = setInterval(
    () => {
      if (held.size === 0) return;
      queue.heartbeat(name, [...held]).catch((error: unknown) => {
        onEvent?.({
          kind: 'heartbeat-failed',
          message: error instanceof Error ? error.message : String(error),
        });
      });
    },
    Math.max(50, Math.floor(queue.leaseMs / 3)),
  );
  beat.unref();

  const run = async (units: string[]) => {
    for (const u of units) held.add(u);
    const startMs = now();
    const code = await options.runBatch(units);
    const endMs = now();
    // The report names the batch before the queue acknowledges it: a job killed in between still says it ran.
    await options.onRecord?.({ ...recordOf([]), finishing: units });
    const answers = await queue.ack(name, units);
    units.forEach((unit, i) => {
      held.delete(unit);
      const answer = answers[i];
      if (answer === 'ok') acked.push(unit);
      else if (answer !== undefined) {
        elsewhere.push({ unit, job: answer });
        onEvent?.({ kind: 'elsewhere', unit, job: answer });
      }
    });
    batches.push({ units, startMs, endMs, exitCode: code });
    if (code !== 0 && exitCode === 0) exitCode = code;
    await options.onRecord?.(recordOf([]));
  };
  const recordOf = (failed: string[]): QueueJobRecord => ({
    runId: options.runId,
    attempt: options.attempt,
    job,
    jobs: options.jobs,
    fingerprint: options.fingerprint,
    units: [...options.units],
    acked: [...acked],
    ...(elsewhere.length > 0 ? { ackedElsewhere: [...elsewhere] } : {}),
    ...(failed.length > 0 ? { failed } : {}),
    batches: [...batches],
    waitMs,
    ...(replayed ? { replayed } : {}),
  });

  try {
    // A job that ran before in this run (a re-run of a failed job) runs exactly what it acknowledged then.
    const ledger = await queue.ledger(name);
    if (ledger.length > 0) {
      replayed = true;
      onEvent?.({ kind: 'replay', units: ledger.length });
      await run(ledger);
    }
    let remaining = options.units.length;
    for (let seq = 1; ; seq++) {
      const size = batchSize({
        remaining,
        jobs: options.jobs,
        startupMs: options.startupMs,
        unitMs: options.unitMs,
        ...(options.minimum === undefined ? {} : { minimum: options.minimum }),
      });
      const claim = await queue.claim(name, `${name}:${options.attempt}:${seq}`, Math.max(1, size));
      if (claim.kind === 'done') break;
      if (claim.kind === 'wait') {
        // Another job holds the last units; they come back here if it dies. Poll often enough that a job
        // whose wait ends (the others finished) leaves soon after: its wall is the job's.
        const started = now();
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(Math.max(claim.nextLeaseEndsMs, 20), 200)),
        );
        waitMs += now() - started;
        remaining = 0;
        continue;
      }
      remaining = claim.pending;
      onEvent?.({ kind: 'batch', units: claim.units, pending: claim.pending });
      await run(claim.units);
    }
  } finally {
    clearInterval(beat);
  }
  return { record: recordOf(await queue.failedUnits()), exitCode };
}
