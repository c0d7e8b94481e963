import type { CoverageResult } from './coverage.js';
import { DEFAULT_UNKNOWN_MS } from './estimate.js';
import type { RunReport } from './report-format.js';
import type { TimingStore } from './store.js';
import { fixedCostMs } from './split.js';
import { observeJob } from './wall-model.js';

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
  /** The job's real wall (its runner's clock, start-up included); null without a report or a job clock. */
  wallMs: number | null;
  /** Sum of the durations its reports list; null when it sent no report. */
  actualMs: number | null;
  /** Its planned files the store had no duration for (before this merge): planned by estimate. */
  untimed: number;
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
  return plan.shards.map((files, i) => {
    const mine = own.filter((r) => (r.shard?.index ?? 1) === i + 1);
    const ran = mine.length === 0 ? null : mine.reduce((n, r) => n + r.files.length, 0);
    const walls = mine.map((r) => r.job?.wallMs).filter((w): w is number => w !== undefined);
    const wall = carried?.wallMs?.[i];
    const sum = carried?.estimatedMs?.[i];
    const pieces = (plan.pieces ?? []).filter((p) => p.shard === i + 1);
    return {
      index: i + 1,
      planned: files.length + pieces.length,
      files: files.length + pieces.length,
      ran,
      predictedMs:
        wall ??
        sum ??
        files.reduce((total, f) => total + (known(f) ?? fallback), 0) +
          pieces.reduce((total, p) => total + pieceMs(p.file, p.tests), 0),
      predicted: wall === undefined ? 'files' : 'wall',
      // Several reports of one shard (two runners in one job) ran one after the other.
      wallMs: walls.length === 0 ? null : walls.reduce((a, b) => a + b, 0),
      actualMs:
        mine.length === 0
          ? null
          : mine.reduce((total, r) => total + r.files.reduce((s, f) => s + f.durationMs, 0), 0),
      untimed: files.filter((f) => known(f) === undefined).length,
    };
  });
}

/** Why the slowest shard job was the slowest. */
export interface SlowestShard {
  index: number;
  wallMs: number;
  /**
   * `startup`: most of its wall was the runner starting (more shards would not help);
   * `big-file`: one file took most of it (the file floor: split the file or accept it);
   * `noise`: it took much longer than predicted though nothing above explains it (a slow machine, a
   * cold cache); `estimate`: over its prediction, and some of its files had no timing yet (planned at an
   * estimate; the merge now knows them); `balanced`: within the prediction, as slow as the plan expected.
   */
  reason: 'startup' | 'big-file' | 'estimate' | 'noise' | 'balanced';
  /** Milliseconds behind the reason: the start-up, the big file's time, or the excess over the prediction. */
  ms: number;
  /** The big file, for `big-file`. */
  file?: string;
  /** Its files planned by estimate, for `estimate`. */
  untimed?: number;
}

/** Start-up above this share of a job's wall makes it the reason. */
const STARTUP_SHARE = 0.4;
/** One file above this share of a job's wall makes it the reason. */
const FILE_SHARE = 0.5;
/** A job this much over its prediction, unexplained otherwise, is noise. */
const NOISE = 0.25;

/** The shard whose job took longest, and why; undefined when no report had a job clock. */
export function explainSlowest(
  rows: readonly ShardRow[],
  reports: readonly RunReport[],
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
    for (const f of r.files) if (!big || f.durationMs > big.ms) big = { file: f.file, ms: f.durationMs };
  }
  const base = { index: slowest.index, wallMs };
  const excess = wallMs - slowest.predictedMs;
  // The start-up the prediction already counted (none when the plan had no wall model).
  const predictedStartup = mine.find((r) => r.plan?.wall)?.plan?.wall?.startupMs ?? 0;
  if (excess > NOISE * slowest.predictedMs) {
    // Slower than predicted: the start-up, if it took most of the excess; else nothing we can name.
    // Files planned at an estimate explain a miss before anything else: the merge now knows them.
    if (slowest.untimed > 0) return { ...base, reason: 'estimate', ms: excess, untimed: slowest.untimed };
    if (startup - predictedStartup >= excess / 2) return { ...base, reason: 'startup', ms: startup };
    return { ...base, reason: 'noise', ms: excess };
  }
  if (big && big.ms > FILE_SHARE * wallMs) return { ...base, reason: 'big-file', ms: big.ms, file: big.file };
  if (startup > STARTUP_SHARE * wallMs) return { ...base, reason: 'startup', ms: startup };
  return { ...base, reason: 'balanced', ms: Math.max(0, excess) };
}
