/**
 * The wall-clock model of a shard job: what a CI job really takes, not the sum of its files.
 *
 *   job start ─ start-up ─┬─ worker 1: [worker start-up][file a      ][file d]      ─┐
 *                         └─ worker 2: [worker start-up][file b][file c][file e]     ─┴─ job end
 *
 * A job pays the runner's start-up once (process, config, transforms before the first file, reporting
 * after the last), then runs its files longest first on `workers` workers, each worker paying its own
 * start-up before its first file. Its predicted wall is the start-up plus the finish time of that
 * schedule. Pure; the parameters are learned from recorded reports by {@link learnWallModels}, each as what the
 * files' own recorded durations do not already hold.
 */
import { median } from '../base/median.js';
import { compareCodeUnits } from '../base/paths.js';
import type { ReportedFile, RunReport } from '../formats/report.js';
import { jobCountsForLearning } from './test-filter.js';

import { RUNNER_NAME, type WallModel, type WallModels } from '../formats/records.js';

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
  /** The job's wall clock, ms. */
  wallMs: number;
  /** The job's time outside its files: its wall minus the span from the first file's start to the last one's end. */
  startupMs: number;
  /**
   * What this job's workers paid to start, by the runner's own marks: the median, over the workers' first
   * files, of the environment time ({@link ReportedFile.environmentMs}) they took beyond the job's other
   * files. Undefined when the runner gave no such marks or no worker ran a second file: then nothing
   * isolates it, and the job's start-up holds it.
   */
  workerStartupMs?: number;
  fileFixedMs?: number;
  fileGapMs?: number;
  /** Files each worker ran first (they carried the worker's start-up). */
  firstFiles: ReadonlySet<string>;
  /**
   * Each worker's first file, by its index in the report's `files`, with the environment time it took
   * beyond the job's other files (undefined when the marks cannot say).
   */
  firsts: ReadonlyMap<number, number | undefined>;
}

interface TimedFile extends ReportedFile {
  startMs: number;
  endMs: number;
}

function hasTimeline(file: ReportedFile): file is TimedFile {
  return file.startMs !== undefined && file.endMs !== undefined;
}

/**
 * Whether a report's job clock can teach the wall model: the job has a clock, and every file it ran has a
 * place on that clock, so that its wall is the sum of what its files took and what the runner spent around
 * them. Not when a file was cut short or crashed (no timeline: its time is in the wall but in no file), nor
 * when no file's time is used at all (every file `interrupted`, e.g. a filtered run): such a job's clock is
 * mostly the runner's, and would teach a start-up that planned runs do not pay. The one rule for every
 * learner of job clocks.
 */
export function jobClockUsable(report: RunReport): boolean {
  return (
    report.job !== undefined &&
    RUNNER_NAME.test(report.runner) &&
    report.files.length > 0 &&
    report.files.every(hasTimeline) &&
    // A job with a file cut short spent time its timeline does not show: it would read as start-up.
    jobCountsForLearning(report)
  );
}

/**
 * Reads a report's job clock and file timeline. Undefined for a job whose clock cannot teach the model
 * ({@link jobClockUsable}).
 */
export function observeJob(report: RunReport): JobObservation | undefined {
  if (!jobClockUsable(report)) return undefined;
  const job = report.job!;
  const files = report.files as TimedFile[];
  let first = Infinity;
  let last = -Infinity;
  for (const f of files) {
    first = Math.min(first, f.startMs);
    last = Math.max(last, f.endMs);
  }
  const startupMs = Math.max(0, Math.round(job.wallMs - (last - first)));

  // Each worker's first file, by the worker the runner named, or else by replaying the timeline.
  const byWorker = workersOf(files, job.workers);
  const firstIndexes = new Set(byWorker.map((list) => list[0]!));
  const others = files.filter((_, i) => !firstIndexes.has(i));
  // Worker start-up from the runner's own marks: the environment (Jest: loading the test environment and
  // runtime, setup files; Vitest: environment, worker preparation, setup files) is the same work for every
  // file of a job, so what a worker's first file paid beyond the others is the worker warming up. Never the
  // file's own import or tests, which differ from file to file.
  const otherEnvs = others.flatMap((f) => (f.environmentMs === undefined ? [] : [f.environmentMs]));
  const baseline = otherEnvs.length > 0 ? median(otherEnvs) : undefined;
  const firsts = new Map<number, number | undefined>();
  for (const i of [...firstIndexes].sort((a, b) => a - b)) {
    const env = files[i]!.environmentMs;
    firsts.set(
      i,
      env === undefined || baseline === undefined ? undefined : Math.max(0, Math.round(env - baseline)),
    );
  }
  const observation: JobObservation = {
    runner: report.runner,
    workers: job.workers,
    wallMs: job.wallMs,
    startupMs,
    firstFiles: new Set([...firstIndexes].map((i) => files[i]!.file)),
    firsts,
  };
  const excesses = [...firsts.values()].filter((x): x is number => x !== undefined);
  if (excesses.length > 0) observation.workerStartupMs = Math.round(median(excesses));
  // Between two files of one worker: the next one's start after the previous one's start and recorded time.
  const gaps: number[] = [];
  for (const list of byWorker) {
    for (let k = 1; k < list.length; k++) {
      const prev = files[list[k - 1]!]!;
      gaps.push(Math.max(0, files[list[k]!]!.startMs - prev.startMs - prev.durationMs));
    }
  }
  if (gaps.length > 0) observation.fileGapMs = Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length);
  const setups = (list: readonly ReportedFile[]) =>
    list.flatMap((f) => (f.setupMs === undefined ? [] : [f.setupMs]));
  const otherSetups = setups(others);
  const allSetups = setups(files);
  if (allSetups.length > 0)
    observation.fileFixedMs = Math.round(median(otherSetups.length ? otherSetups : allSetups));
  return observation;
}

