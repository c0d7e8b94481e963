// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import {
  describeDiagnostic,
  severityOf,
  displayPath,
  planRun,
  readRunInputs,
  type PlanDiagnostic,
  type RunInputs,
  type RunPlan,
  type Settings,
  type ShardSpec,
} from '@shardwise/core/planning';
import type { Context } from './context.js';
import { listFiles } from './inputs.js';
import { matchHint, unlistedWarning } from './match-hint.js';
import type { OptionValues } from './options.js';
import { requireShard } from './shard-option.js';

/** A plan with what went into it, for rendering. */
export interface Planned {
  run: RunPlan;
  inputs: RunInputs;
  settings: Settings;
  /** Where the files came from, for messages. */
  fileSource: string;
  /** The wall model's choices (`--runner`, `--workers`), to plan again the same way. */
  wallChoice: { runner?: string; workers?: number };
  /**
   * The plugin the suite may run under that splits files by test when that pays: `--runner vitest` or
   * `--runner jest` (with its test runner), or a store whose only wall model is theirs; `any` when the store
   * has none yet; undefined for another runner.
   */
  splitter: 'vitest' | 'jest' | 'any' | undefined;
}

/** See {@link Planned.splitter}. */
function splitterOf(runner: string | undefined, inputs: RunInputs): Planned['splitter'] {
  const models = inputs.store.state === 'loaded' ? inputs.store.store.models : undefined;
  const only = models?.size === 1 ? [...models.keys()][0] : undefined;
  const named = runner ?? only;
  if (named === undefined) return 'any';
  return named === 'vitest' || named === 'jest' ? named : undefined;
}

/** Who runs pieces of files, by the plugin that may run the suite. */
const VITEST = 'the Vitest plugin (Vitest ≥ 4.1)';
const JEST = "the Jest plugin with its test runner (`testRunner: '@shardwise/jest/runner'`)";
const SPLITTERS = {
  vitest: { who: `${VITEST} runs`, then: 'it runs' },
  jest: { who: `${JEST} runs`, then: 'it runs' },
  any: { who: `${VITEST} and ${JEST} run`, then: 'they run' },
} as const;

/** Lists the files and reads the store and plans (concurrently), then plans with core's `planRun`. */
export async function planFromInputs(
  ctx: Context,
  values: OptionValues,
  globs: readonly string[],
  settings: Settings,
  shard: { spec: ShardSpec } | { count: number },
  split = false,
  splitSummary: boolean | 'vitest' = true,
): Promise<Planned> {
  const [listed, inputs] = await Promise.all([
    listFiles(values, globs, settings.root, ctx),
    readRunInputs(settings, ctx.io.cwd),
  ]);
  ctx.debug(
    `store ${settings.timings?.path ?? '(off)'}: ${inputs.store.state === 'loaded' ? `${inputs.store.store.files.size} entries` : inputs.store.state}`,
  );
  ctx.debug(
    `partition ${listed.files.length} files into ${'spec' in shard ? shard.spec.count : shard.count} shards`,
  );
  const wallChoice = {
    ...(values.runner === undefined ? {} : { runner: values.runner }),
    ...(settings.workers === undefined ? {} : { workers: settings.workers }),
  };
  const splitter = splitterOf(wallChoice.runner, inputs);
  const run = planRun({
    files: listed.files,
    fileSource: `${listed.source} in ${settings.root}`,
    root: settings.root,
    ...('spec' in shard ? { shard: shard.spec } : { shardCount: shard.count }),
    ...inputs,
    ...wallChoice,
    split,
    splitSummary: splitSummary === 'vitest' ? splitter !== undefined : splitSummary,
    listsFiles: true,
    // The shard jobs of `shard files` and `shard run` print no prediction and write no report.
    spreads: splitSummary === true,
  });
  const { plan } = run;
  // Guarded: the fingerprint is computed on its first read, which `shard files` otherwise never does.
  if (ctx.verbose) {
    ctx.debug(
      `plan ${plan.fingerprint}: makespan ${plan.makespanMs}ms, lower bound ${plan.lowerBoundMs}ms, ${plan.unknownFiles.length} unknown`,
    );
  }
  const models = inputs.store.state === 'loaded' ? inputs.store.store.models : undefined;
  if (wallChoice.runner !== undefined && models && models.size > 0 && !models.has(wallChoice.runner)) {
    ctx.note(
      `no wall model learned for ${wallChoice.runner} yet (the store has one for ${[...models.keys()].join(', ')}): planning by file sums`,
    );
  }
  return { run, inputs, settings, fileSource: listed.source, wallChoice, splitter };
}

