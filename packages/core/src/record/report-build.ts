/**
 * Building a run's report from what a runner observed: the one set of rules for every runner plugin. No
 * dependencies, so plugins load it with `@shardwise/core/light` on every run.
 */
import { compareCodeUnits } from '../base/paths.js';
import type { Plan } from '../formats/plan.js';
import {
  REPORT_FORMAT,
  type FileStatus,
  type JobTiming,
  type ReportedFile,
  type ReportPlan,
  type RunReport,
  type Unfinished,
} from '../formats/report.js';
import type { ShardSpec } from '../base/shard-spec.js';
import type { TestStatus } from '../formats/records.js';
import { applyFilter, type TestFilter } from '../model/test-filter.js';

/** What a plugin hands to {@link createReport}: the runner's results already translated to core data. */
export interface ReportInput {
  /** `jest`, `vitest`, `playwright`. */
  runner: string;
  /** The shard this run was; undefined for an unsharded run. */
  shard: ShardSpec | undefined;
  /** The plan it ran under (its own plan for an unsharded run). */
  plan: Plan | undefined;
  /** The runner narrowed the file list (path filters, changed files, project filters). */
  partial: boolean;
  /**
   * A filter ran only some tests of each file and the front end cannot tell which (a Playwright
   * `--last-failed`, a `file:line` location): every file that ran is reported `filtered`.
   */
  testsFiltered: boolean;
  /**
   * The run's test filter, when the front end can tell which tests it selects: a file none of whose tests
   * it left out is complete (it feeds the store as in an unfiltered run), the others are `filtered`, and
   * the report names the filter.
   */
  filter?: TestFilter;
  /** When the run ended (ISO 8601). */
  createdAt: string;
  /** The commit under test (`detectCommit`), when known. */
  commit?: string;
  /** The job's wall clock, when the plugin saw the runner start. */
  job?: JobTiming;
  /** One entry per file result; several entries with one key (one file in two unnamed projects) combine. */
  files: ReportedFile[];
}

/**
 * The report of one run: entries combined by key and sorted, the plan and shard attached.
 *
 * @example
 * createReport({ runner: 'jest', shard: undefined, plan: undefined, partial: false, testsFiltered: false,
 *   createdAt: new Date().toISOString(), files: [{ file: 'a.test.ts', durationMs: 120, status: 'passed' }] });
 */
