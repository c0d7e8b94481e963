import { hashSplit, partition, planLpt, type Plan } from '@shardwise/core';
import { resolveShard } from '../ci-env.js';
import type { Context } from '../context.js';
import { bar, formatMs, formatPercent, table } from '../format.js';
import { locate, planSettings } from '../inputs.js';
import { parseNonNegative, parseWholeNumber, usageError, type CommandLine } from '../options.js';
import { planFromInputs, reportInputs, type Planned } from '../planning.js';
import { appendStepSummary, planMarkdown } from '../summary.js';

/** Default cost of one shard job (checkout, install, start-up) for --max-shards, in seconds. */
export const DEFAULT_OVERHEAD_S = 30;

/**
 * `shard plan`: the whole plan for people (a table per shard, the bound, the imbalance, the store match),
 * or exactly the plan's JSON. `--compare` adds the native and LPT splits; `--max-shards` adds a table of
 * wall time and CI minutes per shard count and recommends one.
 */
export async function planCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  if (values.json && (values.compare || values['max-shards'] !== undefined)) {
    throw usageError('--json prints the plan only; drop --compare and --max-shards, or --json');
  }
  if (values.overhead !== undefined && values['max-shards'] === undefined) {
    throw usageError('--overhead is for --max-shards; pass both');
  }
  const maxShards =
    values['max-shards'] === undefined ? undefined : parseWholeNumber(values['max-shards'], '--max-shards');
  const overheadMs = Math.round(
    parseNonNegative(values.overhead ?? String(DEFAULT_OVERHEAD_S), '--overhead') * 1000,
  );
  let shardCount = values.shards === undefined ? undefined : parseWholeNumber(values.shards, '--shards');
  const found = shardCount === undefined ? resolveShard(undefined, ctx.io.env) : undefined;
  if (shardCount === undefined && !found && maxShards === undefined) {
    throw usageError('shard plan needs --shards N (or --max-shards M to get a recommendation)');
  }
  const locations = locate(values, ctx);
  const settings = planSettings(values, ctx);
  // Only now that every input is valid: nothing is printed before an error.
  if (found) {
    shardCount = found.spec.count;
    ctx.note(`${shardCount} shards from ${found.source}`);
  }

  let planned = await planFromInputs(ctx, values, positionals, shardCount ?? 1, locations, settings);
  reportInputs(ctx, planned);
  let sizing: Sizing | undefined;
  if (maxShards !== undefined) {
    sizing = sizeShards(planned, maxShards, overheadMs);
    if (shardCount === undefined) {
      shardCount = sizing.recommended;
      planned = { ...planned, plan: replan(planned, shardCount) };
    }
  }
  const { plan } = planned;

  if (values.json) {
    // Exactly these keys, in this order: scripts and other jobs depend on the shape.
    const json = {
      shardCount: plan.shardCount,
      fingerprint: plan.fingerprint,
      totalMs: plan.totalMs,
      makespanMs: plan.makespanMs,
      lowerBoundMs: plan.lowerBoundMs,
      unknownFiles: plan.unknownFiles,
      shards: plan.shards.map((s) => ({ index: s.index, estimatedMs: s.estimatedMs, files: s.files })),
    };
    ctx.io.stdout.write(JSON.stringify(json) + '\n');
  } else {
    const lines = describePlan(ctx, planned);
    if (values.compare) lines.push('', ...describeComparison(ctx, planned));
    if (sizing) lines.push('', ...describeSizing(ctx, sizing, overheadMs));
    ctx.io.stdout.write(lines.join('\n') + '\n');
  }
  await appendStepSummary(ctx, planMarkdown(plan, `shardwise plan: ${plan.shardCount} shards`));
  return 0;
}

function describePlan(ctx: Context, { plan, match, loaded, settings }: Planned): string[] {
  const c = ctx.out;
  const mean = plan.totalMs / plan.shardCount;
  const rows = [
    ['Shard', 'Files', 'Predicted', ''],
    ...plan.shards.map((s) => [
      String(s.index),
      String(s.files.length),
      formatMs(s.estimatedMs),
      bar(s.estimatedMs, plan.makespanMs),
    ]),
  ];
  const slowest = plan.shards.find((s) => s.estimatedMs === plan.makespanMs && s.files.length > 0)?.index;
  const shardTable = table(rows, 'rrrl', (r, col, text) =>
    r === 0
      ? c.bold(text)
      : col === 3
        ? Number(rows[r]![0]) === slowest
          ? c.yellow(text)
          : c.cyan(text)
        : text,
  );
  const slack = plan.lowerBoundMs > 0 ? plan.makespanMs / plan.lowerBoundMs - 1 : 0;
  const imbalance = mean > 0 ? plan.makespanMs / mean - 1 : 0;
  const estimator = typeof settings.estimator === 'string' ? settings.estimator : 'fixed';
  const facts: [string, string][] = [
    [
      'Slowest shard',
      `${formatMs(plan.makespanMs)}  (lower bound ${formatMs(plan.lowerBoundMs)}: ${slack === 0 ? 'optimal' : `${formatPercent(slack)} above`})`,
    ],
    ['Imbalance', `${formatPercent(imbalance)}  (slowest shard over the mean of ${formatMs(mean)})`],
    ['Total', formatMs(plan.totalMs)],
    [
      'No timing',
      plan.unknownFiles.length === 0
        ? 'none'
        : `${plan.unknownFiles.length} of ${match.files} files, planned at ${formatMs(plan.unknownEstimateMs)} each (${estimator})`,
    ],
    [
      'Store',
      loaded.state === 'loaded'
        ? `${match.timed} of ${match.entries} entries match a current file${match.entries > 0 && match.timed * 2 < match.entries ? c.red(' (low: check --root)') : ''}`
        : loaded.state === 'missing'
          ? 'none yet (planned by estimate)'
          : 'ignored (--no-timings)',
    ],
  ];
  if (plan.emptyShards.length > 0) {
    facts.push(['Empty shards', `${plan.emptyShards.join(', ')} (more shards than files; they run nothing)`]);
  }
  const width = Math.max(...facts.map(([k]) => k.length));
  return [
    c.bold(`${match.files} test files in ${plan.shardCount} shard${plan.shardCount === 1 ? '' : 's'}`) +
      c.dim(`  fingerprint ${plan.fingerprint}`),
    '',
    ...shardTable.map((l) => `  ${l}`),
    '',
    ...facts.map(([k, v]) => `  ${c.dim(k.padEnd(width))}  ${v}`),
  ];
}

