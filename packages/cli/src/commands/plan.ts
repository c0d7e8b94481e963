import { EXIT_CODES } from '@shardwise/core/light';
import {
  displayPath,
  durationsOf,
  emptyShardCount,
  compareSplits,
  isLowMatch,
  planJson,
  planRun,
  predictedMs,
  predictedSpan,
  sizeShards,
  writePinnedPlan,
  type RunPlan,
  type Plan,
  type Settings,
  type Sizing,
  type SplitComparison,
} from '@shardwise/core';
import { resolveShard } from '../ci-env.js';
import type { Context } from '../context.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bar, formatMs, formatPercent, formatPredicted, table } from '../format.js';
import { cliSettings } from '../inputs.js';
import {
  parseDuration,
  parseWholeNumber,
  usageError,
  type CommandLine,
  type OptionValues,
} from '../options.js';
import { planFromInputs, reportDiagnostics, type Planned } from '../planning.js';
import { appendStepSummary, planMarkdown } from '../summary.js';

/** Default cost of one shard job (checkout, install, start-up) for --max-shards, in seconds. */
export const DEFAULT_OVERHEAD_S = 30;

/** `shard plan`'s options, parsed and checked before anything is read. */
interface PlanInput {
  settings: Settings;
  /** The shard count, and where it came from when not from --shards. */
  shardCount: number | undefined;
  countSource: string | undefined;
  maxShards: number | undefined;
  /** --overhead, when given: it overrides the learned start-up. */
  overheadMs: number | undefined;
  json: boolean;
  compare: boolean;
  /** Where to write the pinned plan. */
  out: string | undefined;
  /** Split files that set the floor into pieces by test (`--split-tests`). */
  split: boolean;
}

function parsePlanInput(ctx: Context, values: OptionValues): PlanInput {
  if (values.json && (values.compare || values['max-shards'] !== undefined)) {
    throw usageError('--json prints the plan only; drop --compare and --max-shards, or --json');
  }
  if (values.overhead !== undefined && values['max-shards'] === undefined) {
    throw usageError('--overhead is for --max-shards; pass both');
  }
  const maxShards =
    values['max-shards'] === undefined ? undefined : parseWholeNumber(values['max-shards'], '--max-shards');
  const overheadMs = values.overhead === undefined ? undefined : parseDuration(values.overhead, '--overhead');
  let shardCount = values.shards === undefined ? undefined : parseWholeNumber(values.shards, '--shards');
  const found = shardCount === undefined ? resolveShard(undefined, ctx.io.env) : undefined;
  if (shardCount === undefined && !found && maxShards === undefined) {
    throw usageError('shard plan needs --shards N (or --max-shards M to get a recommendation)');
  }
  if (found) shardCount = found.spec.count;
  return {
    settings: cliSettings(values, ctx),
    shardCount,
    countSource: found?.source,
    maxShards,
    overheadMs,
    json: Boolean(values.json),
    compare: Boolean(values.compare),
    out: values.out === undefined ? undefined : path.resolve(ctx.io.cwd, values.out),
    split: Boolean(values['split-tests']),
  };
}

/**
 * `shard plan`: the whole plan for people (a table per shard, the bound, the imbalance, the store match),
 * or exactly the plan's JSON. `--compare` adds the native and LPT splits; `--max-shards` adds a table of
 * wall time and CI minutes per shard count and recommends one.
 */
