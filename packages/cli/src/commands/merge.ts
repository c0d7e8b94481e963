import { EXIT_CODES } from '@shardwise/core/light';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  checkCoverage,
  DEFAULT_REPORTS_DIR,
  describeCoverage,
  describeUnlearned,
  displayPath,
  formatError,
  mergeReports,
  readHistoryFile,
  unrecordedReports,
  parseReport,
  readFilesWith,
  readStoreFile,
  REPORT_FORMAT,
  splitUnsharded,
  summarizeShards,
  explainSlowest,
  reportsByShard,
  type SlowestShard,
  type CoverageResult,
  type MergeOptions,
  type MergeResult,
  type History,
  type JobPace,
  type RunReport,
  type TimingStore,
  type ShardRow,
  serializeHistory,
  serializeStore,
  withFileLocks,
  writeFilesTogether,
  type FileWrite,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { formatMs, formatPredicted, markdownTable, table } from '../format.js';
import { cliSettings, storePathOf } from '../inputs.js';
import { parseNonNegative, usageError, type CommandLine } from '../options.js';
import { expandInputs, parseSmoothing } from '../reports.js';
import { appendStepSummary } from '../summary.js';
import { recordedMarkdown, recordedText, recordRun, type RecordedRun } from '../flaky-history.js';
import { queueProofMarkdown, queueProofOf, queueProofText } from '../queue-proof.js';

/** `shard merge`'s options, parsed and checked before anything is read. */
interface MergeInput {
  storePath: string;
  out: string;
  /** Report files or directories; the reports folder of the root when none is given. */
  args: string[];
  defaulted: boolean;
  options: MergeOptions;
  json: boolean;
  skipInvalid: boolean;
  /** The flaky history to append this run to; undefined with --no-history. */
  history: string | undefined;
}

function parseMergeInput(ctx: Context, { values, positionals }: CommandLine): MergeInput {
  const smoothing = parseSmoothing(values.smoothing);
  const threshold =
    values.threshold === undefined ? undefined : parseNonNegative(values.threshold, '--threshold');
  const settings = cliSettings(values, ctx);
  const storePath = storePathOf(settings);
  return {
    storePath,
    out: values.out === undefined ? storePath : path.resolve(ctx.io.cwd, values.out),
    args: positionals.length > 0 ? positionals : [path.join(settings.root, DEFAULT_REPORTS_DIR)],
    defaulted: positionals.length === 0,
    options: {
      prune: !values['no-prune'],
      ...(threshold === undefined ? {} : { threshold }),
      ...(smoothing ? { smoothing } : {}),
    },
    json: Boolean(values.json),
    skipInvalid: Boolean(values['skip-invalid']),
    history: values['no-history'] ? undefined : settings.history,
  };
}

/**
 * `shard merge`: folds shard reports into the store (core `mergeReports`), and when the reports carry
 * their plan, proves that every planned file ran in exactly one shard (core `checkCoverage`): exit 1,
 * naming the files, when one did not run, ran twice, or shards planned differently.
 */
