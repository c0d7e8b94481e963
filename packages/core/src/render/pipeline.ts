/**
 * A pipeline as the pictures show it: the jobs of one run, their workers and files on each job's clock,
 * what was predicted and what happened, what moved, what flaked, and whether every file ran exactly once.
 * Pure: every figure comes from what the merge already computed (the shard rows, the slowest job, the
 * proof, the merged store, the flaky tests), never remade here; the HTML report, the pull-request comment
 * and the step summary all render this one summary.
 */
import type { CoverageResult } from '../learn/exactly-once.js';
import { describeCoverage } from '../learn/exactly-once.js';
import type { FlakyTest } from '../learn/flaky.js';
import type { History, HistoryOutcome } from '../learn/history.js';
import type { MergeResult } from '../learn/merge.js';
import { compareCodeUnits } from '../base/paths.js';
import { isExpired, quarantineEntryOf, type Quarantine, type QuarantineEntry } from '../learn/quarantine.js';
import type { FileStatus, ReportedFile, RunReport } from '../formats/report.js';
import type { ShardRow, SlowestShard } from '../learn/shard-summary.js';
import type { TimingStore } from '../formats/records.js';
import { hasTimeline, observeJob, workersOf } from '../model/wall-model.js';
import { describeMachineJob, describeSlowest, otherPlanNote, shardName } from './merge-words.js';

/** What a merge (or `shard report`) knows about one run. */
export interface PipelineInput {
  /** The shard jobs' reports (unsharded runs left out, as the merge does). */
  reports: readonly RunReport[];
  coverage: CoverageResult;
  /** `summarizeShards`' rows. */
  shards: readonly ShardRow[];
  /** `explainSlowest`'s verdict. */
  slowest: SlowestShard | undefined;
  /** The store the run was planned with (before this merge); undefined on a first run. */
  before: TimingStore | undefined;
  /** The merge of the reports into `before`: what moved, the jobs that ran on a slow machine. */
  merged: Pick<MergeResult, 'store' | 'updated' | 'added' | 'machineJobs'>;
  /** The flaky history after this run, and what `detectFlaky` found in it. */
  history?: History | undefined;
  flaky?: readonly FlakyTest[] | undefined;
  /** Tests flaky after this run that were not before it. */
  newlyFlaky?: readonly FlakyTest[] | undefined;
  quarantine?: Quarantine | undefined;
  /** The day quarantine expiry is judged on (YYYY-MM-DD, UTC). */
  today: string;
}

/** One file (or piece) on a worker's lane, ms since its job started. */
export interface FileBar {
  /** The unit as the proof names it: `big.test.ts (piece 2/3)` for a piece. */
  label: string;
  file: string;
  startMs: number;
  endMs: number;
  status: FileStatus;
  /** A test of it failed and then passed on a retry. */
  flaky: boolean;
}

/** One worker of a job: its files in start order. */
export interface WorkerLane {
  /** 1-based, as the runner numbered it (or in the order the timeline shows them). */
  worker: number;
  bars: FileBar[];
}

/** One job (one report): its clock, its prediction, its workers. */
export interface JobView {
  /** The shard it ran, 1-based; undefined for an unsharded run. */
  shard: number | undefined;
  runner: string;
  /** `shard 2/4 · jest`. */
  name: string;
  /** Its runner's wall clock, ms; undefined without a job clock. */
  wallMs: number | undefined;
  /** What its shard was predicted to take (its shard row's figure). */
  predictedMs: number | undefined;
  /** Its time outside its files (`observeJob`); undefined when the clock cannot say. */
  startupMs: number | undefined;
  workers: WorkerLane[];
  /** Files it ran that have no place on its clock (imports, `shard run`, a file cut short). */
  untimed: number;
  files: number;
}

/** A file that took long, and where. */
export interface SlowFile {
  label: string;
  durationMs: number;
  status: FileStatus;
  shard: number | undefined;
}

/** A store entry this run moved (or added). */
export interface MovedFile {
  file: string;
  /** Its duration before this run; undefined for a file the store did not know. */
  beforeMs: number | undefined;
  afterMs: number;
}

/** A flaky or broken test with its recent outcomes and its quarantine. */
export interface TestTrack extends FlakyTest {
  /** Its outcomes in the history's runs, oldest first: `p` passed, `f` failed, `y` passed on a retry. */
  strip: HistoryOutcome[];
  /** Became flaky in this run. */
  newly: boolean;
  quarantine?: QuarantineEntry & { expired: boolean };
}

