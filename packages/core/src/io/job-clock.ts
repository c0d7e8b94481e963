/**
 * The shard job's clock, as the runner's own process sees it: from the process start (or from `shard run`,
 * which starts the clock before it spawns the runner) to the end of the run. No dependencies: the runner
 * plugins load it on every run.
 */
import { MAX_DURATION_MS, type JobTiming, type ReportedFile } from '../formats/report.js';

/** The variable `shard run` sets to the epoch ms at which it started, so its own start-up counts too. */
export const JOB_START_ENV = 'SHARDWISE_JOB_START';

/** When this job started, epoch ms: `SHARDWISE_JOB_START` when `shard run` set it, else this process's start. */
export function jobStartMs(env: NodeJS.ProcessEnv = process.env): number {
  const origin = Math.round(performance.timeOrigin);
  const given = Number(env[JOB_START_ENV]);
  return Number.isSafeInteger(given) && given <= origin && origin - given < MAX_DURATION_MS ? given : origin;
}

/** The job's wall clock from its start to `endMs` (epoch ms), with the workers it ran files on. */
export function jobTiming(startMs: number, endMs: number, workers: number): JobTiming {
  return {
    wallMs: Math.min(MAX_DURATION_MS, Math.max(0, Math.round(endMs - startMs))),
    workers: Math.max(1, Math.round(workers)),
    startedAt: new Date(startMs).toISOString(),
  };
}

/**
 * A file's place on the job's timeline (ms since the job started), its fixed cost and the runner's share of
 * it, from epoch-ms marks: `start` (the worker took the file), `ready` (the runner handed over to the file's
 * own code: environment and setup files done), `firstTest`, `end`. Nothing for marks that are missing or out
 * of order (a file that never started), so a bad clock never becomes a measurement.
 */
export function fileTimeline(
  jobStart: number,
  marks: {
    start: number | undefined;
    end: number | undefined;
    firstTest?: number | undefined;
    ready?: number | undefined;
  },
): Pick<ReportedFile, 'startMs' | 'endMs' | 'setupMs' | 'environmentMs'> {
  const { start, end, firstTest, ready } = marks;
  if (start === undefined || end === undefined || !(start >= jobStart) || !(end >= start)) return {};
  const out: Pick<ReportedFile, 'startMs' | 'endMs' | 'setupMs' | 'environmentMs'> = {
    startMs: Math.round(start - jobStart),
    endMs: Math.round(end - jobStart),
  };
  const tests = firstTest !== undefined && firstTest >= start && firstTest <= end ? firstTest : undefined;
  if (tests !== undefined) out.setupMs = Math.round(tests - start);
  if (ready !== undefined && ready >= start && ready <= (tests ?? end))
    out.environmentMs = Math.round(ready - start);
  return out;
}
