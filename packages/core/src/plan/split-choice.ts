import { createHash } from 'node:crypto';
import type { Estimator } from '../base/estimate.js';
import { predictShardMs } from '../model/judge.js';
import { partition } from './partition.js';
import type { Plan, PlannedShard, SplitSummary } from '../formats/plan.js';
import { decideSplits, fileCostOf, type PredictMakespan, type SplitUnit } from '../model/test-split.js';
import { type Piece } from '../formats/plan.js';
import type { TimingStore } from '../formats/records.js';
import { splitTimeView } from '../model/time-view.js';
import type { WallModel } from '../formats/records.js';

/** The identity of the split rules; part of the fingerprint of every plan that carries pieces. */
export const SPLIT_VERSION = 'shardwise-split/1';

/** What {@link splitPlan} needs besides the file-level plan. */
export interface SplitPlanOptions {
  store: TimingStore;
  estimator: Estimator;
  /** Put the pieces into the plan (the front end runs them); else only say what splitting would gain. */
  apply: boolean;
  /**
   * The wall model the file-level plan was balanced with: the split plan is balanced with it too, the
   * decision predicts walls with it, and a split is kept only if it lowers the slowest predicted wall.
   */
  wall?: WallModel;
  /** The predicted slowest shard of a set of units (see {@link PredictMakespan}); from `wall` by default. */
  predict?: PredictMakespan;
}

/**
 * The slowest shard's wall under a model, as the decision predicts it: the plan's own proven bound on those
 * units (see `wallLowerBound`), so a split the decision prefers is one the plan can reach: start-up, a
 * worker's start-up, and the longest unit or the total spread over every worker in use, whichever is
 * longer. Every unit pays the gap a worker spends between two files, except each worker's first.
 */
export function wallMakespan(model: WallModel): PredictMakespan {
  const gap = model.fileGapMs ?? 0;
  return (unitsMs, shardCount) => {
    let total = 0;
    let longest = 0;
    for (const ms of unitsMs) {
      total += ms + gap;
      if (ms > longest) longest = ms;
    }
    const used = Math.max(1, Math.min(unitsMs.length, shardCount * model.workers));
    const perWorker = Math.max(longest, Math.ceil(total / used) - gap);
    return model.startupMs + model.workerStartupMs + perWorker;
  };
}

/**
 * A copy of the plan with its split summary. Property by property, not a spread: a spread reads the
 * plan's fingerprint, which is computed only when first read.
 */
function withSplit(plan: Plan, split: SplitSummary): Plan {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(plan)) as Plan;
  copy.split = split;
  return copy;
}

/**
 * A file-level plan with its test-level splits: when the longest file sets the plan's floor, the pieces
 * that lower the slowest shard (see {@link decideSplits}), planned with the other files. The plan is
 * returned unchanged, with a {@link SplitSummary}, when no file sets the floor, when splitting does not
 * lower the partitioner's slowest shard, or when `apply` is off. Pure and deterministic: the pieces' tests
 * are part of the fingerprint.
 */
export function splitPlan(filePlan: Plan, options: SplitPlanOptions): Plan {
  const k = filePlan.shardCount;
  const durations = options.store.files;
  const msOf = (file: string) => durations.get(file)?.durationMs ?? filePlan.unknownEstimateMs;
  // Shards list their files longest first: the longest file of the plan in O(k).
  let longest = 0;
  for (const s of filePlan.shards) if (s.files.length > 0) longest = Math.max(longest, msOf(s.files[0]!));
  const lanes = k * (options.wall?.workers ?? 1);
  if (k < 2 || longest * lanes <= filePlan.totalMs) return filePlan;

  const units: SplitUnit[] = [];
  for (const s of filePlan.shards) for (const file of s.files) units.push({ file, ms: msOf(file) });
  const predict = options.predict ?? (options.wall ? wallMakespan(options.wall) : undefined);
  // Each file's tests seen at the file's own (smoothed) time, as the plan sees the file.
  const costOf = (file: string) => fileCostOf(splitTimeView(durations.get(file)));
  const decision = decideSplits(units, costOf, k, predict, lanes);
  // With a wall model, plans are judged by their slowest predicted wall; else by their slowest sum.
  const slowest = (plan: Pick<Plan, 'wall' | 'makespanMs'>) => plan.wall?.makespanMs ?? plan.makespanMs;
  const summary: SplitSummary = {
    floor: decision.floor,
    fileLevelMs: slowest(filePlan),
    splitMs: slowest(filePlan),
    files: [],
    applied: false,
  };
  if (decision.splits.length === 0) return withSplit(filePlan, summary);

  const split = new Set(decision.splits.map((pieces) => pieces[0]!.file));
  const pieceByKey = new Map<string, Piece>();
  const unitMs = new Map<string, number>();
  for (const u of units) if (!split.has(u.file)) unitMs.set(u.file, u.ms);
  for (const pieces of decision.splits) {
    for (const p of pieces) {
      const key = pieceKey(p);
      pieceByKey.set(key, p);
      unitMs.set(key, p.estimatedMs);
    }
  }
  // Unknown files go in at the estimate the file-level plan used, so that the pieces (now known) do not
  // move it.
  const planned = partition([...unitMs.keys()], {
    shardCount: k,
    durations: unitMs,
    estimator: options.estimator,
    ...(options.wall ? { wall: options.wall } : {}),
  });
  const fixed = new Map<string, number>();
  for (const file of split) fixed.set(file, costOf(file)!.fixedMs);
  const shards = separatePieces(planned.shards, pieceByKey, fixed);
  // Each shard judged as it will run (two pieces joined pay the fixed cost once), by the measure that
  // judges every split.
  if (options.wall) {
    for (const s of shards) {
      const units = [
        ...s.files.map((f) => unitMs.get(f) ?? msOf(f)),
        ...(s.pieces ?? []).map((p) => p.estimatedMs),
      ];
      s.wallMs = predictShardMs(units, options.wall);
    }
  }
  const makespanMs = Math.max(0, ...shards.map((s) => s.estimatedMs));
  const splitMs = planned.wall ? Math.max(0, ...shards.map((s) => s.wallMs ?? 0)) : makespanMs;
  if (splitMs >= summary.fileLevelMs) return withSplit(filePlan, summary);
  summary.splitMs = splitMs;
  summary.files = fileCounts(shards);
  if (!options.apply) return withSplit(filePlan, summary);
  summary.applied = true;
  return {
    ...filePlan,
    fingerprint: splitFingerprint(planned.fingerprint, shards),
    totalMs: shards.reduce((sum, s) => sum + s.estimatedMs, 0),
    makespanMs,
    lowerBoundMs: Math.min(planned.lowerBoundMs, makespanMs),
    emptyShards: shards.filter((s) => s.files.length === 0 && !s.pieces).map((s) => s.index),
    shards,
    ...(planned.wall
      ? {
          wall: {
            ...planned.wall,
            makespanMs: splitMs,
            lowerBoundMs: Math.min(planned.wall.lowerBoundMs, splitMs),
          },
        }
      : {}),
    split: summary,
  };
}

