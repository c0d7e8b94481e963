import path from 'node:path';
import type { PlanDiagnostic, RunPlan } from '@shardwise/core';
import {
  createReport,
  detectCommit,
  exitOnUserError,
  jobStartMs,
  jobTiming,
  reportFileName,
  serializeReport,
  warningLine,
  writeFileAtomic,
  type Hint,
  type Settings,
} from '@shardwise/core/light';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestResult,
  TestRun,
} from '@playwright/test/reporter';
import { readOptions, type PlaywrightAdded, type ResolveSettings } from './options.js';
import { playwrightFilter, type PlaywrightFilter } from './filter.js';
import { UnitRecorder } from './recorder.js';
import { unitsOf, type Units } from './units.js';
import { supportsPreprocess, tooOldError } from './version.js';

/** What preprocess decided, for the events that follow. */
interface Planned {
  settings: Settings;
  units: Units;
  /** This run's units: the shard's in the plan's order, or every unit of an unsharded run. */
  mine: string[];
  run: RunPlan | undefined;
  partial: boolean;
  /** The run's test filter and the units it runs in part; undefined for an unfiltered run. */
  filtering: PlaywrightFilter | undefined;
  /** Playwright's resolved `workers`: the job's parallelism. */
  workers: number;
  recorder: UnitRecorder;
}

/**
 * The shardwise reporter: `playwright test --shard=I/N` runs the units the timing plan gives shard I
 * instead of Playwright's split by test count, and every run records each unit's wall time for the next
 * plan. It plans in `preprocess` (Playwright 1.62+), where it sees the whole unsharded suite: it takes
 * sharding over (`testRun.skipSharding()`) and excludes the other shards' units (`testRun.exclude`).
 *
 * @example
 * // playwright.config.ts
 * export default defineConfig({ reporter: [['@shardwise/playwright'], ['list']] });
 * // CI job i of N:  npx playwright test --shard=i/N   → .shardwise/reports/playwright-shard-i-of-N-<plan>.json
 * // final job:      npx shard merge --timings shard-timings.json .shardwise/reports
 */
export class ShardwiseReporter implements Reporter {
  readonly #added: PlaywrightAdded;
  readonly #resolve: ResolveSettings | undefined;
  readonly #invalid: unknown;
  #planned: Planned | undefined;
  #preprocessed = false;
  /** Milliseconds spent in each hook, for `DEBUG=shardwise` (the bench reads it). */
  readonly #time = new Map<string, number>();

  constructor(options?: unknown) {
    let added: PlaywrightAdded;
    let resolve: ResolveSettings | undefined;
    let invalid: unknown;
    try {
      ({ added, resolve } = readOptions(options));
    } catch (error) {
      // Said when the run starts (preprocess), with the runner's exit, not as a stack from the loader.
      invalid = error;
      added = pickAdded(options);
    }
    this.#added = added;
    this.#resolve = resolve;
    this.#invalid = invalid;
  }

  printsToStdio(): boolean {
    return false;
  }

  async preprocess({
    config,
    suite,
    testRun,
  }: {
    config: FullConfig;
    suite: Suite;
    testRun: TestRun;
  }): Promise<void> {
    this.#preprocessed = true;
    const start = performance.now();
    let settings: Settings | undefined;
    try {
      if (this.#invalid !== undefined || !this.#resolve) throw this.#invalid;
      settings = this.#resolve(this.#root(config), process.env);
      this.#planned = await this.#plan(config, suite, testRun, settings);
    } catch (error) {
      // Only on an error: the full core (for the plan's display path) costs a load that runs never need.
      const plan = settings?.plan && (await import('@shardwise/core')).displayPath(settings.plan.path);
      await exitOnUserError(error, (hint) => planHint(hint, plan || 'plan.json', config.shard?.total));
    } finally {
      this.#spent('preprocess', start);
    }
  }

  async #plan(
    config: FullConfig,
    suite: Suite,
    testRun: TestRun,
    settings: Settings,
  ): Promise<Planned | undefined> {
    const units = unitsOf(config, suite, testRun, settings.root);
    // No test at all: Playwright's own "No tests found" is the right message.
    if (units.byKey.size === 0) return undefined;
    const core = await import('@shardwise/core');
    const filtering = await playwrightFilter(process.argv, config, units);
    const partial = filtering !== undefined || Boolean(this.#added._commandHash);
    const shard = config.shard ? { index: config.shard.current, count: config.shard.total } : undefined;
    let run: RunPlan | undefined;
    if (shard) {
      const inputs = await core.readRunInputs(settings);
      run = core.planRun({
        files: units.byKey.keys(),
        shard,
        ...inputs,
        partial,
        fileSource: `the Playwright config in ${settings.root}`,
        // The wall model of Playwright's jobs, with this job's own worker count (Playwright resolved it).
        runner: 'playwright',
        workers: settings.workers ?? config.workers,
        ...(filtering ? { filter: filtering.filter } : {}),
        unit: 'unit',
      });
      testRun.skipSharding();
      excludeOthers(suite, units, new Set(run.units), testRun);
      if (settings.planOut && !run.pinned) notice(await core.writePinnedPlan(settings.planOut, run.plan));
      announce(run, settings, core, process.env);
    } else {
      // The quarantine file is checked as in a sharded run (where `readRunInputs` reads it): a broken or
      // missing named one fails now, not when `shard quarantine check` judges the run's failures.
      await core.readQuarantineSetting(settings);
      // An unsharded run's report carries its own one-shard plan, so `shard merge` can prune the store by
      // it; no store is read (it orders nothing here, so a broken one must not fail a local run).
      run = core.planRun({
        files: units.byKey.keys(),
        shardCount: 1,
        store: { state: 'disabled' },
        unit: 'unit',
      });
    }
    const mine = shard ? run.units : (run.plan.shards[0]?.files ?? []);
    const recorder = new UnitRecorder(units.keyOf);
    return { settings, units, mine, run, partial, filtering, workers: config.workers, recorder };
  }

  /**
   * The root of keys, the store and the reports: the directory of the Playwright config (where `npx
   * playwright test` runs), not `config.rootDir`, which is the test directory.
   */
  #root(config: FullConfig): string {
    return this.#added.configDir ?? (config.configFile ? path.dirname(config.configFile) : config.rootDir);
  }