export async function mergeCommand(ctx: Context, line: CommandLine): Promise<number> {
  const input = parseMergeInput(ctx, line);
  const read = await readReports(ctx, input);
  // A local unsharded run's report among the shards' would count every file twice: name it, leave it out.
  const { sharded, unsharded } = splitUnsharded(read);
  for (const { file } of unsharded) {
    ctx.warn(
      `${displayPath(file, ctx.io.cwd)} is the report of an unsharded run (a local run writes it), not of a shard: left out of this merge. Delete it, or merge only the shard jobs' reports.`,
    );
  }
  const reports = sharded.map((r) => r.report);
  // Queue jobs' reports are proven by their acknowledgements (the queue proof), the others by their plan.
  const queueProof = queueProofOf(reports);
  const queued = queueProof ? queueProofText(ctx, queueProof) : undefined;
  const coverage = checkCoverage(reports.filter((r) => !r.queue));
  const { base, result, write, recorded } = await applyReports(ctx, input, reports);
  const fileOf = new Map(sharded.map((r) => [r.report, r.file]));
  for (const u of result.unlearned) {
    const file = fileOf.get(u.report);
    ctx.warn(`${file ? displayPath(file, ctx.io.cwd) : 'a report'} ${describeUnlearned(u)}`);
  }
  const shards = summarizeShards(
    coverage,
    reports.filter((r) => !r.queue),
    base,
  );
  // The slowest job is judged from the reports the table shows, so the two never disagree.
  const slowest = explainSlowest(
    shards,
    [...reportsByShard(coverage, reports).values()].flat(),
    result.machineJobs,
  );
  const problems = describeCoverage(coverage);
  const written = write ? input.out : null;
  if (input.json) {
    const flaky = recorded
      ? { flaky: { history: recorded.file, run: recorded.run, newlyFlaky: recorded.newly } }
      : {};
    ctx.io.stdout.write(
      mergeJson(reports, result, written, coverage, problems, shards, slowest, {
        ...flaky,
        ...(queueProof ? { queue: { ...queueProof, problems: queued!.problems } } : {}),
      }) + '\n',
    );
  } else {
    ctx.io.stdout.write(
      mergeText(ctx, reports, result, displayPath(input.out, ctx.io.cwd), write, coverage, shards, slowest),
    );
    if (queued) ctx.io.stdout.write(queued.text);
    if (recorded) ctx.io.stdout.write(recordedText(ctx, recorded));
  }
  if (!coverage.checked && !queueProof) {
    ctx.note(
      'The reports carry no plan, so coverage was not verified (imports and unsharded runs have none).',
    );
  }
  for (const line of [...problems, ...(queued?.problems ?? [])]) reportProblem(ctx, line);
  const flakyMarkdown = recorded ? `\n\n${recordedMarkdown(recorded)}` : '';
  const queueMarkdown = queueProof ? queueProofMarkdown(queueProof, queued!.problems) : '';
  await appendStepSummary(
    ctx,
    mergeMarkdown(coverage, shards, problems, slowest, result.machineJobs) + queueMarkdown + flakyMarkdown,
  );
  return coverage.ok && (queueProof?.ok ?? true) ? EXIT_CODES.ok : EXIT_CODES.checkFailed;
}

/**
 * Folds the reports into the store and appends them to the flaky history as one read-modify-write, under
 * a lock on each file it rewrites: merges run at once (parallel pipelines sharing a cache) take turns,
 * each reading what the one before wrote. The history is written before the store, and both or neither
 * (core `writeFilesTogether`): a merge that fails leaves both as they were, so running it again applies
 * each report once.
 */
async function applyReports(
  ctx: Context,
  input: MergeInput,
  reports: readonly RunReport[],
): Promise<{ base: TimingStore | undefined; result: MergeResult; write: boolean; recorded?: RecordedRun }> {
  const name = (file: string) => displayPath(file, ctx.io.cwd);
  const locked = input.history === undefined ? [input.out] : [input.out, input.history];
  return withFileLocks(
    locked,
    async (stillHeld) => {
      const [base, history] = await Promise.all([
        readStoreFile(input.storePath, name(input.storePath)),
        input.history === undefined ? undefined : readHistoryFile(input.history, name(input.history)),
      ]);
      ctx.debug(
        `${reports.length} report(s); store ${input.storePath}: ${base ? `${base.files.size} entries` : 'missing'}`,
      );
      const fresh = unmergedReports(ctx, input.history, history, base, reports);
      const result = mergeReports(base, fresh, input.options);
      const write = result.changed || input.out !== input.storePath || base === undefined;
      // The run's test outcomes go to the flaky history (its own file, for a CI cache), never to the store.
      const recorded =
        input.history && reports.length > 0 ? recordRun(ctx, input.history, reports, history) : undefined;
      const writes: FileWrite[] = [];
      if (recorded?.run) writes.push({ file: input.history!, text: serializeHistory(recorded.history) });
      if (write) writes.push({ file: input.out, text: serializeStore(result.store) });
      stillHeld();
      await writeFilesTogether(writes);
      return { base, result, write, ...(recorded ? { recorded } : {}) };
    },
    { name },
  );
}

/**
 * The reports whose durations the store has not taken yet. Reports the flaky history holds were merged
 * before (the merge job run again, or a re-run shard merged with the others' old reports): not applied to
 * the store a second time. A store that did not exist (a first run, a moved or mistyped path) takes them all.
 */
