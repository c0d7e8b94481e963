/**
 * The runner kit: what every runner plugin does around its runner's events, once, so that a plugin is its
 * event translation and its unit and key rules. Loads no dependency: planning (the partitioner, the store
 * reader) is imported on first use, by a run that plans.
 */
import path from 'node:path';
import { formatError, isShardwiseError } from '../base/errors.js';
import { exitOnUserError } from '../io/exit-on-user-error.js';
import { detectCommit } from '../io/code-identity.js';
import { jobTiming } from '../io/job-clock.js';
import type { Plan } from '../formats/plan.js';
import type { RunPlan, UnitNoun } from '../plan/build-plan.js';
import { judgeRun } from '../io/quarantine-run.js';
import { createReport } from '../record/report-build.js';
import { reportFileName, serializeReport, type ReportedFile, type RunReport } from '../formats/report.js';
import type { Settings } from '../base/settings.js';
import type { ShardSpec } from '../base/shard-spec.js';
import type { TestFilter } from '../model/test-filter.js';
import { writeFileAtomicSync } from '../io/write-file.js';
import { notice } from './notice.js';
import type { PlanShardInput } from './plan-shard.js';

export type { PlanShardInput };

type Planning = typeof import('./plan-shard.js');
let planning: Promise<Planning> | undefined;
/** The planning half of the kit, loaded once, on first use. */
function loadPlanning(): Promise<Planning> {
  return (planning ??= import('./plan-shard.js'));
}

/**
 * Plans a sharded run: reads the inputs the settings name, plans, pins the plan for `SHARDWISE_PLAN_OUT`
 * and prints the diagnostics and the shard line (see `plan-shard.ts`). Loads the planner on first call.
 *
 * @example
 * const run = await planShard({ runner: 'jest', settings, files: keys, shard, partial: false });
 */
export async function planShard(input: PlanShardInput): Promise<RunPlan> {
  return (await loadPlanning()).planShard(input);
}

/**
 * The plan an unsharded run records, one policy for every runner: its units in one shard, planned with the
 * store off, so that `shard merge` can check the run and prune the store by it.
 */
export async function unshardedPlan(files: Iterable<string>, unit?: UnitNoun): Promise<Plan> {
  return (await loadPlanning()).unshardedPlan(files, unit);
}

/** What a plugin knows when its run ends. */
export interface FinishRunInput {
  runner: string;
  settings: Settings;
  /** The shard that ran; undefined for an unsharded run. */
  shard: ShardSpec | undefined;
  /** The plan it ran under: the shard's, or its own from {@link unshardedPlan}. */
  plan: Plan | undefined;
  partial: boolean;
  filter?: TestFilter | undefined;
  /**
   * A test filter ran, but the runner cannot say which files it cut short (Node reports no event for a
   * test a name filter left out): every file then teaches its tests' times only.
   */
  testsFiltered?: boolean;
  /** The job's clock (epoch ms) and the workers it ran units on. */
  job: { start: number; end: number; workers: number };
  /** The run's report entries, built only when a report is written or failures are judged. */
  files: () => ReportedFile[];
  /** The runner failed the run. */
  failed: boolean;
  /**
   * Something outside the tests failed it (an error outside any test, a file that did not load, an
   * obsolete snapshot): never the quarantine's to forgive.
   */
  failedOutsideTests: boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

/** What the run's end decided: whether the run passes after all, and the report written. */
export interface FinishedRun {
  /** Every failure of a failed run is a quarantined test: the plugin makes the run pass. */
  pass: boolean;
  report: RunReport | undefined;
}

/**
 * Ends a run the way every plugin does: judges a failed run's failures by the quarantine file (printing
 * the verdict), then, unless `record` is off, writes its report (`<runner>-shard-I-of-N-<plan>.json`, or
 * `<runner>-full.json` for an unsharded run, so repeated local runs replace their report) atomically.
 * Synchronous, for Jest's synchronous last hook. A report that cannot be written is one notice, never a
 * failed run (`shard merge` names the shard whose report is missing); a broken quarantine file ends the
 * run with its one-line error.
 *
 * @example
 * const { pass } = finishRun({ runner: 'vitest', settings, shard, plan, partial: false,
 *   job: { start: jobStartMs(), end: Date.now(), workers: 4 }, files: () => entries, failed: true, failedOutsideTests: false });
 */
export function finishRun(input: FinishRunInput): FinishedRun {
  const { settings } = input;
  const env = input.env ?? process.env;
  const judge = input.failed && !input.failedOutsideTests;
  if (!settings.record && !judge) return { pass: false, report: undefined };
  const files = input.files();
  let pass = false;
  if (judge) {
    try {
      const verdict = judgeRun(settings.quarantine, files, env);
      for (const line of verdict.lines) process.stderr.write(`${line}\n`);
      pass = verdict.pass;
    } catch (error) {
      void exitOnUserError(error);
    }
  }
  if (!settings.record) return { pass, report: undefined };
  try {
    const commit = detectCommit(env, settings.root);
    const report = createReport({
      runner: input.runner,
      shard: input.shard,
      plan: input.plan,
      partial: input.partial,
      testsFiltered: input.testsFiltered ?? false,
      ...(input.filter ? { filter: input.filter } : {}),
      createdAt: new Date(input.job.end).toISOString(),
      job: jobTiming(input.job.start, input.job.end, input.job.workers),
      ...(commit ? { commit } : {}),
      files,
    });
    // Shards are named by plan, so no two shards of any run collide.
    const name = reportFileName(input.runner, input.shard, input.shard ? input.plan?.fingerprint : undefined);
    writeFileAtomicSync(path.join(settings.reportsDir, name), serializeReport(report));
    return { pass, report };
  } catch (error) {
    notice(
      `could not write the timing report: ${isShardwiseError(error) ? formatError(error) : String(error)}`,
    );
    return { pass, report: undefined };
  }
}
