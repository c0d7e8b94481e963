import type { RunPlan } from '@shardwise/core';
import { warningLine } from '@shardwise/core/light';
import {
  BaseSequencer,
  type TestSequencerConstructor,
  type TestSpecification,
  type Vitest,
} from 'vitest/node';
import { loadCore } from './load-core.js';
import { piecePattern, runsPieces } from './pieces.js';
import { exitOnUserError, keyOf, notice, testFilterOf, type RunState } from './run-state.js';

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
      // Pieces first (see planShard), then the files longest first.
      [...planned.pieces.keys(), ...planned.run.units].forEach((file, i) => rank.set(file, i));
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
  const { planRun, readRunInputs, writePinnedPlan, matchKey } = await loadCore();
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
  const partial = isPartial(vitest);
  // A `-t` filter of the user's would be replaced by a piece's own filter (a specification's pattern wins
  // over the global one): such a run plans whole files.
  const canSplit = runsPieces(vitest.version) && !vitest.config.testNamePattern;
  const run = planRun({
    files: byKey.keys(),
    shard,
    ...inputs,
    partial,
    runner: 'vitest',
    ...(options.workers ? { workers: options.workers } : {}),
    split: state.splitTests && canSplit,
    filter: testFilterOf(vitest),
  });
  const pieces = new Map<string, { piece: number; of: number; pattern: RegExp }>();
  for (const p of run.pieces)
    pieces.set(p.file, { piece: p.piece, of: p.of, pattern: piecePattern(p, run.plan, matchKey) });
  state.planned = { run, partial, pieces };
  // SHARDWISE_PLAN_OUT pins the plan this run made (`vitest list` does not plan, so pinning the plan of a
  // Vitest config is usually done from `vitest list --filesOnly --json | shard plan --out`).
  if (options.planOut && !run.pinned) notice(await writePinnedPlan(options.planOut, run.plan));
  if (options.debug) {
    notice(
      `debug: planned ${run.match.files} files into ${run.plan.shardCount} shards in ${Math.round(performance.now() - started)} ms ` +
        `(store ${inputs.store.state}, plan ${run.plan.fingerprint}, makespan ${run.plan.makespanMs} ms, lower bound ${run.plan.lowerBoundMs} ms)`,
    );
  }
  await announce(vitest, state, run);

  const selected: TestSpecification[] = [];
  const specsOf = (file: string) => {
    const list = byKey.get(file);
    if (!list) throw new Error(`shardwise: the plan names "${file}", which Vitest did not resolve (a bug)`);
    return list;
  };
  // Pieces first: they belong to the files that set the plan's floor, the longest units of the shard.
  for (const [file, { piece, of, pattern }] of pieces) {
    for (const spec of specsOf(file)) {
      // Type checks are not split by name: the file's typecheck pass runs once, with its last piece.
      if (spec.pool === 'typecheck') {
        if (piece === of) selected.push(spec);
        continue;
      }
      selected.push(spec.project.createSpecification(spec.moduleId, { testNamePattern: pattern }, spec.pool));
    }
  }
  for (const file of run.units) selected.push(...specsOf(file));
  return selected;
}

/** Core's diagnostics and the shard line, in Vitest's terms. */
async function announce(vitest: Vitest, state: RunState, run: RunPlan): Promise<void> {
  const { displayPath, planMessages } = await loadCore();
  const store = state.options.timings ? displayPath(state.options.timings.path) : '';
  const messages = planMessages(run, store, (d) => {
    if (d.kind === 'empty-shard' && !vitest.config.passWithNoTests) {
      return `shard ${d.shard.index}/${d.shard.count} has no files (${d.files} files for ${d.shard.count} shards); add --passWithNoTests so that empty shards pass`;
    }
    if (d.kind !== 'split-unused') return undefined;
    // Turned off on purpose: nothing to say. Else the one reason this Vitest planned whole files.
    if (!state.splitTests) return null;
    const why = vitest.config.testNamePattern
      ? 'a -t filter runs whole files (a piece has its own name filter)'
      : `this Vitest (${vitest.version}) cannot run part of a file by test name (Vitest 4.1 can)`;
    return `${d.files.map((f) => f.file).join(', ')} holds the plan back: split by test, the slowest shard would take ${(d.splitMs / 1000).toFixed(1)} s instead of ${(d.fileLevelMs / 1000).toFixed(1)} s, but ${why}: planning whole files`;
  });
  for (const m of messages) {
    if (m.level === 'warning') process.stderr.write(`${warningLine(m.text, process.env)}\n`);
    else notice(m.text);
  }
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
