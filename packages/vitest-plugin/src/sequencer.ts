import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Durations, PreviousPlan } from '@shardwise/core';
import { ShardwiseError, isShardwiseError } from '@shardwise/core/light';
import {
  BaseSequencer,
  type TestSequencerConstructor,
  type TestSpecification,
  type Vitest,
} from 'vitest/node';
import { loadCore } from './load-core.js';
import { isPreviousPlan } from './options.js';
import { keyOf, notice, type RunState } from './run-state.js';

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
        throw readable(error);
      }
    }

    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const planned = state.planned;
      if (!planned) return super.sort(specs);
      // The plan lists each shard's files longest first (then by path): run them in that order, so the
      // longest files do not start last and keep one worker busy after the others are done.
      const rank = new Map<string, number>();
      planned.plan.shards[planned.shard.index - 1]?.files.forEach((file, i) => rank.set(file, i));
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
  const { durationsOf, partition, readStoreFile } = await loadCore();
  const byKey = new Map<string, TestSpecification[]>();
  for (const spec of specs) {
    const key = keyOf(vitest, spec.project.name, spec.moduleId);
    const list = byKey.get(key);
    // A file that runs in two pools of one project (tests and typecheck) is one unit: keep them together.
    if (list) list.push(spec);
    else byKey.set(key, [spec]);
  }

  const store = await readStoreFile(options.timingsPath);
  const durations: Durations | undefined = store && durationsOf(store);
  const previous = await readPrevious(options.stability);
  const plan = partition(byKey.keys(), {
    shardCount: shard.count,
    durations,
    estimator: options.estimator,
    previous,
  });
  state.planned = { plan, shard, partial: isPartial(vitest) };

  const files = plan.shards[shard.index - 1]?.files ?? [];
  const display = path.relative(process.cwd(), options.timingsPath) || options.timingsPath;
  if (!store) {
    notice(
      `no timing store at ${display}; planned ${byKey.size} files by estimate (${plan.unknownEstimateMs} ms each). ` +
        'Record timings with a full run and `shard merge`.',
    );
  } else if (plan.unknownFiles.length > 0) {
    notice(
      `${plan.unknownFiles.length} of ${byKey.size} files have no timing in ${display}; estimated at ${plan.unknownEstimateMs} ms each`,
    );
  }
  if (files.length === 0 && !vitest.config.passWithNoTests) {
    notice(
      `shard ${shard.index}/${shard.count} has no files (${byKey.size} files for ${shard.count} shards); ` +
        'add --passWithNoTests so that empty shards pass',
    );
  }

  const selected: TestSpecification[] = [];
  for (const file of files) {
    const list = byKey.get(file);
    if (!list) throw new Error(`shardwise: the plan names "${file}", which Vitest did not resolve (a bug)`);
    selected.push(...list);
  }
  return selected;
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

/** Reads the stability option's previous plan: a shardwise report or `shard plan --json` output. */
async function readPrevious(stability: string | PreviousPlan | undefined): Promise<PreviousPlan | undefined> {
  if (stability === undefined || typeof stability !== 'string') return stability;
  let text: string;
  try {
    text = await fs.readFile(stability, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      notice(`no previous plan at ${stability} (stability option); planning from scratch`);
      return undefined;
    }
    throw new ShardwiseError(
      'INVALID_OPTION',
      `shardwise({ stability }): cannot read ${stability} (${String(error)})`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `shardwise({ stability }): ${stability} is not JSON (${String(error)})`,
      {
        cause: error,
      },
    );
  }
  if (isPreviousPlan(value)) return value;
  if (value !== null && typeof value === 'object' && 'format' in value) {
    const { parseReport } = await loadCore();
    const plan = parseReport(text, stability).plan;
    if (plan) return { shards: plan.shards.map((files) => ({ files })) };
  }
  throw new ShardwiseError(
    'INVALID_OPTION',
    `shardwise({ stability }): ${stability} holds no plan; expected a shardwise report written by a sharded run or \`shard plan --json\` output`,
  );
}

/**
 * Vitest prints an error thrown by `shard()` as an unhandled error with its stack, its own properties and
 * its cause. For a user error all of that is noise: keep the one line (what, where, how to fix).
 */
function readable(error: unknown): unknown {
  if (!isShardwiseError(error)) return error;
  // The store's messages name the CLI's --no-timings flag as a way out; the plugin has no such flag.
  const message = error.message.replace(/, or plan without it \(--no-timings\)$/, '');
  const clean = new Error(`shardwise: ${message}`);
  clean.name = 'ShardwiseError';
  clean.stack = `${clean.name}: ${clean.message}`;
  return clean;
}