/**
 * Prints core's diagnostics on stderr in the CLI's terms: no files at all, a missing store, a previous
 * plan that did not fit, and, loudly, a store whose keys mostly miss the current files (the
 * relative-vs-absolute path mistake that makes other tools silently fall back to averages).
 */
export async function reportDiagnostics(ctx: Context, planned: Planned): Promise<void> {
  const store = planned.settings.timings ? displayPath(planned.settings.timings.path, ctx.io.cwd) : '';
  for (const d of planned.run.diagnostics) {
    const line =
      d.kind === 'low-match'
        ? `${describeDiagnostic(d, store)} ${await matchHint(planned.settings.root, { entries: d.match.entries, projectKeyed: d.projectKeyed, unmatched: d.unmatched })}`
        : d.kind === 'unlisted-entries'
          ? await unlistedWarning(planned.settings.root, planned.fileSource, store, d)
          : d.kind === 'split-unused'
            ? piecesNotice(d, planned)
            : cliDiagnostic(d, store);
    if (line === undefined) continue;
    if (severityOf(d) === 'warning') ctx.warn(line);
    else ctx.note(line);
  }
}

/**
 * The one line that says this whole-file plan is not the one a splitting plugin runs: the Vitest plugin on
 * Vitest ≥ 4.1, and the Jest plugin with its test runner, split the files that hold the plan back by test,
 * under another fingerprint.
 */
function piecesNotice(
  d: Extract<PlanDiagnostic, { kind: 'split-unused' }>,
  planned: Planned,
): string | undefined {
  if (planned.splitter === undefined) return undefined;
  const pieces = d.files.map((f) => `${f.file} in ${f.of} pieces`).join(', ');
  const { who, then } = SPLITTERS[planned.splitter];
  return `${who} ${pieces} by test, so ${then} another plan than this whole-file one: \`shard plan --shards ${planned.run.plan.shardCount} --split-tests\` shows it`;
}

function cliDiagnostic(d: PlanDiagnostic, store: string): string | undefined {
  // Shown in the plan's own output (the "No timing" line, the empty-shard note of `files`).
  switch (d.kind) {
    case 'unknown-files':
    case 'empty-shard':
    case 'split-unused':
      return undefined;
    default:
      return capitalize(describeDiagnostic(d, store)) + '.';
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The common start of `files` and `run`: the shard (validated before anything is printed), the whole plan
 * from the inputs with its diagnostics, and this shard's files.
 */
export async function planShard(
  ctx: Context,
  command: 'files' | 'run',
  values: OptionValues,
  globs: readonly string[],
  settings: Settings,
): Promise<{ spec: ShardSpec; planned: Planned; files: string[] }> {
  const shard = requireShard(ctx, command, values.shard);
  if (shard.source !== '--shard')
    ctx.note(`shard ${shard.spec.index}/${shard.spec.count} from ${shard.source}`);
  // What a split would gain is worked out only for a suite the Vitest plugin may split: then the files
  // listed here are not what the plugin runs, and one line says so.
  const planned = await planFromInputs(ctx, values, globs, settings, { spec: shard.spec }, false, 'vitest');
  await reportDiagnostics(ctx, planned);
  return { spec: shard.spec, planned, files: planned.run.units };
}