export function createReport(input: ReportInput): RunReport {
  const byKey = new Map<string, ReportedFile>();
  for (const raw of input.files) {
    const entry = input.filter
      ? applyFilter(raw, input.filter)
      : input.testsFiltered && raw.status !== 'interrupted'
        ? { ...raw, filtered: true }
        : raw;
    // Pieces of one file are distinct entries (a plan never puts two in one shard, but a report says so).
    const key = entry.piece === undefined ? entry.file : `${entry.file}\u0000${entry.piece}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? combine(seen, entry) : entry);
  }
  const report: RunReport = {
    format: REPORT_FORMAT,
    version: 1,
    runner: input.runner,
    createdAt: input.createdAt,
    files: [...byKey.values()].sort(
      (a, b) => compareCodeUnits(a.file, b.file) || (a.piece ?? 0) - (b.piece ?? 0),
    ),
  };
  if (input.shard) report.shard = { index: input.shard.index, count: input.shard.count };
  if (input.commit) report.commit = input.commit;
  if (input.plan) report.plan = reportPlanOf(input.plan, input.partial);
  if (input.job) report.job = { ...input.job };
  if (input.filter) report.filter = input.filter.id;
  // Keys in the order readers expect: `files` last.
  const { files, ...head } = report;
  return { ...head, files };
}

/** The plan as a report carries it: enough to name the files of a shard whose report never arrived. */
export function reportPlanOf(plan: Plan, partial: boolean): ReportPlan {
  const reportPlan: ReportPlan = {
    fingerprint: plan.fingerprint,
    shardCount: plan.shardCount,
    shards: plan.shards.map((s) => s.files),
    estimatedMs: plan.shards.map((s) => s.estimatedMs),
  };
  if (plan.wall) {
    const { startupMs, workerStartupMs, workers } = plan.wall;
    reportPlan.wall = { startupMs, workerStartupMs, workers };
    reportPlan.wallMs = plan.shards.map((s) => s.wallMs ?? 0);
  }
  if (plan.shards.some((s) => s.spreadMs !== undefined))
    reportPlan.spreadMs = plan.shards.map((s) => s.spreadMs ?? 0);
  if (partial) reportPlan.partial = true;
  const pieces = plan.shards.flatMap((s) =>
    (s.pieces ?? []).map((p) => ({ shard: s.index, file: p.file, piece: p.piece, of: p.of, tests: p.tests })),
  );
  if (pieces.length > 0) reportPlan.pieces = pieces;
  return reportPlan;
}

/**
 * Which status a combined entry keeps, best first. The status of an entry decides whether `shard merge`
 * trusts its duration, and the combined duration is a real measurement as soon as one part of it is: a
 * pass ran the file to the end, a skip still paid its setup and import, a failure may have stopped early.
 * So passed beats skipped beats failed. `interrupted` beats everything: a part cut short makes the sum
 * too small to trust. Failures stay visible in the tests of the entry.
 */
const RANK: Record<FileStatus, number> = { interrupted: 0, passed: 1, skipped: 2, failed: 3 };

/**
 * One unit reported twice (the same file in two unnamed Jest projects, the tests and the typecheck of one
 * Vitest file): one unit, so its cost is the sum, and its status is the better of the two ({@link RANK}).
 */
export function combine(a: ReportedFile, b: ReportedFile): ReportedFile {
  const combined: ReportedFile = {
    file: a.file,
    durationMs: a.durationMs + b.durationMs,
    status: RANK[b.status] < RANK[a.status] ? b.status : a.status,
  };
  const tests = [...(a.tests ?? []), ...(b.tests ?? [])];
  if (tests.length > 0) combined.tests = tests;
  const hash = a.hash ?? b.hash;
  if (hash !== undefined) combined.hash = hash;
  if (a.filtered || b.filtered) combined.filtered = true;
  // A part that did not finish leaves the unit unfinished (crashed before cancelled: the stronger word).
  const unfinished = a.unfinished === 'crashed' ? a.unfinished : (b.unfinished ?? a.unfinished);
  if (unfinished !== undefined) combined.unfinished = unfinished;
  if (a.piece !== undefined) {
    combined.piece = a.piece;
    if (a.of !== undefined) combined.of = a.of;
    const others = [...(a.otherTests ?? []), ...(b.otherTests ?? [])];
    if (others.length > 0) combined.otherTests = others;
  }
  return combined;
}

/**
 * A file's status from what the runner says of it. `unfinished`: still queued or running when the run
 * ended, or the run was cancelled; `timed`: the runner's clock ran for it. A file whose clock never ran
 * (a crashed worker, a file that could not even load) says nothing about its duration, so it is
 * `interrupted` and merge never uses it; a skipped file's time (setup and import) is still its cost.
 */
export function fileStatusOf(
  outcome: 'passed' | 'failed' | 'skipped' | 'unfinished',
  timed: boolean,
): FileStatus {
  if (outcome === 'unfinished') return 'interrupted';
  if (!timed && outcome !== 'skipped') return 'interrupted';
  return outcome;
}

/**
 * The status of a file that did not run to its end, and why: `interrupted` (its time is no measurement)
 * and `unfinished` (it did not run: the exactly-once proof names it). Plugins decide which from the
 * runner's facts (a worker lost with the file, a module still pending at the end, a cancelled run).
 */
export function unfinishedFile(why: Unfinished): Pick<ReportedFile, 'status' | 'unfinished'> {
  return { status: 'interrupted', unfinished: why };
}

/** A test's status from the runner's word for it: Jest's `pending`/`todo`/`disabled` and the like are skips. */
export function testStatusOf(state: string | undefined): TestStatus {
  return state === 'passed' || state === 'failed' ? state : 'skipped';
}
