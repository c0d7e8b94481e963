import { createHash } from 'node:crypto';
import { ShardwiseError } from './errors.js';
import { median } from './median.js';
import { compareCodeUnits } from './paths.js';
import type { ReportedFile, ReportedTest, RunReport } from './report-format.js';
import { joinPieces } from './report-pieces.js';
import { fixedCostMs } from './split.js';
import { STORE_VERSION, type FileTiming, type TestTiming, type TimingStore } from './store.js';
import { learnWallModels, observeJob, withoutWorkerStartup, type WallModel } from './wall-model.js';

/**
 * How new measurements are folded into a file's duration:
 * - `ewma` (default, `alpha` 0.3): `round(alpha·new + (1−alpha)·old)`: steady, forgets an outlier in a few
 *   runs, needs no history in the store.
 * - `median` (`window` 5): the median of the last `window` measurements, kept in `recentMs`: ignores a
 *   single outlier completely, at the cost of a longer store line.
 * - `latest`: the newest measurement wins (what pytest-split and Knapsack do).
 */
export type Smoothing =
  { kind: 'ewma'; alpha?: number } | { kind: 'median'; window?: number } | { kind: 'latest' };

export interface MergeOptions {
  /** @default { kind: 'ewma', alpha: 0.3 } */
  smoothing?: Smoothing;
  /**
   * Remove store entries for files that are gone: files absent from every complete plan among the reports,
   * or absent from `currentFiles` when given. Nothing is pruned when neither is known.
   * @default true
   */
  prune?: boolean;
  /** The files that exist now (normalized keys); overrides the plans for pruning. */
  currentFiles?: Iterable<string>;
  /**
   * A file counts as materially changed when a new measurement differs from its stored duration by more
   * than this fraction (and by more than `minChangeMs`). Callers write the store only when `changed`.
   * @default 0.1
   */
  threshold?: number;
  /** @default 50 */
  minChangeMs?: number;
}

export interface MergeResult {
  store: TimingStore;
  /** Files that got their first entry. */
  added: string[];
  /** Files whose duration moved by more than the threshold, or whose provisional entry a pass confirmed. */
  updated: string[];
  /** Entries removed because their files are gone. */
  pruned: string[];
  /** Files whose samples were not used (failed, skipped or interrupted while a good duration exists). */
  kept: string[];
  /** True when the store differs materially from the input store: write it. */
  changed: boolean;
  /** The wall-clock models moved (a new runner, or new jobs refined one). */
  modelChanged: boolean;
}

/**
 * Folds run reports into a store. Pure and deterministic: the same store and reports, in any order, give
 * the same result byte for byte. Reports are applied in a canonical order (end time, plan, shard, content).
 *
 * A failed or skipped file never replaces a good duration (a failing test often stops early; a skipped
 * file paid only its setup), an interrupted one never counts, and a file seen only failing or skipped is
 * marked `provisional` until it passes.
 *
 * @example
 * const { store, changed } = mergeReports(previous, reports);
 * if (changed) await writeStoreFile('shard-timings.json', store);
 */