function durationOf(planned: Planned): (file: string) => number {
  const { durations } = planned.loaded;
  const unknown = planned.plan.unknownEstimateMs;
  return (file) => durations.get(file) ?? unknown;
}

function allFiles(plan: Plan): string[] {
  return plan.shards.flatMap((s) => s.files).sort();
}

function describeComparison(ctx: Context, planned: Planned): string[] {
  const c = ctx.out;
  const { plan } = planned;
  const files = allFiles(plan);
  const k = plan.shardCount;
  const of = durationOf(planned);
  const mean = plan.totalMs / k;
  const methods: [string, number][] = [
    ['shardwise', plan.makespanMs],
    ['jest --shard', hashSplit(files, of, k, 'jest').makespanMs],
    ['vitest --shard', hashSplit(files, of, k, 'vitest').makespanMs],
    ['plain LPT', planLpt(files, of, k).makespanMs],
  ];
  const rows = [
    ['Split', 'Slowest shard', 'Max/mean', 'vs shardwise'],
    ...methods.map(([name, ms]) => [
      name,
      formatMs(ms),
      mean > 0 ? (ms / mean).toFixed(3) : '-',
      plan.makespanMs > 0
        ? ms === plan.makespanMs
          ? '='
          : `+${formatPercent(ms / plan.makespanMs - 1)}`
        : '-',
    ]),
  ];
  return [
    c.bold(`The same ${files.length} files and durations, split other ways`),
    '',
    ...table(rows, 'lrrr', (r, _col, text) => (r === 0 ? c.bold(text) : text)).map((l) => `  ${l}`),
  ];
}

interface Sizing {
  rows: { n: number; wallMs: number; ciMs: number }[];
  best: number;
  recommended: number;
}

function replan(planned: Planned, shardCount: number): Plan {
  return partition(allFiles(planned.plan), {
    shardCount,
    durations: planned.loaded.durations,
    estimator: planned.settings.estimator,
  });
}

/** Wall time (overhead + makespan) and CI time (n × overhead + total) for 1..max shards. */
function sizeShards(planned: Planned, max: number, overheadMs: number): Sizing {
  const rows: Sizing['rows'] = [];
  for (let n = 1; n <= max; n++) {
    const plan = n === planned.plan.shardCount ? planned.plan : replan(planned, n);
    rows.push({ n, wallMs: overheadMs + plan.makespanMs, ciMs: n * overheadMs + plan.totalMs });
  }
  const best = Math.min(...rows.map((r) => r.wallMs));
  // The smallest count within 10% of the best wall time: past it, shards cost minutes and save little.
  const recommended = rows.find((r) => r.wallMs <= best * 1.1)!.n;
  return { rows, best, recommended };
}

function describeSizing(ctx: Context, sizing: Sizing, overheadMs: number): string[] {
  const c = ctx.out;
  const rows = [
    ['Shards', 'Wall time', 'CI time', ''],
    ...sizing.rows.map((r) => [
      String(r.n),
      formatMs(r.wallMs),
      formatMs(r.ciMs),
      r.n === sizing.recommended ? '← recommended' : '',
    ]),
  ];
  const rec = sizing.rows[sizing.recommended - 1]!;
  return [
    c.bold(`Shard count (overhead ${formatMs(overheadMs)} per shard job)`),
    '',
    ...table(rows, 'rrrl', (r, col, text) =>
      r === 0 ? c.bold(text) : col === 3 && text ? c.green(text) : text,
    ).map((l) => `  ${l}`),
    '',
    `  Recommended: ${c.bold(String(sizing.recommended))} shards: ${formatMs(rec.wallMs)} wall time, ` +
      `within 10% of the best (${formatMs(sizing.best)}), for ${formatMs(rec.ciMs)} of CI time.`,
  ];
}