export async function planCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const input = parsePlanInput(ctx, values);
  // Only now that every input is valid: nothing is printed before an error.
  if (input.countSource) ctx.note(`${input.shardCount} shards from ${input.countSource}`);
  let planned = await planFromInputs(
    ctx,
    values,
    positionals,
    input.settings,
    { count: input.shardCount ?? 1 },
    input.split,
  );
  await reportDiagnostics(ctx, planned);
  let sizing: { table: Sizing; overheadMs: number; source: string } | undefined;
  if (input.maxShards !== undefined) {
    const model = planned.run.plan.wall;
    const overheadMs = input.overheadMs ?? model?.startupMs ?? DEFAULT_OVERHEAD_S * 1000;
    const source =
      input.overheadMs !== undefined
        ? '--overhead'
        : model
          ? 'learned from recorded jobs'
          : 'assumed: no job recorded yet';
    const table = sizeShards(allFiles(planned.run.plan), {
      durations: durationsOfInputs(planned),
      estimator: input.settings.estimator,
      maxShards: input.maxShards,
      overheadMs,
      ...(model ? { model } : {}),
      known: [planned.run.plan],
    });
    sizing = { table, overheadMs, source };
    if (input.shardCount === undefined) {
      planned = { ...planned, run: replan(planned, table.recommended, input.split) };
    }
  }
  const { plan } = planned.run;
  if (input.out) {
    const line = await writePinnedPlan(input.out, plan, ctx.io.cwd, true);
    ctx.note(`${line.charAt(0).toUpperCase()}${line.slice(1)}.`);
  }
  if (input.json) ctx.io.stdout.write(JSON.stringify(planJson(plan)) + '\n');
  else {
    const lines = describePlan(ctx, planned);
    if (input.compare) lines.push('', ...describeComparison(ctx, planned));
    if (sizing) lines.push('', ...describeSizing(ctx, sizing.table, sizing.overheadMs, sizing.source));
    ctx.io.stdout.write(lines.join('\n') + '\n');
  }
  await appendStepSummary(ctx, planMarkdown(plan, `shardwise plan: ${plan.shardCount} shards`));
  return EXIT_CODES.ok;
}

/** The shards past the listed ones, e.g. `4–100000000` (or `4` alone). */
function unlistedRange(plan: Plan): string {
  const first = plan.shards.length + 1;
  return first === plan.shardCount ? String(first) : `${first}–${plan.shardCount}`;
}

/** The same files and inputs planned for another shard count (the files are already normalized). */
function replan(planned: Planned, shardCount: number, split: boolean): RunPlan {
  return planRun({
    files: allFiles(planned.run.plan),
    shardCount,
    store: planned.inputs.store,
    estimator: planned.settings.estimator,
    ...planned.wallChoice,
    split,
  });
}

function durationsOfInputs(planned: Planned): Map<string, number> {
  const { store } = planned.inputs;
  return store.state === 'loaded' ? durationsOf(store.store) : new Map<string, number>();
}

