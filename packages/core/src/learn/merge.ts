import { createHash } from 'node:crypto';
import { ShardwiseError } from '../base/errors.js';
import { atRunPace, jobPaces, type JobPace } from '../model/job-pace.js';
import { median } from '../base/median.js';
import { compareCodeUnits } from '../base/paths.js';
import type { ReportedFile, ReportedTest, RunReport } from '../formats/report.js';
import { joinPieces } from './report-pieces.js';
import { fileCountsForLearning } from '../model/test-filter.js';
import { fixedCostMs } from '../model/test-split.js';
import { STORE_VERSION, type FileTiming, type TestTiming, type TimingStore } from '../formats/records.js';
import {
  fitWallModel,
  learnWallModels,
  withoutWorkerStartup,
  type WallModelFit,
} from '../model/wall-model.js';
import { type WallModel } from '../formats/records.js';

/**
 * How new measurements are folded into a file's duration:
 * - `ewma` (default, `alpha` 0.5): `round(alpha·new + (1−alpha)·old)`: each run moves a duration halfway,
 *   so one slow run (a cold seed) is mostly gone after three more, and it needs no history in the store.
 * - `median` (`window` 5): the median of the last `window` measurements, kept in `recentMs`: ignores a
 *   single outlier completely, at the cost of a longer store line.
 * - `latest`: the newest measurement wins (what pytest-split and Knapsack do).
 */
export type Smoothing =
  { kind: 'ewma'; alpha?: number } | { kind: 'median'; window?: number } | { kind: 'latest' };

export interface MergeOptions {
  /** @default { kind: 'ewma', alpha: 0.5 } */
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
  /** Reports that ran tests but changed no entry of the store, and why (see {@link describeUnlearned}). */
  unlearned: Unlearned[];
  /** By runner, how well its model (as merged) predicts this merge's jobs; runners with no usable job clock are absent. */
  modelFit: Map<string, WallModelFit>;
  /**
   * The jobs that ran unusually slow or fast on nearly every file (the machine, not the files), by shard:
   * their samples were learned at the run's pace (see {@link jobPaces}).
   */
  machineJobs: JobPace[];
}

/** A report that ran tests and taught the store nothing: its files, by why each was not used. */
export interface Unlearned {
  /** The report, as given to {@link mergeReports}. */
  report: RunReport;
  files: number;
  /** Cut short (a cancelled run, a crashed worker): their times are not the files'. */
  interrupted: number;
  /** Run in part by a test filter, with no test time the store did not already hold. */
  filtered: number;
  /** Failed or skipped, while the store holds a time from a passing run. */
  notPassed: number;
}

/** How many recent measurements a store entry keeps (more with a longer `median` window). */
export const RECENT_SAMPLES = 5;

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
  const smoothing = options.smoothing ?? { kind: 'ewma', alpha: 0.5 };
  validateSmoothing(smoothing);
  const threshold = options.threshold ?? 0.1;
  const minChangeMs = options.minChangeMs ?? 50;
  const files = new Map<string, FileTiming>();
  for (const [key, entry] of base?.files ?? []) files.set(key, { ...entry });

  const added = new Set<string>();
  const updated = new Set<string>();
  const kept = new Set<string>();
  // Every merge moves the model (never held back by a threshold, which would stop it learning).
  const models = learnWallModels(base?.models, reports);
  const modelFit = new Map<string, WallModelFit>();
  for (const [runner, model] of models) {
    const fit = fitWallModel(runner, model, reports);
    if (fit) modelFit.set(runner, fit);
  }
  // A worker's first file carried the worker's start-up: its duration is kept without it (and only it), so
  // which file happened to start a worker never inflates that file for good. Pieces of a split file are one measurement of the file: joined before anything is learned from them.
  const joined = joinPieces(withoutWorkerStartup(reports, models));
  // What each given report taught (joinPieces keeps one report per given report, in order, first).
  const taught = new Map<RunReport, { used: boolean; why: Unlearned }>();
  reports.forEach((report, index) => {
    if (report.files.some((f) => f.piece !== undefined) || !ranTests(report)) return;
    const why = { report, files: report.files.length, interrupted: 0, filtered: 0, notPassed: 0 };
    taught.set(joined[index]!, { used: false, why });
  });
  // Judged against the store before this merge, so the order of the reports never matters.
  const paces = jobPaces(base, joined);
  const applied = canonicalOrder(joined);
  for (const report of applied) {
    const teaching = taught.get(report);
    const day = report.createdAt?.slice(0, 10);
    const validDay = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
    for (const raw of [...report.files].sort(compareSamples)) {
      const sample = atRunPace(raw, paces.get(report));
      const old = files.get(sample.file);
      const next = applySample(old, sample, smoothing, validDay);
      if (next === undefined || next === old) {
        if (old) kept.add(sample.file);
        if (teaching) teaching.why[whyUnused(sample)]++;
        continue;
      }
      files.set(sample.file, next);
      if (!old && !base?.files.has(sample.file)) added.add(sample.file);
      const before = base?.files.get(sample.file);
      const moved = (a: number, b: number) => Math.abs(a - b) > Math.max(threshold * a, minChangeMs);
      if (
        (before &&
          (fileCountsForLearning(sample)
            ? moved(before.durationMs, sample.durationMs)
            : // A filtered run teaches its tests' times: worth writing when they moved.
              testsMoved(before, next, sample, moved))) ||
        // A provisional entry confirmed by a pass is worth writing even if its duration barely moved.
        (before?.provisional === true && next.provisional !== true)
      ) {
        updated.add(sample.file);
      }
      if (teaching) teaching.used = true;
    }
  }
  // In the order the reports were applied (canonical), so the input order never matters.
  const unlearned: Unlearned[] = [];
  for (const report of applied) {
    const t = taught.get(report);
    if (t && !t.used) unlearned.push(t.why);
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
    unlearned,
    modelFit,
    machineJobs: [...paces.values()]
      .filter((p) => p.machine)
      .sort((a, b) => (a.shard ?? 0) - (b.shard ?? 0) || compareCodeUnits(a.runner, b.runner)),
  };
}