/** A piece as a unit of the partitioner: NUL never occurs in a path, so no file has this key. */
function pieceKey(p: Piece): string {
  return `${p.file}\u0000${p.piece}`;
}

/**
 * The partitioned shards with their piece keys taken out of `files` and listed as pieces. Two pieces of one
 * file in one shard would pay its fixed cost twice and report one file twice: they become one piece (the
 * fixed cost paid once), and a file whose pieces all landed in one shard is whole again. Pieces are then
 * renumbered per file in their order, and the one holding the last piece stays last: it runs the rest.
 */
function separatePieces(
  shards: readonly PlannedShard[],
  pieceByKey: ReadonlyMap<string, Piece>,
  fixedMs: ReadonlyMap<string, number>,
): PlannedShard[] {
  const out: PlannedShard[] = [];
  const byFile = new Map<string, { piece: Piece; shard: PlannedShard }[]>();
  for (const shard of shards) {
    // Two pieces merged below leave the wall a fixed cost high: splitPlan judges the shards again.
    const next: PlannedShard = {
      index: shard.index,
      estimatedMs: shard.estimatedMs,
      ...(shard.wallMs === undefined ? {} : { wallMs: shard.wallMs }),
      files: [],
    };
    const mine = new Map<string, Piece>();
    for (const key of shard.files) {
      const p = pieceByKey.get(key);
      if (!p) {
        next.files.push(key);
        continue;
      }
      const seen = mine.get(p.file);
      if (!seen) {
        const copy = { ...p, tests: [...p.tests] };
        mine.set(p.file, copy);
        (next.pieces ??= []).push(copy);
        const list = byFile.get(p.file) ?? [];
        list.push({ piece: copy, shard: next });
        byFile.set(p.file, list);
        continue;
      }
      const f = fixedMs.get(p.file) ?? 0;
      seen.tests = seen.piece < p.piece ? [...seen.tests, ...p.tests] : [...p.tests, ...seen.tests];
      seen.piece = Math.max(seen.piece, p.piece);
      seen.estimatedMs += p.estimatedMs - f;
      next.estimatedMs -= f;
    }
    out.push(next);
  }
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.piece.piece - b.piece.piece);
    if (list.length === 1) {
      // All its pieces in one shard: the file runs whole, longest first among the shard's files.
      const { shard } = list[0]!;
      shard.pieces = shard.pieces!.filter((p) => p.file !== file);
      if (shard.pieces.length === 0) delete shard.pieces;
      shard.files.unshift(file);
      continue;
    }
    list.forEach(({ piece }, i) => {
      piece.piece = i + 1;
      piece.of = list.length;
    });
  }
  return out;
}

/** How many pieces each split file has, by file. */
function fileCounts(shards: readonly PlannedShard[]): { file: string; of: number }[] {
  const counts = new Map<string, number>();
  for (const s of shards) for (const p of s.pieces ?? []) counts.set(p.file, (counts.get(p.file) ?? 0) + 1);
  return [...counts]
    .map(([file, of]) => ({ file, of }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function splitFingerprint(base: string, shards: readonly PlannedShard[]): string {
  const hash = createHash('sha256').update(`${SPLIT_VERSION}\n${base}\n`);
  for (const s of shards) {
    for (const p of s.pieces ?? [])
      hash.update(`${s.index}\u0000${p.file}\u0000${p.piece}/${p.of}\u0000${p.tests.join('\u0000')}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
