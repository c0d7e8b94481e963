import { exitOnUserError, matchKey, planShard, unshardedPlan } from '@shardwise/core/light';
import {
  BaseSequencer,
  type TestSequencerConstructor,
  type TestSpecification,
  type Vitest,
} from 'vitest/node';
import { piecePattern, runsPieces } from './pieces.js';
import { isPartial, keyOf, testFilterOf, type RunState } from './run-state.js';

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
        return await shardSpecs(this.ctx, state, specs, { index: shard.index, count: shard.count });
      } catch (error) {
        state.planningFailed = true;
        return exitOnUserError(error);
      }
    }

    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const planned = state.planned;
      if (!planned) {
        const keys = new Set(specs.map((spec) => keyOf(this.ctx, spec.project.name, spec.moduleId)));
        state.unsharded = { plan: await unshardedPlan(keys), partial: isPartial(this.ctx) };
        return super.sort(specs);
      }
      // The plan lists each shard's files longest first (then by path): run them in that order, so the
      // longest files do not start last and keep one worker busy after the others are done.
      const rank = new Map<string, number>();
      // Pieces first (see shardSpecs), then the files longest first.
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

async function shardSpecs(
  vitest: Vitest,
  state: RunState,
  specs: TestSpecification[],
  shard: { index: number; count: number },
): Promise<TestSpecification[]> {
  const byKey = new Map<string, TestSpecification[]>();
  for (const spec of specs) {
    const key = keyOf(vitest, spec.project.name, spec.moduleId);
    const list = byKey.get(key);
    // A file that runs in two pools of one project (tests and typecheck) is one unit: keep them together.
    if (list) list.push(spec);
    else byKey.set(key, [spec]);
  }
  const partial = isPartial(vitest);
  // A `-t` filter of the user's would be replaced by a piece's own filter (a specification's pattern wins
  // over the global one): such a run plans whole files.
  const canSplit = runsPieces(vitest.version) && !vitest.config.testNamePattern;
  const run = await planShard({
    runner: 'vitest',
    settings: state.options,
    files: byKey.keys(),
    shard,
    partial,
    split: state.splitTests && canSplit,
    filter: testFilterOf(vitest),
    failsWhenEmpty: !vitest.config.passWithNoTests,
    word: (d) => {
      if (d.kind !== 'split-unused') return undefined;
      // Turned off on purpose: nothing to say. Else the one reason this Vitest planned whole files.
      if (!state.splitTests) return null;
      const why = vitest.config.testNamePattern
        ? 'a -t filter runs whole files (a piece has its own name filter)'
        : `this Vitest (${vitest.version}) cannot run part of a file by test name (Vitest 4.1 can)`;
      return `${d.files.map((f) => f.file).join(', ')} holds the plan back: split by test, the slowest shard would take ${(d.splitMs / 1000).toFixed(1)} s instead of ${(d.fileLevelMs / 1000).toFixed(1)} s, but ${why}: planning whole files`;
    },
  });
  const pieces = new Map<string, { piece: number; of: number; pattern: RegExp }>();
  for (const p of run.pieces)
    pieces.set(p.file, { piece: p.piece, of: p.of, pattern: piecePattern(p, run.plan, matchKey) });
  state.planned = { run, partial, pieces };

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
