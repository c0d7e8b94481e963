/**
 * Planning for a runner plugin: what a sharded run decides before its first test, and the plan an unsharded
 * run records. Loaded by the light entry's {@link import('./run-kit.js').planShard} on first use, so a run
 * that plans nothing never loads the partitioner.
 */
import { displayPath } from '../base/paths.js';
import {
  describeDiagnostic,
  planMessages,
  planRun,
  type PlanDiagnostic,
  type RunPlan,
  type UnitNoun,
} from '../plan/build-plan.js';
import type { Plan } from '../formats/plan.js';
import { readRunInputs, writePinnedPlan } from '../io/run-inputs.js';
import type { Settings } from '../base/settings.js';
import type { ShardSpec } from '../base/shard-spec.js';
import type { TestFilter } from '../model/test-filter.js';
import { notice, warn } from './notice.js';

/** What a plugin knows when it shards: the units its runner found, and how the run was asked for. */
export interface PlanShardInput {
  /** `jest`, `vitest`, `playwright`: the wall model's runner, and the runner a message names. */
  runner: string;
  settings: Settings;
  /** Every unit key of the run (all shards'), in any order. */
  files: Iterable<string>;
  shard: ShardSpec;
  /** The runner was asked for part of the suite (path filters, `--changed`, a project filter). */
  partial: boolean;
  /** The run's test-name filter, if any. */
  filter?: TestFilter | undefined;
  /** Split files into pieces when that pays (the runner can run part of a file). */
  split?: boolean;
  /** Why this run plans whole files although a split would pay (said in the plan's messages). */
  wholeFilesBecause?: string | undefined;
  /** `unit` for Playwright (a unit may be a test), `file` elsewhere. */
  unit?: UnitNoun;
  /** Where the runner's file list came from, for messages. */
  fileSource?: string;
  /** The job's workers as the runner resolved them; the `workers` setting wins over it. */
  workers?: number | undefined;
  /** The runner fails a run with no tests (no `--passWithNoTests`): an empty shard says how to pass. */
  failsWhenEmpty?: boolean;
  /**
   * A diagnostic in the runner's words where core's neutral ones would mislead: a string replaces them,
   * null leaves the diagnostic out, undefined keeps the kit's words. `neutral`: core's words for it.
   */
  word?: (d: PlanDiagnostic, neutral: string) => string | null | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Plans a sharded run the way every plugin does: reads the store and the previous and pinned plans the
 * settings name, plans, writes the plan as a pinned plan when `SHARDWISE_PLAN_OUT` asks for it, and prints
 * the diagnostics and the shard line on stderr (warnings as `::warning::` on GitHub Actions). Throws
 * core's user errors (a broken store, a pinned plan that does not fit) for the plugin's exit.
 *
 * @example
 * const run = await planShard({ runner: 'jest', settings, files: keys, shard: { index: 1, count: 4 }, partial: false });
 * run.units; // this shard's files, longest first
 */
export async function planShard(input: PlanShardInput): Promise<RunPlan> {
  const { settings, runner } = input;
  const env = input.env ?? process.env;
  const started = performance.now();
  const inputs = await readRunInputs(settings);
  const workers = settings.workers ?? input.workers;
  const run = planRun({
    files: input.files,
    shard: input.shard,
    ...inputs,
    partial: input.partial,
    runner,
    ...(workers ? { workers } : {}),
    ...(input.split !== undefined ? { split: input.split } : {}),
    ...(input.wholeFilesBecause ? { wholeFilesBecause: input.wholeFilesBecause } : {}),
    ...(input.filter ? { filter: input.filter } : {}),
    ...(input.unit ? { unit: input.unit } : {}),
    ...(input.fileSource ? { fileSource: input.fileSource } : {}),
  });
  // `SHARDWISE_PLAN_OUT=plan.json <runner> --list… --shard=1/N`: the plan job of a config the CLI cannot list
  // (projects, Playwright's units) pins the plan the plugin made.
  if (settings.planOut && !run.pinned) notice(await writePinnedPlan(settings.planOut, run.plan));
  if (settings.debug) {
    notice(
      `debug: planned ${run.match.files} ${run.unit}s into ${run.plan.shardCount} shards in ${Math.round(performance.now() - started)} ms ` +
        `(store ${inputs.store.state}, plan ${run.plan.fingerprint}, makespan ${run.plan.makespanMs} ms, lower bound ${run.plan.lowerBoundMs} ms)`,
    );
  }
  const store = settings.timings ? displayPath(settings.timings.path) : '';
  const messages = planMessages(run, store, (d) => {
    const own = input.word?.(d, describeDiagnostic(d, store, run.unit));
    if (own !== undefined) return own;
    if (d.kind === 'no-store' && !d.explicit) {
      return `no timing store at ${store}; planned ${d.files} ${run.unit}s by estimate. That is normal on a first run: \`npx shard merge --timings ${store} ${displayPath(settings.reportsDir)}\` after the shards creates it`;
    }
    if (d.kind === 'empty-shard' && input.failsWhenEmpty) {
      return `shard ${d.shard.index}/${d.shard.count} is empty (${d.files} test file(s) for ${d.shard.count} shards); ${runnerName(runner)} fails a run with no tests, so pass --passWithNoTests to let an empty shard succeed`;
    }
    return undefined;
  });
  for (const m of messages) {
    if (m.level === 'warning') warn(m.text, env);
    else notice(m.text);
  }
  return run;
}

/**
 * The plan an unsharded run records, one policy for every runner: every unit in one shard, planned with
 * the store off (an unsharded run orders nothing by it, so a broken store must not fail a local run), so
 * that `shard merge` can prove the run ran each unit once and prune the store by it.
 */
export function unshardedPlan(files: Iterable<string>, unit?: UnitNoun): Plan {
  return planRun({ files, shardCount: 1, store: { state: 'disabled' }, ...(unit ? { unit } : {}) }).plan;
}

function runnerName(runner: string): string {
  return runner.charAt(0).toUpperCase() + runner.slice(1);
}