/** The spread of the jobs' walls: how balanced the run was. */
export interface Balance {
  fastestMs: number;
  slowestMs: number;
  meanMs: number;
  /** The slowest over the mean, minus 1: 0 is perfect balance. */
  overMean: number;
}

/** Everything the report, the comment and the step summary show. */
export interface PipelineSummary {
  shardCount: number;
  jobs: JobView[];
  rows: readonly ShardRow[];
  /** The run's wall: its slowest job (jobs run side by side). */
  wallMs: number | undefined;
  balance: Balance | undefined;
  /** The plan's proven lower bound on its slowest job, when the plan carried it. */
  lowerBoundMs: number | undefined;
  /** The slowest job and why, in words (`describeSlowest`). */
  slowest: string | undefined;
  /** Jobs that ran on a slow (or fast) machine, in words. */
  machineJobs: string[];
  coverage: {
    checked: boolean;
    ok: boolean;
    /** `describeCoverage`'s lines. */
    problems: string[];
    /** Files no shard ran (missing shards, not run, unfinished), and files run more than once. */
    missing: string[];
    doubled: string[];
    /** Planned units that ran. */
    planned: number;
  };
  slowestFiles: SlowFile[];
  moved: MovedFile[];
  tests: TestTrack[];
  newlyFlaky: FlakyTest[];
  /** Files each report listed, summed. */
  files: number;
  /** Whether a flaky history was read (so "no flaky test" means something). */
  history: boolean;
  /** Under the shard table of a mixed-plan run: which rows describe another plan (`otherPlanNote`). */
  otherPlan: string | undefined;
}

/** How many slowest files and moved entries the summary lists. */
export const LISTED = 15;

/**
 * Everything one run's pictures show, from the figures the merge computed.
 *
 * @example
 * const summary = describePipeline({ reports, coverage, shards, slowest, before, merged, today });
 * await writeFileAtomic('report.html', renderHtml(summary));
 */
export function describePipeline(input: PipelineInput): PipelineSummary {
  const { reports, coverage, shards } = input;
  const shardCount = coverage.shardCount || Math.max(0, ...reports.map((r) => r.shard?.count ?? 0));
  const rowOf = new Map(shards.map((s) => [s.index, s]));
  const jobs = [...reports]
    .sort(
      (a, b) =>
        (a.shard?.index ?? 0) - (b.shard?.index ?? 0) ||
        compareCodeUnits(a.runner, b.runner) ||
        compareCodeUnits(a.createdAt ?? '', b.createdAt ?? ''),
    )
    .map((r) => jobView(r, shardCount, rowOf.get(r.shard?.index ?? 1)));
  const walls = shards.flatMap((s) => (s.wallMs === null ? [] : [s.wallMs]));
  const wallMs = input.slowest?.wallMs ?? (walls.length > 0 ? Math.max(...walls) : undefined);
  return {
    shardCount,
    jobs,
    rows: shards,
    wallMs,
    balance: balanceOf(walls),
    lowerBoundMs: coverage.plan?.lowerBoundMs,
    slowest: input.slowest ? describeSlowest(input.slowest, coverage.shardCount) : undefined,
    machineJobs: input.merged.machineJobs.map((p) => describeMachineJob(p, coverage.shardCount)),
    coverage: coverageOf(coverage, shards),
    slowestFiles: slowestFiles(reports),
    moved: movedFiles(input.before, input.merged),
    tests: testTracks(input),
    newlyFlaky: [...(input.newlyFlaky ?? [])],
    files: reports.reduce((n, r) => n + r.files.length, 0),
    history: input.flaky !== undefined,
    otherPlan: otherPlanNote(shards, coverage),
  };
}

function jobView(report: RunReport, shardCount: number, row: ShardRow | undefined): JobView {
  const shard = report.shard?.index;
  const timed = report.files.filter(hasTimeline);
  const lanes = workersOf(timed, report.job?.workers ?? 1);
  return {
    shard,
    runner: report.runner,
    name: `${shard === undefined ? 'unsharded' : `shard ${shardName(shard, shardCount)}`} · ${report.runner}`,
    wallMs: report.job?.wallMs,
    predictedMs: shard === undefined ? undefined : row?.predictedMs,
    startupMs: observeJob(report)?.startupMs,
    workers: lanes.map((indexes, i) => ({
      worker: timed[indexes[0]!]!.worker ?? i + 1,
      bars: indexes.map((x) => barOf(timed[x]!)),
    })),
    untimed: report.files.length - timed.length,
    files: report.files.length,
  };
}