  onBegin(config: FullConfig): void {
    // Playwright before 1.62 never calls preprocess: it would run every test in every shard, silently.
    if (!this.#preprocessed && this.#added._mode !== 'merge' && !supportsPreprocess(config.version)) {
      void exitOnUserError(tooOldError(config.version));
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const start = performance.now();
    this.#planned?.recorder.testEnded(test, result, Date.now());
    this.#spent('onTestEnd', start);
  }

  async onEnd(result: FullResult): Promise<void> {
    const start = performance.now();
    await this.#record(result);
    this.#spent('onEnd', start);
    if (this.#planned?.settings.debug) {
      const parts = [...this.#time].map(([hook, ms]) => `${hook} ${ms.toFixed(1)}`).join(', ');
      const total = [...this.#time.values()].reduce((a, b) => a + b, 0);
      notice(`debug: time in the reporter ${total.toFixed(1)} ms (${parts})`);
    }
  }

  #spent(hook: string, start: number): void {
    this.#time.set(hook, (this.#time.get(hook) ?? 0) + performance.now() - start);
  }

  async #record(result: FullResult): Promise<void> {
    const planned = this.#planned;
    // `--list` plans (and may pin the plan) but runs nothing; merge-reports replays runs recorded already.
    if (!planned || this.#added._mode === 'list' || !planned.settings.record) return;
    // The job's clock, as core keeps it for every runner: from this process's start (or `shard run`'s).
    const end = Date.now();
    const jobStart = jobStartMs();
    const commit = detectCommit(process.env, planned.settings.root);
    const report = createReport({
      runner: 'playwright',
      shard: planned.run?.shard,
      plan: planned.run?.plan,
      partial: planned.partial,
      testsFiltered: false,
      ...(planned.filtering ? { filter: planned.filtering.filter } : {}),
      createdAt: new Date(end).toISOString(),
      job: jobTiming(jobStart, end, planned.workers),
      ...(commit ? { commit } : {}),
      files: planned.recorder
        .entries(planned.mine, planned.units.byKey, result.status, jobStart)
        .map((e) => (planned.filtering?.partial.has(e.file) ? { ...e, filtered: true } : e)),
    });
    const name = reportFileName(
      'playwright',
      report.shard,
      report.shard ? report.plan?.fingerprint : undefined,
    );
    try {
      await writeFileAtomic(path.join(planned.settings.reportsDir, name), serializeReport(report));
    } catch (error) {
      // `shard merge` names the shard whose report is missing; failing the tests for it is not ours to do.
      notice(`could not write the timing report: ${(error as Error).message}`);
    }
  }
}

/**
 * The fix for a plan that does not fit, in Playwright's terms: the CLI cannot list Playwright's units, so
 * the reporter pins the plan itself, in a `--list` run (which runs nothing).
 */
function planHint(hint: Hint, file: string, shards: number | undefined): string | undefined {
  if (hint.kind !== 'replan' && hint.kind !== 'plan') return undefined;
  const pin = `\`SHARDWISE_PLAN_OUT=${file} npx playwright test --list --shard=1/${shards ?? 'N'}\``;
  return hint.kind === 'replan'
    ? `the plan is out of date: pin it again with ${pin}`
    : `pass a plan pinned by ${pin}, or a shardwise report`;
}

/** Playwright's own keys from options that failed validation, so the mode is still known. */
function pickAdded(options: unknown): PlaywrightAdded {
  const o = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
  return typeof o['_mode'] === 'string' ? { _mode: o['_mode'] } : {};
}

/**
 * Excludes every test of the other shards' units: a whole file where none of its tests is this shard's,
 * test by test otherwise. Setup and teardown projects are Playwright's to run (and may not be excluded).
 */
function excludeOthers(root: Suite, units: Units, mine: ReadonlySet<string>, testRun: TestRun): void {
  for (const project of root.suites) {
    if (units.readonly.has(project)) continue;
    for (const file of [...project.suites]) {
      const tests = file.allTests();
      const out = tests.filter((t) => !mine.has(units.keyOf.get(t.id) ?? ''));
      if (out.length === tests.length) testRun.exclude(file);
      else for (const test of out) testRun.exclude(test);
    }
  }
}

/** Core's diagnostics and the shard line, in Playwright's terms, on stderr. */
function announce(
  run: RunPlan,
  settings: Settings,
  core: typeof import('@shardwise/core'),
  env: NodeJS.ProcessEnv,
): void {
  const store = settings.timings ? core.displayPath(settings.timings.path) : '';
  const messages = core.planMessages(run, store, (d: PlanDiagnostic) => {
    if (d.kind === 'no-store' && !d.explicit) {
      return `no timing store at ${store}; planned ${d.files} units by estimate. That is normal on a first run: \`npx shard merge --timings ${store} ${core.displayPath(settings.reportsDir)}\` after the shards creates it`;
    }
    return undefined;
  });
  for (const m of messages) {
    if (m.level === 'warning') process.stderr.write(`${warningLine(m.text, env)}\n`);
    else notice(m.text);
  }
}

function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
}