function describePlan(ctx: Context, { run, inputs, settings }: Planned): string[] {
  const { plan, match } = run;
  const state = inputs.store.state;
  const c = ctx.out;
  // With a wall model, shards are judged by their jobs' predicted walls; without, by their files' sums.
  const wall = plan.wall;
  const predicted = (s: Plan['shards'][number]) => predictedMs(plan, s);
  const { makespanMs: makespan, lowerBoundMs: bound } = predictedSpan(plan);
  let sumOfShards = 0;
  for (const s of plan.shards) sumOfShards += predicted(s);
  const mean = wall ? sumOfShards / plan.shardCount : plan.totalMs / plan.shardCount;
  const rows = [
    ['Shard', 'Files', wall ? 'Wall' : 'Predicted', ...(wall ? ['Files sum'] : []), ''],
    ...plan.shards.map((s) => [
      String(s.index),
      s.pieces
        ? `${s.files.length} + ${s.pieces.length} piece${s.pieces.length === 1 ? '' : 's'}`
        : String(s.files.length),
      formatPredicted(predicted(s), s.spreadMs),
      ...(wall ? [formatMs(s.estimatedMs)] : []),
      bar(predicted(s), makespan),
    ]),
    // The shards past the files hold nothing: one row for all of them, however many.
    ...(plan.shardCount > plan.shards.length
      ? [[unlistedRange(plan), '0', formatMs(0), ...(wall ? [formatMs(0)] : []), '']]
      : []),
  ];
  const barColumn = wall ? 4 : 3;
  const slowest = plan.shards.find(
    (s) => predicted(s) === makespan && (s.files.length > 0 || s.pieces),
  )?.index;
  const shardTable = table(rows, wall ? 'rrrrl' : 'rrrl', (r, col, text) =>
    r === 0
      ? c.bold(text)
      : col === barColumn
        ? Number(rows[r]![0]) === slowest
          ? c.yellow(text)
          : c.cyan(text)
        : text,
  );
  const slack = bound > 0 ? makespan / bound - 1 : 0;
  const imbalance = mean > 0 ? makespan / mean - 1 : 0;
  const estimator = typeof settings.estimator === 'string' ? settings.estimator : 'fixed';
  const facts: [string, string][] = [
    [
      wall ? 'Slowest job' : 'Slowest shard',
      `${formatMs(makespan)}  (lower bound ${formatMs(bound)}: ${slack === 0 ? 'optimal' : `${formatPercent(slack)} above`})`,
    ],
    ...(wall
      ? ([
          [
            'Wall model',
            `start-up ${formatMs(wall.startupMs)} per job, ${formatMs(wall.workerStartupMs)} per worker, ${wall.workers} worker(s) per job (learned from recorded jobs)`,
          ],
        ] as [string, string][])
      : []),
    [
      'Imbalance',
      plan.shardCount > plan.shards.length
        ? 'none possible: more shards than files, one file each'
        : `${formatPercent(imbalance)}  (slowest shard over the mean of ${formatMs(mean)})`,
    ],
    ['Total', formatMs(plan.totalMs)],
    ['Floor', describeFloor(plan)],
    [
      'No timing',
      plan.unknownFiles.length === 0
        ? 'none'
        : `${plan.unknownFiles.length} of ${match.files} files, planned at ${formatMs(plan.unknownEstimateMs)} each (${estimator})`,
    ],
    [
      'Store',
      state === 'loaded'
        ? `${match.timed} of ${match.entries} entries match a current file${isLowMatch(match) ? c.red(' (low: check --root)') : ''}`
        : state === 'missing'
          ? 'none yet (planned by estimate)'
          : 'ignored (--no-timings)',
    ],
  ];
  const empty = emptyShardCount(plan);
  if (empty > 0) {
    const which = [
      ...plan.emptyShards.map(String),
      ...(plan.shardCount > plan.shards.length ? [unlistedRange(plan)] : []),
    ];
    facts.push(['Empty shards', `${empty}: ${which.join(', ')} (more shards than files; they run nothing)`]);
  }
  const width = Math.max(...facts.map(([k]) => k.length));
  return [
    c.bold(`${match.files} test files in ${plan.shardCount} shard${plan.shardCount === 1 ? '' : 's'}`) +
      c.dim(`  fingerprint ${plan.fingerprint}`),
    '',
    ...shardTable.map((l) => `  ${l}`),
    '',
    ...facts.map(([k, v]) => `  ${c.dim(k.padEnd(width))}  ${v}`),
    ...untimedList(ctx, plan),
  ];
}

/**
 * Which file sets the floor of a file-level plan (no plan of whole files finishes before it), and whether
 * splitting it by test helps, and by how much.
 */
function describeFloor(plan: Plan): string {
  const split = plan.split;
  if (!split?.floor) return 'the total spread evenly: no single file holds the plan back';
  const { floor } = split;
  const head = `${floor.file} (${formatMs(floor.ms)}) sets it for whole files`;
  if (!floor.splittable) {
    return `${head}; splitting it would not help: no per-test times yet, or its time is mostly fixed cost (import, setup) that every piece pays again`;
  }
  if (split.files.length === 0) {
    return `${head}; splitting it by test would not lower the slowest shard (each piece pays its fixed cost again)`;
  }
  const pieces = split.files.map((f) => `${f.file} into ${f.of} pieces`).join(', ');
  const gain = `${formatMs(split.splitMs)} instead of ${formatMs(split.fileLevelMs)} (−${formatPercent(1 - split.splitMs / split.fileLevelMs)})`;
  return split.applied
    ? `${head}; split by test (${pieces}): slowest shard ${gain}`
    : `${head}; splitting ${pieces} by test would make the slowest shard ${gain}: --split-tests plans it (the Vitest plugin does on Vitest ≥ 4.1, the Jest plugin with its test runner)`;
}

