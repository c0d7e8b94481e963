import path from 'node:path';
import {
  displayPath,
  exitOnUserError,
  finishRun,
  jobStartMs,
  notice,
  planShard,
  readQuarantineSetting,
  unshardedPlan,
  type Hint,
  type Plan,
  type Settings,
  type ShardSpec,
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
import { readOptions, type PlaywrightAdded } from './options.js';
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
  shard: ShardSpec | undefined;
  plan: Plan;
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
  readonly #resolve: ReturnType<typeof readOptions>['resolve'] | undefined;
  readonly #invalid: unknown;
  #planned: Planned | undefined;
  #preprocessed = false;
  /** A failure outside the units: an error outside any test, a failed setup or teardown test. */
  #failedOutsideUnits = false;
  /** Milliseconds spent in each hook, for `DEBUG=shardwise` (the bench reads it). */
  readonly #time = new Map<string, number>();

  constructor(options?: unknown) {
    let added: PlaywrightAdded;
    let resolve: ReturnType<typeof readOptions>['resolve'] | undefined;
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
      const plan = settings?.plan && displayPath(settings.plan.path);
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
    const filtering = await playwrightFilter(process.argv, config, units);
    const partial = filtering !== undefined || Boolean(this.#added._commandHash);
    const shard = config.shard ? { index: config.shard.current, count: config.shard.total } : undefined;
    let plan: Plan;
    let mine: string[];
    if (shard) {
      const run = await planShard({
        runner: 'playwright',
        settings,
        files: units.byKey.keys(),
        shard,
        partial,
        fileSource: `the Playwright config in ${settings.root}`,
        // The wall model of Playwright's jobs, with this job's own worker count (Playwright resolved it).
        workers: config.workers,
        filter: filtering?.filter,
        unit: 'unit',
      });
      testRun.skipSharding();
      excludeOthers(suite, units, new Set(run.units), testRun);
      plan = run.plan;
      mine = run.units;
    } else {
      // The quarantine file is checked as in a sharded run (where planShard reads it): a broken or missing
      // named one fails now, not when the run's failures are judged.
      await readQuarantineSetting(settings);
      plan = await unshardedPlan(units.byKey.keys(), 'unit');
      mine = plan.shards[0]?.files ?? [];
    }
    const recorder = new UnitRecorder(units.keyOf);
    return { settings, units, mine, shard, plan, partial, filtering, workers: config.workers, recorder };
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
    const planned = this.#planned;
    planned?.recorder.testEnded(test, result, Date.now());
    if (planned && !planned.units.keyOf.has(test.id) && test.outcome() === 'unexpected')
      this.#failedOutsideUnits = true;
    this.#spent('onTestEnd', start);
  }

  onError(): void {
    this.#failedOutsideUnits = true;
  }

  onEnd(result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    const start = performance.now();
    const pass = this.#finish(result);
    this.#spent('onEnd', start);
    if (this.#planned?.settings.debug) {
      const parts = [...this.#time].map(([hook, ms]) => `${hook} ${ms.toFixed(1)}`).join(', ');
      const total = [...this.#time.values()].reduce((a, b) => a + b, 0);
      notice(`debug: time in the reporter ${total.toFixed(1)} ms (${parts})`);
    }
    // Every failure is a quarantined test: Playwright takes the status a reporter returns from onEnd.
    return Promise.resolve(pass ? { status: 'passed' } : undefined);
  }

  #spent(hook: string, start: number): void {
    this.#time.set(hook, (this.#time.get(hook) ?? 0) + performance.now() - start);
  }

  /** Writes the run's report and judges a failed run by the quarantine; true: the run passes after all. */
  #finish(result: FullResult): boolean {
    const planned = this.#planned;
    // `--list` plans (and may pin the plan) but runs nothing; merge-reports replays runs recorded already.
    if (!planned || this.#added._mode === 'list') return false;
    // The job's clock, as core keeps it for every runner: from this process's start (or `shard run`'s).
    const jobStart = jobStartMs();
    const { pass } = finishRun({
      runner: 'playwright',
      settings: planned.settings,
      shard: planned.shard,
      plan: planned.plan,
      partial: planned.partial,
      filter: planned.filtering?.filter,
      job: { start: jobStart, end: Date.now(), workers: planned.workers },
      files: () =>
        planned.recorder
          .entries(planned.mine, planned.units.byKey, result.status, jobStart)
          .map((e) => (planned.filtering?.partial.has(e.file) ? { ...e, filtered: true } : e)),
      failed: result.status === 'failed',
      failedOutsideTests: this.#failedOutsideUnits,
    });
    return pass;
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
