/**
 * The exactly-once proof of a queue run, from the jobs' reports alone: every unit of the seed was
 * acknowledged by exactly one job. A unit put back after a dead job counts once, from the job that
 * acknowledged it; a re-run of a job (a later attempt) replaces that job's earlier report.
 */
import { compareCodeUnits } from '../base/paths.js';
import type { QueueJobRecord } from '../formats/queue-record.js';

/** A queue job's row in the merge: its units, its wall and how long it waited for work. */
export interface QueueJobRow {
  job: number;
  attempt: number;
  units: number;
  batches: number;
  /** The job's wall (its report's `job.wallMs`), ms; undefined when the report has none. */
  wallMs: number | undefined;
  waitMs: number;
  replayed: boolean;
}

/** The verdict of {@link proveQueue}. */
export interface QueueProof {
  ok: boolean;
  runId: string;
  fingerprint: string;
  jobs: number;
  units: number;
  rows: QueueJobRow[];
  /** Jobs of the run with no report. */
  missingJobs: number[];
  /** Units no job acknowledged; `failed` when they killed two jobs. */
  notAcked: { unit: string; failed: boolean }[];
  /** Units acknowledged by more than one job. */
  ackedTwice: { unit: string; jobs: number[] }[];
  /** Units acknowledged that the seed does not hold. */
  unknown: { unit: string; job: number }[];
  /** More than one run or seed among the reports: `runId fingerprint` of each. */
  mixed: string[];
}

/** A report as the proof reads it. */
export interface QueueReportInput {
  queue: QueueJobRecord;
  wallMs?: number;
  createdAt?: string;
}

/**
 * Proves a queue run exactly once. Reports of one job from several attempts: the latest attempt counts.
 *
 * @example
 * proveQueue(reports.flatMap((r) => (r.queue ? [{ queue: r.queue, wallMs: r.job?.wallMs }] : [])));
 */
export function proveQueue(reports: readonly QueueReportInput[]): QueueProof {
  const latest = new Map<number, QueueReportInput>();
  for (const r of reports) {
    const prior = latest.get(r.queue.job);
    const later =
      !prior ||
      r.queue.attempt > prior.queue.attempt ||
      (r.queue.attempt === prior.queue.attempt &&
        compareCodeUnits(r.createdAt ?? '', prior.createdAt ?? '') > 0);
    if (later) latest.set(r.queue.job, r);
  }
  const chosen = [...latest.values()].sort((a, b) => a.queue.job - b.queue.job);
  const runs = [...new Set(chosen.map((r) => `${r.queue.runId} ${r.queue.fingerprint}`))].sort(
    compareCodeUnits,
  );
  const first = chosen[0]!.queue;
  const jobs = Math.max(...chosen.map((r) => r.queue.jobs));
  const seed = new Set(chosen.flatMap((r) => r.queue.units));
  const failed = new Set(chosen.flatMap((r) => r.queue.failed ?? []));
  const ackedBy = new Map<string, number[]>();
  const unknown: QueueProof['unknown'] = [];
  for (const r of chosen) {
    for (const unit of r.queue.acked) {
      ackedBy.set(unit, [...(ackedBy.get(unit) ?? []), r.queue.job]);
      if (!seed.has(unit)) unknown.push({ unit, job: r.queue.job });
    }
  }
  // A unit a killed job ran and was acknowledging counts for it, unless another job acknowledged it.
  for (const r of chosen) {
    for (const unit of r.queue.finishing ?? []) {
      if (!ackedBy.has(unit) && seed.has(unit)) ackedBy.set(unit, [r.queue.job]);
    }
  }
  const notAcked = [...seed]
    .filter((u) => !ackedBy.has(u))
    .sort(compareCodeUnits)
    .map((unit) => ({ unit, failed: failed.has(unit) }));
  const ackedTwice = [...ackedBy]
    .filter(([, by]) => by.length > 1)
    .map(([unit, by]) => ({ unit, jobs: by }))
    .sort((a, b) => compareCodeUnits(a.unit, b.unit));
  const reported = new Set(chosen.map((r) => r.queue.job));
  const missingJobs = Array.from({ length: jobs }, (_, i) => i + 1).filter((j) => !reported.has(j));
  const counted = new Map<number, number>();
  for (const by of ackedBy.values()) for (const j of by) counted.set(j, (counted.get(j) ?? 0) + 1);
  const rows = chosen.map((r) => ({
    job: r.queue.job,
    attempt: r.queue.attempt,
    units: counted.get(r.queue.job) ?? 0,
    batches: r.queue.batches.length,
    wallMs: r.wallMs,
    waitMs: r.queue.waitMs,
    replayed: r.queue.replayed === true,
  }));
  const mixed = runs.length > 1 ? runs : [];
  return {
    ok: notAcked.length === 0 && ackedTwice.length === 0 && unknown.length === 0 && mixed.length === 0,
    runId: first.runId,
    fingerprint: first.fingerprint,
    jobs,
    units: seed.size,
    rows,
    missingJobs,
    notAcked,
    ackedTwice,
    unknown,
    mixed,
  };
}

/** The proof's problems, one line each (empty when it holds). */
export function describeQueueProof(proof: QueueProof): string[] {
  const lines: string[] = [];
  const list = (units: readonly string[]) =>
    units.length <= 10 ? units.join(', ') : `${units.slice(0, 10).join(', ')} and ${units.length - 10} more`;
  if (proof.mixed.length > 0) {
    lines.push(
      `the reports come from more than one queue run or seed (${proof.mixed.join('; ')}): merge one run at a time`,
    );
  }
  const killers = proof.notAcked.filter((u) => u.failed).map((u) => u.unit);
  const lost = proof.notAcked.filter((u) => !u.failed).map((u) => u.unit);
  if (killers.length > 0) {
    lines.push(`${killers.length} unit(s) killed two jobs and were not run again (failed): ${list(killers)}`);
  }
  if (lost.length > 0) {
    const missing =
      proof.missingJobs.length > 0
        ? ` (no report from job(s) ${proof.missingJobs.join(', ')} of ${proof.jobs})`
        : '';
    lines.push(`${lost.length} unit(s) of the queue were acknowledged by no job${missing}: ${list(lost)}`);
  }
  for (const t of proof.ackedTwice) {
    lines.push(
      `${t.unit} was acknowledged by jobs ${t.jobs.join(' and ')}: the reports come from two runs of the queue`,
    );
  }
  for (const u of proof.unknown)
    lines.push(`job ${u.job} acknowledged ${u.unit}, which the queue's seed does not hold`);
  return lines;
}
