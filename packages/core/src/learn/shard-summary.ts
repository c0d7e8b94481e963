import type { CoverageResult } from './exactly-once.js';
import { DEFAULT_UNKNOWN_MS } from '../base/estimate.js';
import type { JobPace } from '../model/job-pace.js';
import { compareCodeUnits } from '../base/paths.js';
import type { RunReport } from '../formats/report.js';
import type { TimingStore } from '../formats/records.js';
import { fixedCostMs } from '../model/test-split.js';
import { observeJob } from '../model/wall-model.js';

/** Predicted against actual time of one shard of the reference plan. */
export interface ShardRow {
  index: number;
  /** Files the plan gave it, pieces of split files included. */
  planned: number;
  /** The same count, under the name `shard merge --json` documents. */
  files: number;
  /** Files its reports list; null when it sent no report. */
  ran: number | null;
  /**
   * What the job was predicted to take, ms: the wall its plan predicted when the plan had a wall model
   * (`predicted: 'wall'`), else its files' sum as planned or, for reports of older versions, from the
   * store before this merge (`predicted: 'files'`). Never remade from the updated store.
   */
  predictedMs: number;
  predicted: 'wall' | 'files';
  /**
   * How far the prediction could be off, ± ms (see `predictionSpreadMs`), as the plan the job ran under
   * carried it; 0 when its files had too few measurements or the plan carried none.
   */
  spreadMs: number;
  /** The job's real wall (its runner's clock, start-up included); null without a report or a job clock. */
  wallMs: number | null;
  /** Sum of the durations its reports list; null when it sent no report. */
  actualMs: number | null;
  /** Its planned files the store had no duration for (before this merge): planned by estimate. */
  untimed: number;
  /**
   * How much longer (+) or shorter (−) the job took than predicted, as a fraction of the prediction:
   * `(wallMs − predictedMs) / predictedMs`. Null without a job clock or a prediction. The table's Error
   * column and the slowest job's reason both read this one figure.
   */
  error: number | null;
  /**
   * The fingerprint of the plan this shard's reports ran under, when it is not the reference plan's (a
   * mixed-plan run): the row then describes that plan's files and prediction for this shard.
   */
  otherPlan?: string;
}

/**
 * One row per shard of the plan that coverage checked (`coverage.plan`): what was planned and predicted,
 * what ran and took. Empty when no report carried a plan.
 */
export function summarizeShards(
  coverage: CoverageResult,
  reports: readonly RunReport[],
  base: TimingStore | undefined,
): ShardRow[] {
  const plan = coverage.plan;
  if (!plan) return [];
  const own = reports.filter((r) => r.plan?.fingerprint === plan.fingerprint);
  const carried = own.find((r) => r.plan?.wallMs ?? r.plan?.estimatedMs)?.plan;
  const known = (file: string) => base?.files.get(file)?.durationMs;
  const knownValues = plan.shards
    .flat()
    .map(known)
    .filter((d): d is number => d !== undefined);
  const fallback =
    knownValues.length > 0
      ? Math.round(knownValues.reduce((a, b) => a + b, 0) / knownValues.length)
      : DEFAULT_UNKNOWN_MS;
  // A piece, for reports of plans that carried no predictions: the file's fixed cost plus its tests, as
  // the store knew them.
  const pieceMs = (file: string, tests: readonly string[]) => {
    const entry = base?.files.get(file);
    if (!entry?.tests) return fallback;
    const byName = new Map<string, number>();
    for (const t of entry.tests) byName.set(t.name, (byName.get(t.name) ?? 0) + t.durationMs);
    return fixedCostMs(entry) + tests.reduce((sum, t) => sum + (byName.get(t) ?? 0), 0);
  };
  const byShard = reportsByShard(coverage, reports);
  return plan.shards.map((_, i) => {
    const mine = byShard.get(i + 1) ?? [];
    // A shard that ran under another plan is described by that plan: what it was given and predicted.
    const ranUnder = mine[0]?.plan ?? plan;
    const other = ranUnder.fingerprint === plan.fingerprint ? undefined : ranUnder;
    const predictions = other ?? carried;
    const files = ranUnder.shards[i] ?? [];
    const ran = mine.length === 0 ? null : mine.reduce((n, r) => n + r.files.length, 0);
    const walls = mine.map((r) => r.job?.wallMs).filter((w): w is number => w !== undefined);
    const wall = predictions?.wallMs?.[i];
    const sum = predictions?.estimatedMs?.[i];
    const pieces = (ranUnder.pieces ?? []).filter((p) => p.shard === i + 1);
    const predictedMs =
      wall ??
      sum ??
      files.reduce((total, f) => total + (known(f) ?? fallback), 0) +
        pieces.reduce((total, p) => total + pieceMs(p.file, p.tests), 0);
    // Several reports of one shard (two runners in one job) ran one after the other.
    const wallMs = walls.length === 0 ? null : walls.reduce((a, b) => a + b, 0);
    const row: ShardRow = {
      index: i + 1,
      planned: files.length + pieces.length,
      files: files.length + pieces.length,
      ran,
      predictedMs,
      predicted: wall === undefined ? 'files' : 'wall',
      spreadMs: predictions?.spreadMs?.[i] ?? 0,
      wallMs,
      actualMs:
        mine.length === 0
          ? null
          : mine.reduce((total, r) => total + r.files.reduce((s, f) => s + f.durationMs, 0), 0),
      untimed: files.filter((f) => known(f) === undefined).length,
      error: wallMs === null || predictedMs === 0 ? null : (wallMs - predictedMs) / predictedMs,
    };
    if (other) row.otherPlan = other.fingerprint;
    return row;
  });
}