/** Whether a report ran any test (a test or a file that passed or failed), so learning nothing needs a word. */
function ranTests(report: RunReport): boolean {
  return report.files.some(
    (f) =>
      f.status === 'passed' ||
      f.status === 'failed' ||
      (f.tests ?? []).some((t) => t.status === 'passed' || t.status === 'failed'),
  );
}

/** Why a sample changed nothing. */
function whyUnused(sample: ReportedFile): 'interrupted' | 'filtered' | 'notPassed' {
  if (sample.status === 'interrupted') return 'interrupted';
  return sample.filtered && sample.status !== 'failed' ? 'filtered' : 'notPassed';
}

/**
 * One line on a report {@link mergeReports} learned nothing from, naming why, for the front ends to print
 * after the report's name.
 *
 * @example
 * describeUnlearned({ report, files: 27, interrupted: 27, filtered: 0, notPassed: 0 })
 * // "ran tests but taught the store nothing: of its 27 file(s), 27 were cut short (interrupted), so their times are not the files'"
 */
export function describeUnlearned(u: Unlearned): string {
  const parts = [
    u.interrupted > 0
      ? `${u.interrupted} were cut short (interrupted), so their times are not the files'`
      : '',
    u.filtered > 0
      ? `${u.filtered} ran only the tests a filter selected, with no test time the store lacks`
      : '',
    u.notPassed > 0
      ? `${u.notPassed} failed or were skipped, and the store keeps their time from a pass`
      : '',
  ].filter((p) => p !== '');
  return `ran tests but taught the store nothing: of its ${u.files} file(s), ${parts.join('; ')}`;
}

/** Whether a filtered sample moved the stored times of the tests it ran, or added one. */
function testsMoved(
  before: FileTiming,
  next: FileTiming,
  sample: ReportedFile,
  moved: (a: number, b: number) => boolean,
): boolean {
  const old = new Map((before.tests ?? []).map((t) => [t.name, t.durationMs]));
  const now = new Map((next.tests ?? []).map((t) => [t.name, t.durationMs]));
  let a = 0;
  let b = 0;
  for (const t of sample.tests ?? []) {
    const was = old.get(t.name);
    if (was === undefined) return true;
    a += was;
    b += now.get(t.name) ?? 0;
  }
  return moved(a, b);
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
  if (!fileCountsForLearning(sample)) return withTestsOf(old, sample, seen);
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
  const recentMs = recentSamples(old, ms, smoothing);
  let durationMs: number;
  if (smoothing.kind === 'latest') durationMs = ms;
  else if (smoothing.kind === 'ewma') {
    const alpha = smoothing.alpha ?? 0.5;
    durationMs = Math.round(alpha * ms + (1 - alpha) * old.durationMs);
  } else durationMs = Math.round(median(recentMs));
  const next: FileTiming = { durationMs, samples, recentMs, ...seen, ...tests };
  if (!sample.tests && old.tests) {
    next.tests = old.tests;
    if (old.setupMs !== undefined) next.setupMs = old.setupMs;
  }
  return next;
}

/**
 * A filtered sample (a filter ran some of the file's tests): its tests' times replace the stored ones of
 * the same name (unless it failed), and the file's duration stays, for it is not the file's time. A file the store does not
 * know yet gets the sample's time as a provisional entry (less than the whole file: the first full pass
 * replaces it), so that a run with the same filter prices it by what it ran. `old` when nothing changed.
 */
function withTestsOf(
  old: FileTiming | undefined,
  sample: ReportedFile,
  seen: { lastSeen?: string },
): FileTiming | undefined {
  const ran = (sample.tests ?? []).map(storedTest);
  const byName = new Map(ran.map((t) => [t.name, t]));
  const kept = (old?.tests ?? []).map((t) => byName.get(t.name) ?? t);
  const known = new Set(kept.map((t) => t.name));
  const tests = [...kept, ...ran.filter((t) => !known.has(t.name))];
  const withTests = tests.length > 0 ? { tests } : {};
  if (!old) return { durationMs: sample.durationMs, samples: 1, provisional: true, ...seen, ...withTests };
  // As for a whole file: a failure may have stopped a test early, so it never replaces a known time.
  if (sample.status === 'failed') return old;
  const durationMs = old.provisional ? Math.max(old.durationMs, sample.durationMs) : old.durationMs;
  if (durationMs === old.durationMs && JSON.stringify(tests) === JSON.stringify(old.tests ?? [])) return old;
  return { ...old, durationMs, ...seen, ...withTests };
}

/**
 * The entry's recent measurements with a new one, bounded: the last {@link RECENT_SAMPLES}, or the last
 * `window` with `median` smoothing. An entry of one sample is that measurement, so it keeps none until a
 * second one comes; an entry from before they were kept counts its duration as one with `median` (so the
 * median moves as it always did) and none otherwise (a smoothed value is no measurement).
 */
function recentSamples(old: FileTiming, ms: number, smoothing: Smoothing): number[] {
  const before = old.recentMs ?? (old.samples === 1 || smoothing.kind === 'median' ? [old.durationMs] : []);
  return [...before, ms].slice(-(smoothing.kind === 'median' ? (smoothing.window ?? 5) : RECENT_SAMPLES));
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
