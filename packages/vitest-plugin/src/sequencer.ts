import type { RunPlan } from '@shardwise/core';
import { warningLine } from '@shardwise/core/light';
import {
  BaseSequencer,
  type TestSequencerConstructor,
  type TestSpecification,
  type Vitest,
} from 'vitest/node';
import { loadCore } from './load-core.js';
import { exitOnUserError, keyOf, notice, type RunState } from './run-state.js';

/**
 * Builds the sequencer class Vitest instantiates (`sequence.sequencer` takes a class, so the run state is
 * bound by this closure).
 *
 * `shard()` (called by Vitest only with `--shard`) plans every file Vitest resolved with the timing store
 * and returns exactly this shard's files. `sort()` runs them longest first.
 */
export function createSequencer(state: RunState): TestSequencerConstructor {
  return class ShardwiseSequencer extends BaseSequencer {
    override async shard(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const shard = this.ctx.config.shard;
      if (!shard) return specs;
      try {
        return await planShard(this.ctx, state, specs, { index: shard.index, count: shard.count });
      } catch (error) {
        state.planningFailed = true;
        return exitOnUserError(error);
      }
    }

    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const planned = state.planned;
      if (!planned) return super.sort(specs);
      // The plan lists each shard's files longest first (then by path): run them in that order, so the
      // longest files do not start last and keep one worker busy after the others are done.
      const rank = new Map<string, number>();
      planned.run.units.forEach((file, i) => rank.set(file, i));
      const position = (spec: TestSpecification): number =>
        rank.get(keyOf(this.ctx, spec.project.name, spec.moduleId)) ?? Number.MAX_SAFE_INTEGER;
      return specs
        .map((spec, i) => ({ spec, at: position(spec), i }))
        .sort((a, b) => a.at - b.at || a.i - b.i)
        .map(({ spec }) => spec);
    }
  };
}

async function planShard(
  vitest: Vitest,
  state: RunState,
  specs: TestSpecification[],
  shard: { index: number; count: number },
): Promise<TestSpecification[]> {
  const { options } = state;
  const { planRun, readRunInputs } = await loadCore();
  const byKey = new Map<string, TestSpecification[]>();
  for (const spec of specs) {
    const key = keyOf(vitest, spec.project.name, spec.moduleId);
    const list = byKey.get(key);
    // A file that runs in two pools of one project (tests and typecheck) is one unit: keep them together.
    if (list) list.push(spec);
    else byKey.set(key, [spec]);
  }
  const started = performance.now();
  const inputs = await readRunInputs(options);
  const run = planRun({
    files: byKey.keys(),
    shard,
    store: inputs.store,
    estimator: options.estimator,
    ...(inputs.previous ? { previous: inputs.previous } : {}),
    ...(inputs.pinned ? { pinned: inputs.pinned } : {}),
    partial: isPartial(vitest),
  });
  state.planned = { run, partial: isPartial(vitest) };
  if (options.planOut && !run.pinned) {
    // `SHARDWISE_PLAN_OUT=plan.json vitest list --shard=1/N`: the plan job of a config the CLI cannot
    // list (several projects, keyed `name|path`) pins the plan the plugin made.
    const { serializePlanFile, writeFileAtomic, displayPath } = await loadCore();
    await writeFileAtomic(options.planOut, serializePlanFile(run.plan));
    notice(
      `pinned plan ${run.plan.fingerprint.slice(0, 8)} written to ${displayPath(options.planOut)}: run every shard with SHARDWISE_PLAN=${displayPath(options.planOut)}`,
    );
  }
  if (options.debug) {
    notice(
      `debug: planned ${run.match.files} files into ${run.plan.shardCount} shards in ${Math.round(performance.now() - started)} ms ` +
        `(store ${inputs.store.state}, plan ${run.plan.fingerprint}, makespan ${run.plan.makespanMs} ms, lower bound ${run.plan.lowerBoundMs} ms)`,
    );
  }
  await announce(vitest, state, run);

  const selected: TestSpecification[] = [];
  for (const file of run.units) {
    const list = byKey.get(file);
    if (!list) throw new Error(`shardwise: the plan names "${file}", which Vitest did not resolve (a bug)`);
    selected.push(...list);
  }
  return selected;
}

/** Core's diagnostics and the shard line, in Vitest's terms. */
async function announce(vitest: Vitest, state: RunState, run: RunPlan): Promise<void> {
  const { describeDiagnostic, describeShard, displayPath, severityOf } = await loadCore();
  const store = state.options.timings ? displayPath(state.options.timings.path) : '';
  for (const d of run.diagnostics) {
    const line =
      d.kind === 'empty-shard' && !vitest.config.passWithNoTests
        ? `shard ${d.shard.index}/${d.shard.count} has no files (${d.files} files for ${d.shard.count} shards); add --passWithNoTests so that empty shards pass`
        : describeDiagnostic(d, store);
    if (severityOf(d) === 'warning') process.stderr.write(`${warningLine(line, process.env)}\n`);
    else notice(line);
  }
  if (run.units.length > 0) notice(describeShard(run));
}

/**
 * Whether Vitest was asked for part of the suite: a plan over part of the files proves nothing about the
 * others, so `shard merge` must not prune the store by it. Reads fields that Vitest 3.2, 4 and 5 all set;
 * a missing one counts as "not narrowed".
 */
function isPartial(vitest: Vitest): boolean {
  const config = vitest.config;
  const filters = (vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  return Boolean(
    (filters && filters.length > 0) ||
    config.changed ||
    (config.related && config.related.length > 0) ||
    (config.project && config.project.length > 0),
  );
}
