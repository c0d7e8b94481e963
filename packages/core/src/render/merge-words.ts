/**
 * The words of a merge: the shard table's cells and notes, the slowest job and its reason, a job that ran on
 * a slow machine. One place, so the terminal, the step summary, the pull-request comment and the HTML
 * report say the same thing from the same figures.
 */
import type { CoverageResult } from '../learn/exactly-once.js';
import type { JobPace } from '../model/job-pace.js';
import type { ShardRow, SlowestShard } from '../learn/shard-summary.js';
import { formatMs, formatPredicted, signedPercent } from './text.js';

/** The shard table's header; {@link shardCells} gives a row. */
export const SHARD_HEADER = ['Shard', 'Files', 'Ran', 'Predicted', 'Actual wall', 'Error'];

/** `2/4` when the shard count is known, else `2`. */
export function shardName(index: number, shardCount: number | undefined): string {
  return shardCount ? `${index}/${shardCount}` : String(index);
}

/** One row of the shard table. */
export function shardCells(s: ShardRow, shardCount?: number): string[] {
  return [
    shardName(s.index, shardCount),
    String(s.planned),
    s.ran === null ? 'no report' : s.otherPlan ? `${s.ran} (plan ${s.otherPlan.slice(0, 8)})` : String(s.ran),
    formatPredicted(s.predictedMs, s.spreadMs),
    s.wallMs === null ? (s.actualMs === null ? '-' : `${formatMs(s.actualMs)} (files)`) : formatMs(s.wallMs),
    s.error === null ? '-' : signedPercent(s.error),
  ];
}

/** What the table's Predicted, Actual wall and Error columns mean. */
export function predictionNote(shards: readonly ShardRow[]): string {
  return shards.some((s) => s.predicted === 'files')
    ? 'Predicted: the sum of the planned files (no wall model yet; this merge learns one from the jobs). Actual wall: each job, start-up included. Error: how much longer (+) or shorter (−) the job took than predicted.'
    : 'Predicted: the wall each job was planned with. Actual wall: each job, start-up included, by its runner’s clock. Error: how much longer (+) or shorter (−) the job took than predicted.';
}

/** Under the table of a mixed-plan run: which rows describe a plan other than the reference. */
export function otherPlanNote(shards: readonly ShardRow[], coverage: CoverageResult): string | undefined {
  const other = shards.filter((s) => s.otherPlan !== undefined);
  if (other.length === 0 || !coverage.plan) return undefined;
  const names = other.map(
    (s) => `${s.index}/${coverage.shardCount} ran under plan ${s.otherPlan!.slice(0, 8)}`,
  );
  return `Shard ${names.join(', ')}, not the reference plan ${coverage.plan.fingerprint.slice(0, 8)}: its row shows that plan's files and prediction.`;
}

/** One line: which job was slowest and why. */
export function describeSlowest(s: SlowestShard, shardCount: number | undefined): string {
  const name = `shard ${shardName(s.index, shardCount)} (${formatMs(s.wallMs)})`;
  if (s.filter === undefined) return slowestReason(name, s);
  // A job a filter ran in part says so, naming the filter.
  const filter = s.filter ? `the filter ${s.filter}` : 'a test filter';
  if (s.reason === 'over-predicted')
    return `${name}: ${formatMs(s.ms)} (${signedPercent(s.error!)}) under its prediction: ${filter} ran only some of its files' tests`;
  return `${slowestReason(name, s)}; it ran under ${filter}`;
}

function slowestReason(name: string, s: SlowestShard): string {
  switch (s.reason) {
    case 'startup':
      return `${name}: start-up, ${formatMs(s.ms)} of it before and after its files; fewer shards would waste less`;
    case 'big-file':
      return `${name}: one big file, ${s.file} took ${formatMs(s.ms)} of it; no plan finishes before it`;
    case 'estimate':
      return `${name}: ${s.untimed} of its files had no timing yet and were planned by estimate; ${formatMs(s.ms)} over its prediction, and the store now knows them`;
    case 'machine':
      return `${name}: a slow machine, ${formatMs(s.ms)} (${signedPercent(s.error!)}) over its prediction: its files ran ${s.factor!.toFixed(1)}× slower than the run's pace`;
    case 'noise':
      return `${name}: noise, ${formatMs(s.ms)} over its prediction with no start-up or big file to explain it (a slower machine or a cold cache)`;
    case 'over-predicted':
      return `${name}: ${formatMs(s.ms)} (${signedPercent(s.error!)}) under its prediction: its files took less than the store said`;
    case 'balanced':
      return `${name}: as planned${s.error === undefined ? '' : `, ${signedPercent(s.error)} against its prediction (within 25%)`}`;
    default:
      return unreachable(s.reason);
  }
}

/**
 * A job that ran slow (or fast) on nearly every file, e.g. `shard 2/3 ran 1.3× slower than the rest of the
 * run on every file (13): the machine, not the files; …`.
 */
export function describeMachineJob(p: JobPace, shardCount: number | undefined): string {
  const name = p.shard === undefined ? `a ${p.runner} job` : `shard ${shardName(p.shard, shardCount)}`;
  const how = p.relative >= 1 ? `${p.relative.toFixed(1)}× slower` : `${(1 / p.relative).toFixed(1)}× faster`;
  const files = p.similar === p.files ? `every file (${p.files})` : `${p.similar} of its ${p.files} files`;
  return `${name} ran ${how} than the run's pace on ${files}: the machine, not the files; its times were learned at the run's pace`;
}

function unreachable(reason: never): never {
  throw new Error(`unknown reason ${String(reason)}`);
}
