/**
 * The pace of a shard job: how much slower or faster than the store its files ran, and whether the job
 * as a whole (the machine it ran on) was unusual. A job whose files all ran slower by a similar factor ran
 * on a loaded or slower machine; learning its times as they are would plan the next pipeline for that
 * machine. Pure and deterministic.
 */
import { median } from '../base/median.js';
import type { ReportedFile, RunReport } from '../formats/report.js';
import type { TimingStore } from '../formats/records.js';

/** How one job ran against the store. */
export interface JobPace {
  /** The job's shard (1-based); absent for an unsharded run or an import. */
  shard?: number;
  runner: string;
  /** The median of its files' times over their stored times: 1.3 means 30% slower. */
  factor: number;
  /**
   * Its factor over the run's pace (the median of every job's factor and the store's own 1): how unusual
   * the job was among the jobs of this merge. With one job, the store and the job each count once.
   */
  relative: number;
  /** Its files compared with the store (passed, whole, stored at {@link MIN_COMPARED_MS} or more). */
  files: number;
  /** How many of them ran within {@link SIMILAR} of its factor. */
  similar: number;
  /**
   * True when the job ran unusually slow or fast on (nearly) every file: the machine, not the files. Its
   * samples are learned at the run's pace (divided by `relative`).
   */
  machine: boolean;
}

/** A file stored below this is too short to tell a machine's pace from jitter. */
const MIN_COMPARED_MS = 100;
/** Fewer compared files than this say nothing about the machine. */
const MIN_FILES = 3;
/** A file within this fraction of its job's factor ran at the job's pace. */
const SIMILAR = 0.2;
/** This share of a job's files at its pace makes the pace the job's, not a few files'. */
const SIMILAR_SHARE = 0.8;
/** A job this much slower (or faster, as 1/x) than the run is unusual. */
const UNUSUAL = 1.15;

/**
 * The pace of every report that can be compared with the store (at least {@link MIN_FILES} files it knows),
 * by report. A job is the machine's doing when its files ran within 20% of one factor (80% of them at
 * least) and that factor is at least 1.15× away from the run's pace. The run's pace counts the store
 * once beside each job, so a whole run slower than the store (a store learned on a slow day) is learned
 * as it ran, and one job of two or more that ran slow on every file is not.
 *
 * @example
 * const paces = jobPaces(store, reports);
 * paces.get(report); // { shard: 2, factor: 1.3, relative: 1.3, files: 12, similar: 12, machine: true, … }
 */
export function jobPaces(
  base: TimingStore | undefined,
  reports: readonly RunReport[],
): Map<RunReport, JobPace> {
  const ratios = new Map<RunReport, number[]>();
  for (const report of reports) {
    const mine: number[] = [];
    for (const f of report.files) {
      const stored = base?.files.get(f.file);
      if (
        f.status !== 'passed' ||
        f.piece !== undefined ||
        !stored ||
        stored.provisional === true ||
        stored.durationMs < MIN_COMPARED_MS
      )
        continue;
      mine.push(f.durationMs / stored.durationMs);
    }
    if (mine.length >= MIN_FILES) ratios.set(report, mine);
  }
  const factors = new Map([...ratios].map(([report, mine]) => [report, median(mine)]));
  const runPace = median([1, ...factors.values()]);
  const paces = new Map<RunReport, JobPace>();
  for (const [report, mine] of ratios) {
    const factor = factors.get(report)!;
    const similar = mine.filter((r) => Math.abs(r / factor - 1) <= SIMILAR).length;
    const relative = factor / runPace;
    paces.set(report, {
      ...(report.shard ? { shard: report.shard.index } : {}),
      runner: report.runner,
      factor,
      relative,
      files: mine.length,
      similar,
      machine: similar >= SIMILAR_SHARE * mine.length && (relative >= UNUSUAL || relative <= 1 / UNUSUAL),
    });
  }
  return paces;
}

/**
 * A file's sample at the run's pace: its time and its tests' times divided by the job's relative pace when
 * the job was the machine's doing ({@link JobPace.machine}), else the sample as it ran.
 */
export function atRunPace(file: ReportedFile, pace: JobPace | undefined): ReportedFile {
  if (!pace?.machine) return file;
  const scale = (ms: number) => Math.round(ms / pace.relative);
  return {
    ...file,
    durationMs: scale(file.durationMs),
    ...(file.tests ? { tests: file.tests.map((t) => ({ ...t, durationMs: scale(t.durationMs) })) } : {}),
  };
}
