import {
  fileStatusOf,
  fileTimeline,
  finishRun,
  hashTestFile,
  jobStartMs,
  notice,
  testStatusOf,
  unfinishedFile,
  type FileStatus,
  type ReportedFile,
  type ReportedTest,
} from '@shardwise/core/light';
import type { Reporter, TestModule, TestRunEndReason, TestSpecification } from 'vitest/node';
import { groupOf, patternName } from './pieces.js';
import { keyOf, testFilterOf, type PlannedRun, type RunState } from './run-state.js';

/**
 * Records every file's wall time (environment setup, import, collection, setup files, tests and hooks),
 * its outcome and its tests' durations, and writes one report per run for `shard merge`.
 *
 * It is installed as an instance by the plugin, so a `--reporter` flag on the command line, which replaces
 * the configured reporters, does not remove it.
 */
export class ShardwiseReporter implements Reporter {
  readonly #state: RunState;
  /**
   * When each module was queued in its worker (before its setup files and import), started its tests and
   * ended, epoch ms, as the main process saw it: the job's timeline.
   */
  readonly #clock = new Map<TestModule['id'], { queued?: number; start?: number; end?: number }>();

  constructor(state: RunState) {
    this.#state = state;
  }

  onTestModuleQueued(module: TestModule): void {
    this.#clock.set(module.id, { queued: Date.now() });
  }

  onTestModuleStart(module: TestModule): void {
    const seen = this.#clock.get(module.id);
    if (seen) seen.start = Date.now();
    else this.#clock.set(module.id, { start: Date.now() });
  }

  onTestModuleEnd(module: TestModule): void {
    const seen = this.#clock.get(module.id);
    if (seen) seen.end = Date.now();
  }