function unmergedReports(
  ctx: Context,
  file: string | undefined,
  history: History | undefined,
  store: TimingStore | undefined,
  reports: readonly RunReport[],
): RunReport[] {
  if (file === undefined || store === undefined) return [...reports];
  const fresh = unrecordedReports(history, reports);
  if (fresh.length < reports.length) {
    ctx.note(
      `${reports.length - fresh.length} report(s) were merged before (${displayPath(file, ctx.io.cwd)} holds them): their durations are not applied again`,
    );
  }
  return fresh;
}

/**
 * The reports named on the command line, with their files; inside a directory, only shardwise reports
 * count. With --skip-invalid, an unreadable or invalid report is listed and left out (coverage then counts
 * its shard as missing); without it, it fails the merge, named.
 */
async function readReports(ctx: Context, input: MergeInput): Promise<ReadReport[]> {
  if (input.defaulted && !(await fs.stat(input.args[0]!).catch(() => undefined))) {
    throw usageError(
      `shard merge: no reports given and no ${DEFAULT_REPORTS_DIR} in ${path.dirname(path.dirname(input.args[0]!))}; pass report files or directories (e.g. the downloaded artifacts)`,
    );
  }
  const inputs = await expandInputs(input.args, ctx.io.cwd, ['.json']);
  const fromDirectory = new Map(inputs.map((i) => [i.file, i.fromDirectory]));
  const skipped: string[] = [];
  const invalid: string[] = [];
  const parsed = await readFilesWith(
    inputs.map((i) => i.file),
    (text, file): ReadReport | undefined => {
      // Artifact folders can hold other JSON; inside a directory only shardwise reports count.
      if (fromDirectory.get(file) && !text.includes(REPORT_FORMAT)) {
        skipped.push(file);
        return undefined;
      }
      const report = parseReport(text, displayPath(file, ctx.io.cwd));
      return { report, file, shard: report.shard, plan: report.plan };
    },
    input.skipInvalid ? { onInvalid: (_file, error) => invalid.push(formatError(error)) } : {},
  );
  for (const file of skipped.sort()) ctx.debug(`skipped ${file}: not a shardwise report`);
  if (invalid.length > 0) {
    ctx.warn(`--skip-invalid: left out ${invalid.length} invalid report(s); their shards count as missing`);
    for (const line of invalid.sort()) ctx.note(`  skipped: ${line}`);
  }
  const reports = parsed.filter((r): r is ReadReport => r !== undefined);
  if (reports.length === 0) {
    throw usageError(
      `shard merge: no shardwise reports in ${input.args.join(' ')}${skipped.length > 0 ? ` (${skipped.length} other JSON file(s) skipped)` : ''}; did the test jobs run with the shardwise plugin and upload ${DEFAULT_REPORTS_DIR}?`,
    );
  }
  return reports;
}

/** A report and the file it was read from. */
interface ReadReport extends Pick<RunReport, 'shard' | 'plan'> {
  report: RunReport;
  file: string;
}

function mergeJson(
  reports: readonly RunReport[],
  result: MergeResult,
  written: string | null,
  coverage: CoverageResult,
  problems: string[],
  shards: ShardRow[],
  slowest: SlowestShard | undefined,
  extra: object = {},
): string {
  return JSON.stringify({
    reports: reports.length,
    added: result.added,
    updated: result.updated,
    pruned: result.pruned,
    kept: result.kept,
    changed: result.changed,
    written,
    coverage: { checked: coverage.checked, ok: coverage.ok, problems },
    shards,
    ...(slowest ? { slowest } : {}),
    machineJobs: result.machineJobs,
    ...(result.store.models ? { model: Object.fromEntries(result.store.models) } : {}),
    ...(result.modelFit.size > 0 ? { modelFit: Object.fromEntries(result.modelFit) } : {}),
    ...extra,
  });
}