function barOf(f: ReportedFile & { startMs: number; endMs: number }): FileBar {
  return {
    label: unitName(f),
    file: f.file,
    startMs: f.startMs,
    endMs: f.endMs,
    status: f.status,
    flaky: (f.tests ?? []).some((t) => t.flaky === true),
  };
}

/** A unit as the proof names it. */
function unitName(f: Pick<ReportedFile, 'file' | 'piece' | 'of'>): string {
  return f.piece === undefined ? f.file : `${f.file} (piece ${f.piece}/${f.of ?? '?'})`;
}

function balanceOf(walls: readonly number[]): Balance | undefined {
  if (walls.length === 0) return undefined;
  const slowestMs = Math.max(...walls);
  const meanMs = Math.round(walls.reduce((a, b) => a + b, 0) / walls.length);
  return {
    fastestMs: Math.min(...walls),
    slowestMs,
    meanMs,
    overMean: meanMs > 0 ? slowestMs / meanMs - 1 : 0,
  };
}

function coverageOf(coverage: CoverageResult, shards: readonly ShardRow[]): PipelineSummary['coverage'] {
  const missing = new Set<string>();
  for (const m of coverage.missingShards) for (const f of m.files) missing.add(f);
  for (const f of coverage.notRun) missing.add(f.file);
  for (const f of coverage.unfinished) missing.add(unitName(f));
  const pieces = coverage.plan?.pieces?.length ?? 0;
  return {
    checked: coverage.checked,
    ok: coverage.ok,
    problems: describeCoverage(coverage),
    missing: [...missing].sort(compareCodeUnits),
    doubled: coverage.duplicated.map((d) => d.file),
    planned: shards.reduce((sum, s) => sum + s.planned, 0) - pieces,
  };
}

function slowestFiles(reports: readonly RunReport[]): SlowFile[] {
  // The longest few of up to 100,000 files: kept as they come, not sorted all.
  const top: { f: ReportedFile; shard: number | undefined }[] = [];
  const before = (a: ReportedFile, b: ReportedFile) =>
    b.durationMs - a.durationMs || compareCodeUnits(unitName(a), unitName(b));
  for (const r of reports) {
    for (const f of r.files) {
      if (top.length === LISTED && before(f, top[LISTED - 1]!.f) >= 0) continue;
      top.push({ f, shard: r.shard?.index });
      top.sort((a, b) => before(a.f, b.f));
      if (top.length > LISTED) top.pop();
    }
  }
  return top.map(({ f, shard }) => ({
    label: unitName(f),
    durationMs: f.durationMs,
    status: f.status,
    shard,
  }));
}

/** The entries the merge added or moved past its threshold, by how far they moved. */
function movedFiles(before: TimingStore | undefined, merged: PipelineInput['merged']): MovedFile[] {
  const moved: MovedFile[] = [];
  for (const file of [...merged.updated, ...merged.added]) {
    const afterMs = merged.store.files.get(file)?.durationMs;
    if (afterMs === undefined) continue;
    moved.push({ file, beforeMs: before?.files.get(file)?.durationMs, afterMs });
  }
  const delta = (m: MovedFile) => Math.abs(m.afterMs - (m.beforeMs ?? 0));
  return moved.sort((a, b) => delta(b) - delta(a) || compareCodeUnits(a.file, b.file)).slice(0, LISTED);
}

function testTracks(input: PipelineInput): TestTrack[] {
  const runs = input.history?.runs ?? [];
  const newly = new Set((input.newlyFlaky ?? []).map((t) => `${t.file}\0${t.name}`));
  return (input.flaky ?? []).map((t) => {
    const records = input.history?.files.get(t.file)?.get(t.name) ?? [];
    const byRun = new Map(records.map((r) => [r.n, r.o]));
    const strip = runs.flatMap((r) => {
      const o = byRun.get(r.n);
      return o === undefined ? [] : [o];
    });
    const entry = input.quarantine && quarantineEntryOf(input.quarantine, t);
    const track: TestTrack = { ...t, strip, newly: newly.has(`${t.file}\0${t.name}`) };
    if (entry) track.quarantine = { ...entry, expired: isExpired(entry, input.today) };
    return track;
  });
}