export function mergeReports(
  base: TimingStore | undefined,
  reports: readonly RunReport[],
  options: MergeOptions = {},
): MergeResult {
  const smoothing = options.smoothing ?? { kind: 'ewma', alpha: 0.3 };
  validateSmoothing(smoothing);
  const threshold = options.threshold ?? 0.1;
  const minChangeMs = options.minChangeMs ?? 50;
  const files = new Map<string, FileTiming>();
  for (const [key, entry] of base?.files ?? []) files.set(key, { ...entry });

  const added = new Set<string>();
  const updated = new Set<string>();
  const kept = new Set<string>();
  const models = learnWallModels(base?.models, reports);
  // A model that moved by less than the threshold keeps its old figures: noise must not churn the store.
  for (const [runner, before] of base?.models ?? []) {
    if (!movedMaterially(before, models.get(runner)!, threshold, minChangeMs)) models.set(runner, before);
  }
  // Pieces of a split file are one measurement of the file: joined before anything is learned from them.
  for (const report of canonicalOrder(joinPieces(reports))) {
    const day = report.createdAt?.slice(0, 10);
    const validDay = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
    // A worker's first file carried the worker's start-up; its duration is kept without it, so which file
    // happened to start a worker never inflates that file for good.
    const job = observeJob(report);
    const model = models.get(report.runner);
    for (const raw of [...report.files].sort(compareSamples)) {
      const durationMs = withoutWorkerStartup(raw, job, model);
      const sample = durationMs === raw.durationMs ? raw : withoutStartup(raw, durationMs);
      const old = files.get(sample.file);
      const next = applySample(old, sample, smoothing, validDay);
      if (next === undefined || next === old) {
        if (old) kept.add(sample.file);
        continue;
      }
      files.set(sample.file, next);
      if (!old && !base?.files.has(sample.file)) added.add(sample.file);
      const before = base?.files.get(sample.file);
      if (
        before &&
        (Math.abs(sample.durationMs - before.durationMs) >
          Math.max(threshold * before.durationMs, minChangeMs) ||
          // A provisional entry confirmed by a pass is worth writing even if its duration barely moved.
          (before.provisional === true && next.provisional !== true))
      ) {
        updated.add(sample.file);
      }
    }
  }

  const pruned: string[] = [];
  const current = options.prune === false ? undefined : currentFileSet(reports, options.currentFiles);
  if (current) {
    for (const key of [...files.keys()]) {
      if (!current.has(key)) {
        files.delete(key);
        pruned.push(key);
      }
    }
  }
  const sorted = (set: Set<string>) => [...set].sort(compareCodeUnits);
  const store: TimingStore = { version: STORE_VERSION, files };
  if (models.size > 0) store.models = models;
  const modelChanged = !sameModels(base?.models, models);
  return {
    store,
    added: sorted(added),
    updated: sorted(updated),
    pruned: pruned.sort(compareCodeUnits),
    kept: sorted(kept),
    changed:
      added.size + updated.size + pruned.length > 0 || (base === undefined && files.size > 0) || modelChanged,
    modelChanged,
  };
}

function movedMaterially(
  before: WallModel,
  after: WallModel,
  threshold: number,
  minChangeMs: number,
): boolean {
  if (before.workers !== after.workers) return true;
  const moved = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? a !== b : Math.abs(a - b) > Math.max(threshold * a, minChangeMs);
  return (
    moved(before.startupMs, after.startupMs) ||
    moved(before.workerStartupMs, after.workerStartupMs) ||
    moved(before.fileFixedMs, after.fileFixedMs) ||
    moved(before.fileGapMs, after.fileGapMs)
  );
}

function sameModels(
  a: ReadonlyMap<string, WallModel> | undefined,
  b: ReadonlyMap<string, WallModel>,
): boolean {
  const text = (m: ReadonlyMap<string, WallModel> | undefined) => JSON.stringify([...(m ?? [])]);
  return text(a) === text(b);
}

function validateSmoothing(smoothing: Smoothing): void {
  if (
    smoothing.kind === 'ewma' &&
    smoothing.alpha !== undefined &&
    !(smoothing.alpha > 0 && smoothing.alpha <= 1)
  ) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `smoothing.alpha: expected a number in (0, 1], got ${smoothing.alpha}`,
    );
  }
  if (
    smoothing.kind === 'median' &&
    smoothing.window !== undefined &&
    !(Number.isSafeInteger(smoothing.window) && smoothing.window >= 1)
  ) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `smoothing.window: expected a whole number ≥ 1, got ${smoothing.window}`,
    );
  }
}

/**
 * A sample with the worker start-up it carried taken out: out of its time, and out of its setup figure,
 * where the start-up was paid (before the file's first test).
 */
function withoutStartup(raw: ReportedFile, durationMs: number): ReportedFile {
  const sample = { ...raw, durationMs };
  if (raw.setupMs !== undefined) sample.setupMs = Math.max(0, raw.setupMs - (raw.durationMs - durationMs));
  return sample;
}