function mergeText(
  ctx: Context,
  reports: readonly RunReport[],
  result: MergeResult,
  outName: string,
  written: boolean,
  coverage: CoverageResult,
  shards: readonly ShardRow[],
  slowest: SlowestShard | undefined,
): string {
  const c = ctx.out;
  const lines = [
    `Merged ${reports.length} report(s) into ${outName}: ${result.added.length} added, ${result.updated.length} updated, ` +
      `${result.pruned.length} pruned, ${result.kept.length} kept` +
      (written ? '' : c.dim(' (store left as is: no new duration moved past the threshold)')),
  ];
  if (result.kept.length > 0) {
    lines.push(
      c.dim(
        `  kept: ${result.kept.length} file(s) failed, were skipped or were cut short, so their recorded durations stay as they were`,
      ),
    );
  }
  if (coverage.checked && coverage.ok) {
    const pieces = coverage.plan?.pieces ?? [];
    const planned = shards.reduce((sum, s) => sum + s.planned, 0) - pieces.length;
    lines.push(
      c.green(
        `Coverage verified: all ${planned} planned files ran exactly once across ${coverage.shardCount} shard(s)`,
      ),
    );
    const filtered = reports.flatMap((r) => r.files.filter((f) => f.filtered)).length;
    if (filtered > 0) {
      const filters = [...new Set(reports.map((r) => r.filter).filter((f) => f !== undefined))].sort();
      lines.push(
        c.green(
          `  ${filtered} of them ran only the tests a filter selected${filters.length > 0 ? ` (${filters.join('; ')})` : ''}: run, and their tests' times kept`,
        ),
      );
    }
    const split = [...new Set(pieces.map((p) => p.file))].sort();
    if (split.length > 0) {
      lines.push(
        c.green(
          `  and every test of the ${split.length} split file(s) ran in exactly one of their ${pieces.length} pieces (${split.join(', ')})`,
        ),
      );
    }
  }
  if (shards.length > 0) {
    const rows = [SHARD_HEADER, ...shards.map((s) => shardCells(s, coverage))];
    lines.push('', ...table(rows, 'rrrrrr', (r, _c, t) => (r === 0 ? c.bold(t) : t)).map((l) => `  ${l}`));
    lines.push(c.dim(`  ${PREDICTION_NOTE(shards)}`));
    const other = OTHER_PLAN_NOTE(shards, coverage);
    if (other) lines.push(c.dim(`  ${other}`));
  }
  if (slowest) lines.push(`Slowest: ${describeSlowest(slowest, coverage)}`);
  for (const job of result.machineJobs) lines.push(c.yellow(describeMachineJob(job, coverage)));
  // Each model this merge's jobs taught, checked against those jobs' own clocks.
  for (const [runner, fit] of result.modelFit) {
    const m = result.store.models!.get(runner)!;
    lines.push(
      c.dim(
        `Wall model (${runner}): start-up ${formatMs(m.startupMs)} per job, ${formatMs(m.workerStartupMs)} per worker, ${formatMs(m.fileGapMs ?? 0)} between files, ${m.workers} worker(s)${m.fileFixedMs === undefined ? '' : `, ${formatMs(m.fileFixedMs)} fixed per file`}, learned from ${m.samples ?? 1} job(s); fits these ${fit.jobs} job(s) within ${Math.round(fit.medianError * 100)}% (median)`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}

const SHARD_HEADER = ['Shard', 'Files', 'Ran', 'Predicted', 'Actual wall', 'Error'];

function PREDICTION_NOTE(shards: readonly ShardRow[]): string {
  return shards.some((s) => s.predicted === 'files')
    ? 'Predicted: the sum of the planned files (no wall model yet; this merge learns one from the jobs). Actual wall: each job, start-up included. Error: how much longer (+) or shorter (−) the job took than predicted.'
    : 'Predicted: the wall each job was planned with. Actual wall: each job, start-up included, by its runner’s clock. Error: how much longer (+) or shorter (−) the job took than predicted.';
}

/** Under the table of a mixed-plan run: which rows describe a plan other than the reference. */
function OTHER_PLAN_NOTE(shards: readonly ShardRow[], coverage: CoverageResult): string | undefined {
  const other = shards.filter((s) => s.otherPlan !== undefined);
  if (other.length === 0 || !coverage.plan) return undefined;
  const names = other.map(
    (s) => `${s.index}/${coverage.shardCount} ran under plan ${s.otherPlan!.slice(0, 8)}`,
  );
  return `Shard ${names.join(', ')}, not the reference plan ${coverage.plan.fingerprint.slice(0, 8)}: its row shows that plan's files and prediction.`;
}

function shardCells(s: ShardRow, coverage?: CoverageResult): string[] {
  const error = s.error === null ? '-' : signedPercent(s.error);
  return [
    coverage ? `${s.index}/${coverage.shardCount}` : String(s.index),
    String(s.planned),
    s.ran === null ? 'no report' : s.otherPlan ? `${s.ran} (plan ${s.otherPlan.slice(0, 8)})` : String(s.ran),
    formatPredicted(s.predictedMs, s.spreadMs),
    s.wallMs === null ? (s.actualMs === null ? '-' : `${formatMs(s.actualMs)} (files)`) : formatMs(s.wallMs),
    error,
  ];
}

function signedPercent(fraction: number): string {
  const pct = Math.round(fraction * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

/** One line: which job was slowest and why. */
function describeSlowest(s: SlowestShard, coverage: CoverageResult): string {
  const name = `shard ${s.index}${coverage.shardCount ? `/${coverage.shardCount}` : ''} (${formatMs(s.wallMs)})`;
  switch (s.reason) {
    case 'startup':
      return `${name}: start-up, ${formatMs(s.ms)} of it before and after its files; fewer shards would waste less`;
    case 'big-file':
      return `${name}: one big file, ${s.file} took ${formatMs(s.ms)} of it; no plan finishes before it`;
    case 'estimate':
      return `${name}: ${s.untimed} of its files had no timing yet and were planned by estimate; ${formatMs(s.ms)} over its prediction, and the store now knows them`;
    case 'machine':
      return `${name}: a slow machine, ${formatMs(s.ms)} (${signedPercent(s.error!)}) over its prediction: its files ran ${s.factor!.toFixed(1)}× slower than the run's pace`;
    case 'noise':
      return `${name}: noise, ${formatMs(s.ms)} over its prediction with no start-up or big file to explain it (a slower machine or a cold cache)`;
    case 'over-predicted':
      return `${name}: ${formatMs(s.ms)} (${signedPercent(s.error!)}) under its prediction: its files took less than the store said`;
    case 'balanced':
      return `${name}: as planned${s.error === undefined ? '' : `, ${signedPercent(s.error)} against its prediction (within 25%)`}`;
    default:
      return unreachable(s.reason);
  }
}

/**
 * A job that ran slow (or fast) on nearly every file, e.g. `shard 2/3 ran 1.3× slower than the rest of the
 * run on every file (13): the machine, not the files; …`.
 */
function describeMachineJob(p: JobPace, coverage: CoverageResult): string {
  const name =
    p.shard === undefined
      ? `a ${p.runner} job`
      : `shard ${p.shard}${coverage.shardCount ? `/${coverage.shardCount}` : ''}`;
  const how = p.relative >= 1 ? `${p.relative.toFixed(1)}× slower` : `${(1 / p.relative).toFixed(1)}× faster`;
  const files = p.similar === p.files ? `every file (${p.files})` : `${p.similar} of its ${p.files} files`;
  return `${name} ran ${how} than the run's pace on ${files}: the machine, not the files; its times were learned at the run's pace`;
}

function unreachable(reason: never): never {
  throw new Error(`unknown reason ${String(reason)}`);
}

function reportProblem(ctx: Context, line: string): void {
  const github = ctx.io.env['GITHUB_ACTIONS'] === 'true' || Boolean(ctx.stepSummary);
  if (github)
    ctx.io.stderr.write(
      `::error title=shardwise coverage::${line.replaceAll('%', '%25').replaceAll('\n', '%0A')}\n`,
    );
  else ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('error'))} ${line}\n`);
}

function mergeMarkdown(
  coverage: CoverageResult,
  shards: readonly ShardRow[],
  problems: readonly string[],
  slowest: SlowestShard | undefined,
  machineJobs: readonly JobPace[],
): string {
  const parts = ['### shardwise merge'];
  if (!coverage.checked) parts.push('', 'The reports carry no plan: coverage not verified.');
  else if (coverage.ok) parts.push('', '✅ Every planned test file ran exactly once.');
  else parts.push('', '❌ Coverage check failed:', '', ...problems.map((p) => `- ${p}`));
  if (shards.length > 0) {
    parts.push(
      '',
      markdownTable(
        SHARD_HEADER,
        shards.map((s) => shardCells(s)),
        'rrrrrr',
      ),
      '',
      PREDICTION_NOTE(shards),
      ...[OTHER_PLAN_NOTE(shards, coverage)].filter((n) => n !== undefined).map((n) => `\n${n}`),
    );
  }
  if (slowest) parts.push('', `Slowest: ${describeSlowest(slowest, coverage)}`);
  for (const job of machineJobs) parts.push('', describeMachineJob(job, coverage));
  return parts.join('\n');
}
