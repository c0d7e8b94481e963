/**
 * The wall-clock model of a shard job: what a CI job really takes, not the sum of its files.
 *
 *   job start ─ start-up ─┬─ worker 1: [worker start-up][file a      ][file d]      ─┐
 *                         └─ worker 2: [worker start-up][file b][file c][file e]     ─┴─ job end
 *
 * A job pays the runner's start-up once (process, config, transforms before the first file, reporting
 * after the last), then runs its files longest first on `workers` workers, each worker paying its own
 * start-up before its first file. Its predicted wall is the start-up plus the finish time of that
 * schedule. Pure; the parameters are learned from recorded reports by {@link learnWallModels}.
 */
import { median } from './median.js';
import { compareCodeUnits } from './paths.js';
import type { ReportedFile, RunReport } from './report-format.js';

/** The learned (or given) fixed costs of one runner's shard jobs, integer ms. */
export interface WallModel {
  /** The runner's start-up per job: start to first file, plus last file to the end. */
  startupMs: number;
  /** What a worker pays before its first file (process, module loading, transform warm-up). */
  workerStartupMs: number;
  /** Files run side by side in one job. */
  workers: number;
  /**
   * What a worker spends between two files outside either file's recorded time (Vitest forks a fresh
   * process per file by default; Jest resets its module registry): paid before every file but a worker's
   * first. Optional: models learned before it existed have none.
   */
  fileGapMs?: number;
  /** The median fixed cost of one file (environment, setup files, import), for pricing splits. */
  fileFixedMs?: number;
  /** Jobs this model was learned from (capped), so a new observation moves it less over time. */
  samples?: number;
}

/** Learned models by runner name (`jest`, `vitest`, `playwright`). */
export type WallModels = ReadonlyMap<string, WallModel>;

/** A runner name as a model key: lowercase letters, digits and dashes (never `__proto__`). */
export const RUNNER_NAME = /^[a-z][a-z0-9-]*$/;

/** How many jobs a model remembers: a new job moves it by at least 1/MAX_SAMPLES. */
const MAX_SAMPLES = 10;

/**
 * The finish time of files (durations, longest first) run in that order on `workers` workers, each file to
 * the worker that frees up first (lowest index on ties), each worker paying `workerStartupMs` before its
 * first file: what Jest's and Vitest's pools do with a shard's files in plan order. 0 for no files.
 */
export function scheduleFinishMs(
  durations: ArrayLike<number>,
  workers: number,
  workerStartupMs: number,
  fileGapMs = 0,
): number {
  const n = durations.length;
  if (n === 0) return 0;
  const w = Math.max(1, Math.min(workers, n));
  // Every file costs its time plus the gap, and a worker's first file gets its gap back: the same as
  // charging the gap between files only, in one addition per file.
  if (w === 1) {
    let sum = workerStartupMs - fileGapMs;
    for (let i = 0; i < n; i++) sum += durations[i]! + fileGapMs;
    return sum;
  }
  const free = new Float64Array(w).fill(workerStartupMs - fileGapMs);
  let finish = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let x = 1; x < w; x++) if (free[x]! < free[best]!) best = x;
    free[best]! += durations[i]! + fileGapMs;
    if (free[best]! > finish) finish = free[best]!;
  }
  return finish;
}

/** A shard's predicted wall: start-up plus the finish of its files' schedule; an empty shard runs nothing. */
export function shardWallMs(durations: ArrayLike<number>, model: WallModel): number {
  if (durations.length === 0) return 0;
  return model.startupMs + scheduleFinishMs(durations, model.workers, model.workerStartupMs, model.fileGapMs);
}

/**
 * A proven lower bound on the slowest shard's wall for any plan of these files (`t` longest first) on
 * `k` shards: the shard with the longest file pays start-up, a worker's start-up and that file; and the
 * busiest of the (at most `k · workers`) workers in use carries at least their average. `sumBoundMs` is
 * the bound on the largest per-shard sum, which a shard spreads over at most `workers` workers.
 */
export function wallLowerBound(
  t: ArrayLike<number>,
  k: number,
  model: WallModel,
  sumBoundMs: number,
): number {
  const n = t.length;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) total += t[i]!;
  // With a gap between files, a worker running m files pays m − 1 gaps: `t` and the sum bound already
  // charge each file its gap (the partitioner passes them so), and the worker's first file gets it back.
  const gap = model.fileGapMs ?? 0;
  const used = Math.min(n, k * model.workers);
  const perWorker = Math.max(t[0]!, total / used, sumBoundMs / model.workers);
  return Math.ceil(model.startupMs + model.workerStartupMs - gap + perWorker);
}

/** What one recorded job says about its runner's fixed costs. */
export interface JobObservation {
  runner: string;
  workers: number;
  startupMs: number;
  workerStartupMs?: number;
  fileFixedMs?: number;
  fileGapMs?: number;
  /** Files each worker ran first (they carried the worker's start-up). */
  firstFiles: ReadonlySet<string>;
}

interface TimedFile extends ReportedFile {
  startMs: number;
  endMs: number;
}

function isTimed(file: ReportedFile): file is TimedFile {
  return file.startMs !== undefined && file.endMs !== undefined && file.status !== 'interrupted';
}

/**
 * Reads a report's job clock and file timeline. Undefined for a report without them (imports, older
 * versions) or for a job that ran no file: such a job says nothing about start-up.
 */