/**
 * The files by worker (indexes into `files`), each list in start order. By the worker the runner named, or
 * else by interval colouring: each file to the worker that freed up last before it started (a pool hands
 * the next file to the worker that just finished), a new worker while fewer than `workers` are in use; a
 * file that overlaps every worker (clocks a few ms apart) goes to the one that frees first.
 */
function workersOf(files: readonly TimedFile[], workers: number): number[][] {
  const order = files
    .map((_, i) => i)
    .sort(
      (a, b) =>
        files[a]!.startMs - files[b]!.startMs || compareCodeUnits(files[a]!.file, files[b]!.file) || a - b,
    );
  if (files.every((f) => f.worker !== undefined)) {
    const named = new Map<number, number[]>();
    for (const i of order) {
      const list = named.get(files[i]!.worker!) ?? [];
      list.push(i);
      named.set(files[i]!.worker!, list);
    }
    return [...named.keys()].sort((a, b) => a - b).map((w) => named.get(w)!);
  }
  const freeAt: number[] = [];
  const lists: number[][] = [];
  for (const i of order) {
    const f = files[i]!;
    let w = -1;
    for (let x = 0; x < freeAt.length; x++) {
      if (freeAt[x]! <= f.startMs && (w === -1 || freeAt[x]! > freeAt[w]!)) w = x;
    }
    if (w === -1 && freeAt.length < Math.max(1, workers)) {
      w = freeAt.length;
      freeAt.push(f.startMs);
      lists.push([]);
    } else if (w === -1) {
      w = 0;
      for (let x = 1; x < freeAt.length; x++) if (freeAt[x]! < freeAt[w]!) w = x;
    }
    freeAt[w] = Math.max(freeAt[w]!, f.endMs);
    lists[w]!.push(i);
  }
  return lists;
}

/**
 * How far each merge moves a learned model toward what its jobs show: halfway. The first merge sets it;
 * later ones weigh the newest jobs most (an old model fades by half per merge), so the model follows a
 * changed machine or suite in a few merges, and never stops learning.
 */
const MODEL_WEIGHT = 0.5;

/** A job and what it says, for learning. */
interface LearnedJob {
  report: RunReport;
  observation: JobObservation;
}

/** The usable jobs of the reports by runner, runners in code-unit order. */
function jobsByRunner(reports: readonly RunReport[]): Map<string, LearnedJob[]> {
  const byRunner = new Map<string, LearnedJob[]>();
  for (const report of reports) {
    const observation = observeJob(report);
    if (!observation) continue;
    const list = byRunner.get(observation.runner) ?? [];
    list.push({ report, observation });
    byRunner.set(observation.runner, list);
  }
  return new Map([...byRunner].sort(([a], [b]) => compareCodeUnits(a, b)));
}

/**
 * What each file of a job paid for its worker's start-up (by index in the report's files): a worker's first
 * file gives back the environment time it took beyond the job's other files; when the job cannot say (no
 * second file on any worker), at most the model's worker start-up, and never more than the file's own
 * environment time. So a file's own import and tests always stay its own, whatever its position.
 */
function startupShares(
  report: RunReport,
  observation: JobObservation,
  model: WallModel | undefined,
): number[] {
  const shares = report.files.map(() => 0);
  for (const [i, excess] of observation.firsts) {
    const env = report.files[i]!.environmentMs ?? 0;
    shares[i] = Math.min(env, excess ?? model?.workerStartupMs ?? 0);
  }
  return shares;
}

/**
 * The durations the model prices a job's files at (worker start-up given back), in the order the job
 * started them: the order its runner handed them to its workers. Not longest first: a job planned without
 * durations (the first, cold run: files by estimate) ran them in another order, and the time that order
 * lost is on its clock; scheduled longest first, it would read as the runner's start-up, which every
 * later, longest-first run would then pay again.
 */
function pricedDurations(job: LearnedJob, model: WallModel | undefined): number[] {
  const shares = startupShares(job.report, job.observation, model);
  const files = job.report.files as readonly TimedFile[];
  return files
    .map((f, i) => i)
    .sort(
      (a, b) =>
        files[a]!.startMs - files[b]!.startMs || compareCodeUnits(files[a]!.file, files[b]!.file) || a - b,
    )
    .map((i) => Math.max(0, files[i]!.durationMs - shares[i]!));
}