  onTestRunStart(specs: ReadonlyArray<TestSpecification>): void {
    const { vitest, planned } = this.#state;
    const shard = vitest.config.shard;
    // Vitest 4 itself refuses more shards than files, before the sequencer runs, with a message that does
    // not say the way out. (Vitest 5 shards before this hook; `planned` is then set and this stays quiet.)
    if (shard && !planned && !vitest.config.passWithNoTests && shard.count > specs.length) {
      notice(
        `${shard.count} shards for ${specs.length} test files: add --passWithNoTests so that the empty shards pass`,
      );
    }
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    errors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): void {
    const state = this.#state;
    // A failed plan ran nothing worth reporting. An empty planned shard does report (no files), so that
    // `shard merge` sees every shard accounted for.
    if (state.planningFailed || (!state.planned && testModules.length === 0)) return;
    explainPieceSkips(this.#state, testModules);
    const { vitest, planned } = state;
    const shard = vitest.config.shard;
    const jobStart = jobStartMs();
    // Vitest has set its exit code from the modules' states just before this hook, and changes it after
    // only for its own later checks (coverage thresholds): a failed run whose every failure is a
    // quarantined test passes. Unhandled errors are never the quarantine's to forgive.
    const { pass } = finishRun({
      runner: 'vitest',
      settings: state.options,
      shard: shard ? { index: shard.index, count: shard.count } : undefined,
      plan: planned?.run.plan ?? state.unsharded?.plan,
      partial: planned?.partial ?? state.unsharded?.partial ?? false,
      filter: testFilterOf(vitest),
      job: { start: jobStart, end: Date.now(), workers: vitestWorkers(vitest.config, testModules.length) },
      files: () => testModules.map((module) => this.#entry(module, reason, jobStart)),
      failed: reason === 'failed',
      failedOutsideTests: errors.length > 0,
    });
    if (pass) process.exitCode = 0;
  }

  #entry(module: TestModule, reason: TestRunEndReason, jobStart: number): ReportedFile {
    const { vitest, planned } = this.#state;
    const entry = describeModule(
      module,
      keyOf(vitest, module.project.name, module.moduleId),
      reason,
      planned,
    );
    const clock = this.#clock.get(module.id);
    if (entry.status !== 'interrupted' && clock) Object.assign(entry, timelineOf(module, clock, jobStart));
    return entry;
  }
}

/**
 * A module's place on the job's timeline, from its start before its environment and import, not from
 * Vitest's `onTestModuleStart`, which comes after its import and collection (a file of 3 s of import
 * would show a few ms): its worker queued it after setting up the environment and preparing (the
 * diagnostic's first two durations), then ran its setup files, imported and collected it, then its tests.
 */
function timelineOf(
  module: TestModule,
  clock: { queued?: number; start?: number; end?: number },
  jobStart: number,
): ReturnType<typeof fileTimeline> {
  const { environment, setup, collect } = fixedCostOf(module);
  // Without the queued event (never seen, but cheap to survive), the start of its tests less its import.
  const queued = clock.queued ?? (clock.start === undefined ? undefined : clock.start - setup - collect);
  if (queued === undefined || clock.end === undefined) return {};
  // The worker's own clock and the main process's differ by a few ms: never before the job's start.
  const start = Math.max(jobStart, queued - environment);
  const ready = Math.min(queued + setup, clock.end);
  return fileTimeline(jobStart, {
    start,
    end: clock.end,
    ready,
    firstTest: Math.min(ready + collect, clock.end),
  });
}

/**
 * A piece runs its file with a test-name filter, and Vitest counts every test the filter left out as
 * skipped (it collects the whole file, then skips by name: no runner option leaves a test out), so its
 * summary just above shows the other pieces' tests as this shard's skips. One line right under that
 * summary says how many of them are the other pieces', run by other shards.
 */
function explainPieceSkips(state: RunState, testModules: ReadonlyArray<TestModule>): void {
  const pieces = state.planned?.pieces;
  if (!pieces || pieces.size === 0) return;
  let others = 0;
  const names: string[] = [];
  for (const module of testModules) {
    const key = keyOf(state.vitest, module.project.name, module.moduleId);
    const piece = pieces.get(key);
    if (!piece) continue;
    let left = 0;
    for (const test of module.children.allTests()) if (!piece.pattern.test(patternName(test))) left++;
    if (left === 0) continue;
    others += left;
    names.push(`${key} (piece ${piece.piece}/${piece.of})`);
  }
  if (others === 0) return;
  notice(
    `${others} of the skipped tests above belong to the other pieces of ${names.join(', ')}, which other shards run: left to them, not skipped`,
  );
}

/** Files Vitest ran side by side: 1 without file parallelism, else its resolved `maxWorkers`, up to the files. */
function vitestWorkers(
  config: { fileParallelism?: boolean; maxWorkers?: number | string },
  files: number,
): number {
  if (config.fileParallelism === false) return 1;
  const max = typeof config.maxWorkers === 'number' && config.maxWorkers >= 1 ? config.maxWorkers : 1;
  return Math.max(1, Math.min(max, files));
}

function describeModule(
  module: TestModule,
  file: string,
  reason: TestRunEndReason,
  planned: PlannedRun | undefined,
): ReportedFile {
  // `duration` alone covers only tests and hooks; the file's cost on a shard includes its fixed cost.
  const { fixedMs } = fixedCostOf(module);
  const durationMs = Math.round(fixedMs + ms(module.diagnostic().duration));
  // A piece lists the tests its filter selected (run or skipped by the test itself), and the names of the
  // ones it left to the other pieces, so that `shard merge` can prove each ran in exactly one piece.
  const piece = planned?.pieces.get(file);
  const tests: ReportedTest[] = [];
  const otherTests: string[] = [];
  for (const test of module.children.allTests()) {
    if (piece && !piece.pattern.test(patternName(test))) {
      otherTests.push(test.fullName);
      continue;
    }
    const diagnostic = test.diagnostic();
    const entry: ReportedTest = {
      name: test.fullName,
      durationMs: Math.round(ms(diagnostic?.duration)),
      status: testStatusOf(test.result()?.state),
    };
    // With `retry`, `retryCount` counts the retries and `flaky` marks a pass after a failed attempt.
    const retries = diagnostic?.retryCount ?? 0;
    if (retries > 0) entry.attempts = retries + 1;
    if (diagnostic?.flaky === true) entry.flaky = true;
    const group = groupOf(test);
    if (group !== undefined) entry.group = group;
    tests.push(entry);
  }
  const entry: ReportedFile = { file, durationMs, status: fileStatus(module.state(), reason) };
  // Still queued or running when the run ended: its fork or thread died with it (a crash), or the run
  // was cancelled. Either way it did not run, and `shard merge` says so.
  if (!finished(module.state()))
    Object.assign(entry, unfinishedFile(reason === 'interrupted' ? 'cancelled' : 'crashed'));
  // From Vitest's own figures, not the file's clock: a piece's fixed cost is learned from it.
  if (entry.status !== 'interrupted') entry.setupMs = Math.round(fixedMs);
  if (tests.length > 0) entry.tests = tests;
  const hash = hashTestFile(module.moduleId);
  if (hash !== undefined) entry.hash = hash;
  if (piece) {
    entry.piece = piece.piece;
    entry.of = piece.of;
    if (otherTests.length > 0) entry.otherTests = otherTests;
  }
  return entry;
}

/**
 * A cancelled run (`reason === 'interrupted'`) cut files short: none of its times is a full one, so every
 * file is `interrupted`, and `shard merge` keeps the durations it had. A module still queued or running
 * at the end was cut short too.
 */
function fileStatus(state: ReturnType<TestModule['state']>, reason: TestRunEndReason): FileStatus {
  return fileStatusOf(reason === 'interrupted' || !finished(state) ? 'unfinished' : state, true);
}

function finished(state: ReturnType<TestModule['state']>): state is 'passed' | 'failed' | 'skipped' {
  return state === 'passed' || state === 'failed' || state === 'skipped';
}

/**
 * A module's fixed cost, from Vitest's diagnostic, in the order its worker paid it: the environment and the
 * runner's preparation, the setup files, then the module's import and collection.
 */
function fixedCostOf(module: TestModule): {
  environment: number;
  setup: number;
  collect: number;
  fixedMs: number;
} {
  const d = module.diagnostic();
  const environment = ms(d.environmentSetupDuration) + ms(d.prepareDuration);
  const setup = ms(d.setupDuration);
  const collect = ms(d.collectDuration);
  return { environment, setup, collect, fixedMs: environment + setup + collect };
}

function ms(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