export function observeJob(report: RunReport): JobObservation | undefined {
  const job = report.job;
  if (!job || !RUNNER_NAME.test(report.runner)) return undefined;
  const timed = report.files.filter(isTimed);
  if (timed.length === 0) return undefined;
  let first = Infinity;
  let last = -Infinity;
  for (const f of timed) {
    first = Math.min(first, f.startMs);
    last = Math.max(last, f.endMs);
  }
  const startupMs = Math.max(0, Math.round(job.wallMs - (last - first)));

  // Each worker's first file, by the worker the runner named, or else by replaying the timeline: files
  // that overlap ran on different workers.
  const byWorker = workersOf(timed);
  const firstFiles = new Set<string>();
  for (const files of byWorker.values()) firstFiles.add(files[0]!.file);
  const setups = (wanted: boolean) =>
    timed.filter((f) => f.setupMs !== undefined && firstFiles.has(f.file) === wanted).map((f) => f.setupMs!);
  const firstSetups = setups(true);
  const otherSetups = setups(false);
  const observation: JobObservation = { runner: report.runner, workers: job.workers, startupMs, firstFiles };
  if (firstSetups.length > 0 && otherSetups.length > 0) {
    observation.workerStartupMs = Math.max(0, Math.round(median(firstSetups) - median(otherSetups)));
  }
  // Between two files of one worker: the next one's start after the previous one's start and recorded time.
  const gaps: number[] = [];
  for (const files of byWorker.values()) {
    for (let i = 1; i < files.length; i++) {
      gaps.push(Math.max(0, files[i]!.startMs - files[i - 1]!.startMs - files[i - 1]!.durationMs));
    }
  }
  if (gaps.length > 0) observation.fileGapMs = Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length);
  const allSetups = [...firstSetups, ...otherSetups];
  if (allSetups.length > 0)
    observation.fileFixedMs = Math.round(median(otherSetups.length ? otherSetups : allSetups));
  return observation;
}

/** Files by worker, each list in start order. */
function workersOf(files: readonly TimedFile[]): Map<number, TimedFile[]> {
  const ordered = [...files].sort((a, b) => a.startMs - b.startMs || compareCodeUnits(a.file, b.file));
  const byWorker = new Map<number, TimedFile[]>();
  if (ordered.every((f) => f.worker !== undefined)) {
    for (const f of ordered) {
      const list = byWorker.get(f.worker!) ?? [];
      list.push(f);
      byWorker.set(f.worker!, list);
    }
    return byWorker;
  }
  // Interval colouring: each file to the lowest-numbered worker already free at its start.
  const freeAt: number[] = [];
  for (const f of ordered) {
    let w = freeAt.findIndex((end) => end <= f.startMs);
    if (w === -1) w = freeAt.length;
    freeAt[w] = f.endMs;
    const list = byWorker.get(w) ?? [];
    list.push(f);
    byWorker.set(w, list);
  }
  return byWorker;
}

/**
 * Folds the jobs of new reports into the models by runner: each parameter moves toward the median of
 * the new jobs by 1/(samples + 1), so the first job sets it and later ones refine it; the worker count
 * is the newest jobs' (it is configuration, not a measurement). Deterministic for any report order.
 */
export function learnWallModels(
  previous: WallModels | undefined,
  reports: readonly RunReport[],
): Map<string, WallModel> {
  const models = new Map(previous ?? []);
  const byRunner = new Map<string, JobObservation[]>();
  for (const report of reports) {
    const observed = observeJob(report);
    if (!observed) continue;
    const list = byRunner.get(observed.runner) ?? [];
    list.push(observed);
    byRunner.set(observed.runner, list);
  }
  for (const runner of [...byRunner.keys()].sort(compareCodeUnits)) {
    const jobs = byRunner.get(runner)!;
    const old = models.get(runner);
    const samples = old?.samples ?? 0;
    const weight = old ? 1 / Math.min(MAX_SAMPLES, samples + 1) : 1;
    const blend = (before: number | undefined, values: number[]): number | undefined => {
      if (values.length === 0) return before;
      const now = median(values);
      return Math.round(before === undefined ? now : before + weight * (now - before));
    };
    const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
    const model: WallModel = {
      startupMs: blend(
        old?.startupMs,
        jobs.map((j) => j.startupMs),
      )!,
      workerStartupMs: blend(old?.workerStartupMs, defined(jobs.map((j) => j.workerStartupMs))) ?? 0,
      workers: Math.max(...jobs.map((j) => j.workers)),
      samples: Math.min(MAX_SAMPLES, samples + jobs.length),
    };
    const fixed = blend(old?.fileFixedMs, defined(jobs.map((j) => j.fileFixedMs)));
    if (fixed !== undefined) model.fileFixedMs = fixed;
    const gap = blend(old?.fileGapMs, defined(jobs.map((j) => j.fileGapMs)));
    if (gap !== undefined) model.fileGapMs = gap;
    models.set(runner, model);
  }
  return models;
}

/**
 * A file's duration without the worker start-up it happened to carry: a worker's first file paid it, and
 * under longest-first order the same files come first every run, so keeping it would inflate them for
 * good. Never below the file's own fixed cost, never negative.
 */
export function withoutWorkerStartup(
  file: ReportedFile,
  observation: JobObservation | undefined,
  model: WallModel | undefined,
): number {
  if (!observation?.firstFiles.has(file.file)) return file.durationMs;
  const startup = observation.workerStartupMs ?? model?.workerStartupMs ?? 0;
  return Math.max(0, file.durationMs - startup);
}