/** How many untimed files `shard plan` names (all with --verbose; `--json` has them all in `unknownFiles`). */
const UNTIMED_SHOWN = 20;

/** The files planned by estimate, by name: the ones to watch on the first run after they were added. */
function untimedList(ctx: Context, plan: Plan): string[] {
  const files = plan.unknownFiles;
  // With no store at all every file is untimed: the count says it all.
  if (files.length === 0 || files.length === plan.shards.reduce((n, s) => n + s.files.length, 0)) return [];
  const shown = ctx.verbose ? files : files.slice(0, UNTIMED_SHOWN);
  const more = files.length - shown.length;
  return [
    '',
    ctx.out.bold(`Files with no timing (${files.length}), planned by estimate:`),
    ...shown.map((f) => `  ${f}`),
    ...(more > 0 ? [ctx.out.dim(`  … and ${more} more (--verbose lists all)`)] : []),
  ];
}

function durationOf(planned: Planned): (file: string) => number {
  const durations = durationsOfInputs(planned);
  const unknown = planned.run.plan.unknownEstimateMs;
  return (file) => durations.get(file) ?? unknown;
}

/** Every file of the plan, split files included (their pieces are not in `files`). */
function allFiles(plan: Plan): string[] {
  const split = plan.split?.applied ? plan.split.files.map((f) => f.file) : [];
  return [...plan.shards.flatMap((s) => s.files), ...split].sort();
}

function describeComparison(ctx: Context, planned: Planned): string[] {
  const c = ctx.out;
  const { plan } = planned.run;
  // Every split, and the bound, judged by core's one measure: no figure here can contradict another.
  const comparison = compareSplits(plan, durationOf(planned));
  const { files, meanMs: mean, rows: methods } = comparison;
  const ours = methods[0]!.makespanMs;
  const rows = [
    ['Split', plan.wall ? 'Slowest job' : 'Slowest shard', 'Max/mean', 'vs shardwise'],
    ...methods.map(({ split, makespanMs: ms }) => [
      split,
      formatMs(ms),
      mean > 0 ? (ms / mean).toFixed(3) : '-',
      ours > 0 ? (ms === ours ? '=' : `${ms > ours ? '+' : ''}${formatPercent(ms / ours - 1)}`) : '-',
    ]),
  ];
  const native = methods.find((m) => m.split === `${runnerOf(planned)} --shard`)!;
  return [
    c.bold(`The same ${files.length} files and durations, split other ways`),
    '',
    ...table(rows, 'lrrr', (r, _col, text) => (r === 0 ? c.bold(text) : text)).map((l) => `  ${l}`),
    '',
    ...explainComparison(ctx, planned, comparison, native.makespanMs),
  ];
}

/**
 * What the comparison means, for someone who has never sharded: where the numbers come from, what the
 * CI saves against the runner's own split, what the lower bound is, and what to try next.
 */
/**
 * Which runner the project uses, for the words of `--compare`: `--runner`, else the store's only wall
 * model, else a Vitest config in the root; Jest otherwise.
 */
function runnerOf(planned: Planned): 'jest' | 'vitest' {
  const named = planned.wallChoice.runner;
  const { store } = planned.inputs;
  const models = store.state === 'loaded' ? store.store.models : undefined;
  const learned = models?.size === 1 ? [...models.keys()][0] : undefined;
  const hasVitestConfig = [
    'vitest.config.ts',
    'vitest.config.mts',
    'vitest.config.js',
    'vitest.config.mjs',
  ].some((f) => existsSync(path.join(planned.settings.root, f)));
  const runner = named ?? learned ?? (hasVitestConfig ? 'vitest' : 'jest');
  return runner === 'vitest' ? 'vitest' : 'jest';
}