/** Returns the new entry, or `old` itself when the sample must not change the duration. */
function applySample(
  old: FileTiming | undefined,
  sample: ReportedFile,
  smoothing: Smoothing,
  day: string | undefined,
): FileTiming | undefined {
  const ms = sample.durationMs;
  // The later day wins; a report without an end time says nothing about the day.
  const lastSeen = day !== undefined && !(old?.lastSeen && old.lastSeen > day) ? day : old?.lastSeen;
  const seen = lastSeen ? { lastSeen } : {};
  // The tests and the fixed cost of one run: a split file's pieces are priced from this one view.
  const tests =
    sample.tests && sample.tests.length > 0
      ? { tests: sample.tests.map(storedTest), setupMs: fixedCostMs(sample) }
      : {};
  if (sample.status === 'interrupted') return old;
  if (sample.status === 'failed' || sample.status === 'skipped') {
    // A failed file may have stopped early, and a file whose tests were all skipped paid only its setup and
    // import: both are real costs, used only while nothing better is known (so a file that is always
    // skipped stops being planned at the mean), keeping the longest; the first pass replaces them.
    if (old && !old.provisional) return old;
    if (old && old.durationMs >= ms) return old;
    return { durationMs: ms, samples: 1, provisional: true, ...seen };
  }
  if (!old || old.provisional) {
    const fresh: FileTiming = { durationMs: ms, samples: 1, ...seen, ...tests };
    if (smoothing.kind === 'median') fresh.recentMs = [ms];
    return fresh;
  }
  const samples = old.samples + 1;
  let durationMs: number;
  let recentMs: number[] | undefined;
  if (smoothing.kind === 'latest') durationMs = ms;
  else if (smoothing.kind === 'ewma') {
    const alpha = smoothing.alpha ?? 0.3;
    durationMs = Math.round(alpha * ms + (1 - alpha) * old.durationMs);
  } else {
    const window = smoothing.window ?? 5;
    recentMs = [...(old.recentMs ?? [old.durationMs]), ms].slice(-window);
    durationMs = Math.round(median(recentMs));
  }
  const next: FileTiming = { durationMs, samples, ...seen, ...tests };
  if (recentMs) next.recentMs = recentMs;
  if (!sample.tests && old.tests) {
    next.tests = old.tests;
    if (old.setupMs !== undefined) next.setupMs = old.setupMs;
  }
  return next;
}

/**
 * A report's test as the store keeps it: without its attempts and retry marker, which belong to the flaky
 * history (`shard-history.json`), so that outcomes never churn the committed store.
 */
function storedTest(test: ReportedTest): TestTiming {
  const { attempts: _attempts, flaky: _flaky, ...timing } = test;
  return timing;
}

/** The files that exist now, from `currentFiles` or from the complete plans in the reports. */
function currentFileSet(
  reports: readonly RunReport[],
  currentFiles?: Iterable<string>,
): Set<string> | undefined {
  if (currentFiles) return new Set(currentFiles);
  const plans = reports.map((r) => r.plan).filter((p) => p !== undefined && !p.partial);
  if (plans.length === 0) return undefined;
  const set = new Set<string>();
  for (const plan of plans) {
    for (const shard of plan!.shards) for (const file of shard) set.add(file);
    for (const piece of plan!.pieces ?? []) set.add(piece.file);
  }
  return set;
}

function compareSamples(a: ReportedFile, b: ReportedFile): number {
  return (
    compareCodeUnits(a.file, b.file) || a.durationMs - b.durationMs || compareCodeUnits(a.status, b.status)
  );
}

/** Reports sorted by end time, plan, shard and finally content, so the input order never matters. */
function canonicalOrder(reports: readonly RunReport[]): RunReport[] {
  const keyed = reports.map((report) => ({
    report,
    key: [
      report.createdAt ?? '',
      report.plan?.fingerprint ?? '',
      String(report.shard?.index ?? 0).padStart(10, '0'),
      createHash('sha256').update(JSON.stringify(report)).digest('hex'),
    ].join('\u0000'),
  }));
  return keyed.sort((a, b) => compareCodeUnits(a.key, b.key)).map((k) => k.report);
}