/** A job's files as the model schedules them in the job's own order, without the job's start-up. */
function scheduledMs(job: LearnedJob, model: WallModel): number {
  return scheduleFinishMs(
    pricedDurations(job, model),
    job.observation.workers,
    model.workerStartupMs,
    model.fileGapMs,
  );
}

/**
 * Folds the jobs of new reports into the models by runner. Worker start-up and the gap between files come
 * from the jobs' own marks ({@link observeJob}); the start-up per job is what is left: each job's wall
 * minus the schedule of its own files at the durations the store keeps for them, so no term counts what
 * the files' durations already hold. Each merge moves the model halfway ({@link MODEL_WEIGHT}) toward
 * its jobs (the start-up so that the model's predictions of these jobs move halfway to their walls); the
 * first merge sets it. The worker count is the newest jobs' (it is configuration, not a measurement).
 * Deterministic for any report order.
 */
export function learnWallModels(
  previous: WallModels | undefined,
  reports: readonly RunReport[],
): Map<string, WallModel> {
  const models = new Map(previous ?? []);
  for (const [runner, jobs] of jobsByRunner(reports)) {
    const old = models.get(runner);
    const blend = (before: number | undefined, values: number[]): number | undefined => {
      if (values.length === 0) return before;
      const now = median(values);
      return Math.max(0, Math.round(before === undefined ? now : before + MODEL_WEIGHT * (now - before)));
    };
    const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
    const observed = jobs.map((j) => j.observation);
    const model: WallModel = {
      startupMs: 0,
      workerStartupMs: blend(old?.workerStartupMs, defined(observed.map((j) => j.workerStartupMs))) ?? 0,
      workers: Math.max(...observed.map((j) => j.workers)),
      samples: (old?.samples ?? 0) + jobs.length,
    };
    const fixed = blend(old?.fileFixedMs, defined(observed.map((j) => j.fileFixedMs)));
    if (fixed !== undefined) model.fileFixedMs = fixed;
    const gap = blend(old?.fileGapMs, defined(observed.map((j) => j.fileGapMs)));
    if (gap !== undefined) model.fileGapMs = gap;
    // The start-up that leaves no residual on these jobs, and the one that repeats the old model's
    // predictions of them under the new terms: halfway between.
    const residual = median(jobs.map((j) => j.observation.wallMs - scheduledMs(j, model)));
    const before = old
      ? median(jobs.map((j) => old.startupMs + scheduledMs(j, old) - scheduledMs(j, model)))
      : undefined;
    model.startupMs = blend(before, [residual])!;
    models.set(runner, model);
  }
  return models;
}

/** How well a wall model predicts the jobs it was learned from. */
export interface WallModelFit {
  /** Jobs whose clock could be compared. */
  jobs: number;
  /** The median of |predicted − actual| / actual over those jobs (0.03 = within 3%). */
  medianError: number;
}

/**
 * The model checked against job clocks: each usable job of its runner predicted from its own recorded
 * files (worker start-up given back, as the store keeps them) and compared with its wall. Undefined when
 * no job of that runner has a usable clock.
 */
export function fitWallModel(
  runner: string,
  model: WallModel,
  reports: readonly RunReport[],
): WallModelFit | undefined {
  // Only this runner's jobs are observed: a merge fits each of its models in turn.
  const own = reports.filter((r) => r.runner === runner);
  const jobs = (jobsByRunner(own).get(runner) ?? []).filter((j) => j.observation.wallMs > 0);
  if (jobs.length === 0) return undefined;
  const errors = jobs.map(
    (j) => Math.abs(model.startupMs + scheduledMs(j, model) - j.observation.wallMs) / j.observation.wallMs,
  );
  return { jobs: jobs.length, medianError: median(errors) };
}

/**
 * The reports as the store learns from them: each worker's first file without the worker's start-up it
 * carried (see {@link startupShares}), its duration, fixed cost and environment time alike. Under
 * longest-first order the same files start a worker every run, so keeping it would inflate them for good.
 * Reports whose job clock cannot say ({@link jobClockUsable}) are returned as they are.
 */
export function withoutWorkerStartup(reports: readonly RunReport[], models: WallModels): RunReport[] {
  return reports.map((report) => {
    const observation = observeJob(report);
    if (!observation) return report;
    const shares = startupShares(report, observation, models.get(report.runner));
    if (shares.every((s) => s === 0)) return report;
    const files = report.files.map((f, i) => {
      const share = shares[i]!;
      if (share === 0) return f;
      const given: ReportedFile = { ...f, durationMs: Math.max(0, f.durationMs - share) };
      if (f.setupMs !== undefined) given.setupMs = Math.max(0, f.setupMs - share);
      if (f.environmentMs !== undefined) given.environmentMs = Math.max(0, f.environmentMs - share);
      return given;
    });
    return { ...report, files };
  });
}