function explainComparison(
  ctx: Context,
  planned: Planned,
  comparison: SplitComparison,
  nativeMs: number,
): string[] {
  const runner = runnerOf(planned);
  const native = runner === 'vitest' ? 'vitest run' : 'jest';
  const c = ctx.out;
  const { plan, match } = planned.run;
  const store = planned.settings.timings ? displayPath(planned.settings.timings.path, ctx.io.cwd) : '';
  const source =
    planned.inputs.store.state === 'loaded'
      ? `the durations recorded in ${store} (${match.timed} of ${match.files} files timed); nothing was run`
      : `an estimate of ${formatMs(plan.unknownEstimateMs)} per file (no store yet); nothing was run`;
  const { lowerBoundMs: bound } = comparison;
  const makespan = comparison.rows[0]!.makespanMs;
  const saved = nativeMs - makespan;
  const sooner =
    saved > 0
      ? `${c.bold(formatMs(saved))} sooner (${formatPercent(saved / nativeMs)}) than with \`${native} --shard=i/${plan.shardCount}\` (${formatMs(nativeMs)})`
      : `as soon as \`${native} --shard=i/${plan.shardCount}\` (${formatMs(nativeMs)}): the count split happens to be balanced here`;
  const relative = path.relative(ctx.io.cwd, planned.settings.root) || '.';
  return [
    c.bold('Reading this'),
    `  Numbers: ${source}.`,
    `  A CI job per shard runs in parallel, so the pipeline waits for the slowest shard: with shardwise it`,
    `  finishes in ${formatMs(makespan)}, ${sooner}.`,
    ...(plan.wall
      ? [
          `  Each job's time is a wall clock: ${formatMs(plan.wall.startupMs)} of runner start-up, then its files longest first`,
          `  on ${plan.wall.workers} worker(s), each paying ${formatMs(plan.wall.workerStartupMs)} to start (learned from recorded jobs).`,
        ]
      : []),
    `  Lower bound: no split of these files into ${plan.shardCount} shards can finish before ${formatMs(bound)}`,
    `  (the longest file, or the total spread evenly); ${makespan === bound ? 'this plan reaches it, so it is optimal' : `this plan is ${formatPercent(makespan / bound - 1)} above it`}.`,
    `  Next: \`npx shard files --root ${relative} --shard 1/${plan.shardCount}\` lists shard 1's files; in ${runner === 'vitest' ? 'a Vitest' : 'a Jest'} project,`,
    runner === 'vitest'
      ? `  \`npx vitest run --shard=1/${plan.shardCount}\` with \`plugins: [shardwise()]\` runs them.`
      : `  \`npx jest --shard=1/${plan.shardCount}\` with \`testSequencer: '@shardwise/jest'\` runs them.`,
  ];
}

function describeSizing(ctx: Context, sizing: Sizing, overheadMs: number, source: string): string[] {
  const c = ctx.out;
  const rows = [
    ['Shards', 'Wall time', 'CI time', ''],
    ...sizing.rows.map((r) => [
      String(r.shards),
      formatMs(r.wallMs),
      formatMs(r.ciMs),
      r.shards === sizing.recommended ? '← recommended' : '',
    ]),
  ];
  const rec = sizing.rows[sizing.recommended - 1]!;
  return [
    c.bold(`Shard count (start-up ${formatMs(overheadMs)} per shard job, ${source})`),
    '',
    ...table(rows, 'rrrl', (r, col, text) =>
      r === 0 ? c.bold(text) : col === 3 && text ? c.green(text) : text,
    ).map((l) => `  ${l}`),
    '',
    `  Recommended: ${c.bold(String(sizing.recommended))} shards: ${formatMs(rec.wallMs)} wall time, ` +
      `within 10% of the best (${formatMs(sizing.bestMs)}), for ${formatMs(rec.ciMs)} of CI time.`,
  ];
}