/**
 * The reports each shard's row describes, by shard index: those under the reference plan, or, for a shard
 * that reported only under other plans (a mixed-plan run), those under the first of them in code-unit order.
 * The slowest-job reason reads the same reports as the table, so no figure of one contradicts the other.
 */
export function reportsByShard(
  coverage: CoverageResult,
  reports: readonly RunReport[],
): Map<number, RunReport[]> {
  const reference = coverage.plan?.fingerprint;
  const byShard = new Map<number, RunReport[]>();
  if (reference === undefined) return byShard;
  const planned = reports.filter((r) => r.plan !== undefined);
  for (const index of new Set(planned.map((r) => r.shard?.index ?? 1))) {
    const mine = planned.filter((r) => (r.shard?.index ?? 1) === index);
    const fingerprints = [...new Set(mine.map((r) => r.plan!.fingerprint))].sort(compareCodeUnits);
    const chosen = fingerprints.includes(reference) ? reference : fingerprints[0]!;
    byShard.set(
      index,
      mine.filter((r) => r.plan!.fingerprint === chosen),
    );
  }
  return byShard;
}

/** Why the slowest shard job was the slowest. */
export interface SlowestShard {
  index: number;
  wallMs: number;
  /**
   * Read from the job's row ({@link ShardRow.error}) first, so the reason never contradicts the table:
   * over its prediction by more than 25%: `estimate` (some files had no timing yet: planned at an
   * estimate, the merge now knows them), `startup` (the start-up took most of the excess), `machine` (every
   * file ran slower by one factor: {@link JobPace.machine}), else `noise` (a cold cache, something we
   * cannot name); under it by more than 25%: `over-predicted` (the store said its files
   * take longer than they did). Within 25%: `big-file` (one whole file, never a piece of a split one,
   * took nearly all of it: no plan finishes before that file), `startup` (most of its wall was the runner
   * starting: more shards would not help), else `balanced` (as slow as the plan expected).
   */
  reason: 'startup' | 'big-file' | 'estimate' | 'machine' | 'noise' | 'over-predicted' | 'balanced';
  /**
   * Milliseconds behind the reason: the start-up, the big file's time, the excess over the prediction
   * (`estimate`, `noise`, `balanced`: negative when under it), or how far under it (`over-predicted`).
   */
  ms: number;
  /** The row's {@link ShardRow.error}, when the job had a prediction. */
  error?: number;
  /** The big file, for `big-file`. */
  file?: string;
  /** Its files planned by estimate, for `estimate`. */
  untimed?: number;
  /** How much slower than the run's pace its files ran, for `machine` ({@link JobPace.relative}). */
  factor?: number;
}

/** Start-up above this share of a job's wall makes it the reason. */
const STARTUP_SHARE = 0.4;
/**
 * One whole file whose time (with the job's start-up) is at least this share of the job's wall is the
 * reason: the job could not have finished much before it under any plan.
 */
const FILE_FLOOR_SHARE = 0.9;
/** A job this much over (or under) its prediction is explained by the miss, before anything else. */
const NOISE = 0.25;

/**
 * The shard whose job took longest, and why; undefined when no report had a job clock. `machineJobs` are
 * the merge's jobs that ran slow on every file (`MergeResult.machineJobs`).
 */
export function explainSlowest(
  rows: readonly ShardRow[],
  reports: readonly RunReport[],
  machineJobs: readonly JobPace[] = [],
): SlowestShard | undefined {
  let slowest: ShardRow | undefined;
  for (const row of rows)
    if (row.wallMs !== null && (!slowest || row.wallMs > slowest.wallMs!)) slowest = row;
  if (!slowest) return undefined;
  const wallMs = slowest.wallMs!;
  const mine = reports.filter((r) => (r.shard?.index ?? 1) === slowest.index && r.job);
  let startup = 0;
  let big: { file: string; ms: number } | undefined;
  for (const r of mine) {
    startup += observeJob(r)?.startupMs ?? 0;
    // A piece of a split file is not "a big file": the plan already cut it.
    for (const f of r.files)
      if (f.piece === undefined && (!big || f.durationMs > big.ms)) big = { file: f.file, ms: f.durationMs };
  }
  const error = slowest.error;
  const base = { index: slowest.index, wallMs, ...(error === null ? {} : { error }) };
  const excess = wallMs - slowest.predictedMs;
  // The start-up the prediction already counted (none when the plan had no wall model).
  const predictedStartup = mine.find((r) => r.plan?.wall)?.plan?.wall?.startupMs ?? 0;
  if (error !== null && error > NOISE) {
    // Slower than predicted: the start-up, if it took most of the excess; else nothing we can name.
    // Files planned at an estimate explain a miss before anything else: the merge now knows them.
    if (slowest.untimed > 0) return { ...base, reason: 'estimate', ms: excess, untimed: slowest.untimed };
    if (startup - predictedStartup >= excess / 2) return { ...base, reason: 'startup', ms: startup };
    const machine = machineJobs.find((p) => p.shard === slowest.index && p.relative > 1);
    if (machine) return { ...base, reason: 'machine', ms: excess, factor: machine.relative };
    return { ...base, reason: 'noise', ms: excess };
  }
  if (error !== null && error < -NOISE) return { ...base, reason: 'over-predicted', ms: -excess };
  if (big && big.ms + startup >= FILE_FLOOR_SHARE * wallMs)
    return { ...base, reason: 'big-file', ms: big.ms, file: big.file };
  if (startup > STARTUP_SHARE * wallMs) return { ...base, reason: 'startup', ms: startup };
  return { ...base, reason: 'balanced', ms: excess };
}
