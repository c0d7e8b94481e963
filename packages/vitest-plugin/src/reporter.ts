import path from 'node:path';
import {
  createReport,
  detectCommit,
  exitOnUserError,
  fileStatusOf,
  fileTimeline,
  jobStartMs,
  jobTiming,
  hashTestFile,
  reportFileName,
  serializeReport,
  testStatusOf,
  writeFileAtomic,
  type FileStatus,
  type ReportedFile,
  type ReportedTest,
  type RunReport,
} from '@shardwise/core/light';
import { loadCore } from './load-core.js';
import type { Reporter, TestModule, TestRunEndReason, TestSpecification } from 'vitest/node';
import { groupOf, patternName } from './pieces.js';
import { keyOf, notice, type PlannedRun, type RunState } from './run-state.js';

/**
 * Records every file's wall time (environment setup, import, collection, setup files, tests and hooks),
 * its outcome and its tests' durations, and writes one report per run for `shard merge`.
 *
 * It is installed as an instance by the plugin, so a `--reporter` flag on the command line, which replaces
 * the configured reporters, does not remove it.
 */
export class ShardwiseReporter implements Reporter {
  readonly #state: RunState;
  /** When each module started and ended, epoch ms, as the main process saw it: the job's timeline. */
  readonly #clock = new Map<TestModule['id'], { start: number; end?: number }>();

  constructor(state: RunState) {
    this.#state = state;
  }

  onTestModuleStart(module: TestModule): void {
    this.#clock.set(module.id, { start: Date.now() });
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

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    errors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const state = this.#state;
    // A failed plan ran nothing worth reporting. An empty planned shard does report (no files), so that
    // `shard merge` sees every shard accounted for.
    if (state.planningFailed || (!state.planned && testModules.length === 0)) return;
    // Vitest has set its exit code from the modules' states just before this hook, and changes it after
    // only for its own later checks (coverage thresholds): a failed run whose every failure is a
    // quarantined test passes. Unhandled errors are never the quarantine's to forgive.
    const judge = reason === 'failed' && errors.length === 0;
    // SHARDWISE_RECORD=0 (core's settings): this run writes no report, as with the Jest plugin.
    if (!state.options.record && !judge) return;
    const report = this.#buildReport(testModules, reason);
    if (judge) await this.#applyQuarantine(report.files);
    if (!state.options.record) return;
    const file = path.join(
      state.options.reportsDir,
      reportFileName('vitest', report.shard, report.plan?.fingerprint),
    );
    try {
      await writeFileAtomic(file, serializeReport(report));
    } catch (error) {
      // A missing report is caught by `shard merge` (it names the shard); failing the tests for it is not
      // this reporter's call.
      notice(`could not write the timing report: ${(error as Error).message}`);
    }
  }

  async #applyQuarantine(files: ReportedFile[]): Promise<void> {
    try {
      const { judgeRun } = await loadCore();
      const { pass, lines } = judgeRun(this.#state.options.quarantine, files, process.env);
      for (const line of lines) process.stderr.write(`${line}\n`);
      if (pass) process.exitCode = 0;
    } catch (error) {
      await exitOnUserError(error);
    }
  }

  #buildReport(testModules: ReadonlyArray<TestModule>, reason: TestRunEndReason): RunReport {
    const { vitest, planned } = this.#state;
    const shard = vitest.config.shard;
    const end = Date.now();
    const jobStart = jobStartMs();
    const commit = detectCommit(process.env, vitest.config.root);
    return createReport({
      ...(commit ? { commit } : {}),
      runner: 'vitest',
      shard: shard ? { index: shard.index, count: shard.count } : undefined,
      plan: planned?.run.plan,
      partial: planned?.partial ?? false,
      testsFiltered: Boolean(vitest.config.testNamePattern),
      createdAt: new Date(end).toISOString(),
      job: jobTiming(jobStart, end, vitestWorkers(vitest.config, testModules.length)),
      files: testModules.map((module) => {
        const entry = describeModule(
          module,
          keyOf(vitest, module.project.name, module.moduleId),
          reason,
          planned,
        );
        const clock = this.#clock.get(module.id);
        if (entry.status !== 'interrupted' && clock) {
          Object.assign(entry, fileTimeline(jobStart, { start: clock.start, end: clock.end }));
        }
        return entry;
      }),
    });
  }
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
  const d = module.diagnostic();
  // `duration` alone covers only tests and hooks; the file's cost on a shard includes its fixed cost:
  // its environment, the runner's preparation, the import of the module and the setup files.
  const fixedMs =
    ms(d.environmentSetupDuration) + ms(d.prepareDuration) + ms(d.collectDuration) + ms(d.setupDuration);
  const durationMs = Math.round(fixedMs + ms(d.duration));
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
  const finished = state === 'passed' || state === 'failed' || state === 'skipped';
  return fileStatusOf(reason === 'interrupted' || !finished ? 'unfinished' : state, true);
}

function ms(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
