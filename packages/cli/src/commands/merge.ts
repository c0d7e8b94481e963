import { annotation, EXIT_CODES, onGitHubActions } from '@shardwise/core/light';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  reportSelection,
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
  filterOutcome,
  type SlowestShard,
  type CoverageResult,
  type MergeOptions,
  type MergeResult,
  type History,
  type RunReport,
  type TimingStore,
  type ShardRow,
  serializeHistory,
  serializeStore,
  withFileLocks,
  renderComment,
  type Settings,
  SHARD_HEADER,
  shardCells,
  predictionNote,
  otherPlanNote,
  describeSlowest,
  describeMachineJob,
  writeFilesTogether,
  type FileWrite,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { formatMs, table } from '../format.js';
import { cliSettings, storePathOf } from '../inputs.js';
import { parseNonNegative, usageError, type CommandLine } from '../options.js';
import { expandInputs, parseSmoothing } from '../reports.js';
import { appendStepSummary } from '../summary.js';
import { recordedText, recordRun, type RecordedRun } from '../flaky-history.js';
import {
  outputQuarantine,
  runFigures,
  runOutputs,
  today,
  writeOutputs,
  type RunOutputs,
} from '../outputs.js';
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
  /** The report files to write (--html, --junit, --markdown). */
  outputs: RunOutputs;
  settings: Settings;
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
    outputs: runOutputs(values, ctx.io.cwd),
    settings,
  };
}

/**
 * `shard merge`: folds shard reports into the store (core `mergeReports`), and when the reports carry
 * their plan, proves that every planned file ran in exactly one shard (core `checkCoverage`): exit 1,
 * naming the files, when one did not run, ran twice, or shards planned differently.
 */
export async function mergeCommand(ctx: Context, line: CommandLine): Promise<number> {
  const input = parseMergeInput(ctx, line);
  const sharded = shardJobs(ctx, await readReports(ctx, input));
  const reports = sharded.map((r) => r.report);
  // A quarantine file that cannot be read fails the merge before the store is touched.
  const quarantine = await outputQuarantine(ctx, input.outputs, input.settings);
  // Queue jobs' reports are proven by their acknowledgements (the queue proof), the others by their plan.
  const queueProof = queueProofOf(reports);
  const queued = queueProof ? queueProofText(ctx, queueProof) : undefined;
  const { base, result, write, recorded } = await applyReports(ctx, input, reports);
  const fileOf = new Map(sharded.map((r) => [r.report, r.file]));
  for (const u of result.unlearned) {
    const file = fileOf.get(u.report);
    ctx.warn(`${file ? displayPath(file, ctx.io.cwd) : 'a report'} ${describeUnlearned(u)}`);
  }
  const { coverage, shards, slowest } = runFigures(reports, base, result.machineJobs);
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
  const summary = await writeOutputs(ctx, input.outputs, {
    reports,
    coverage,
    shards,
    slowest,
    before: base,
    merged: result,
    history: recorded?.history,
    flaky: recorded?.tests,
    newlyFlaky: recorded?.newly,
    quarantine,
    today: today(),
  });
  // The step summary is the pull-request comment's text (`--markdown`), word for word, and the queue's proof.
  const queueMarkdown = queueProof ? queueProofMarkdown(queueProof, queued!.problems) : '';
  await appendStepSummary(ctx, renderComment(summary) + queueMarkdown);
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
export async function readReports(
  ctx: Context,
  input: Pick<MergeInput, 'defaulted' | 'args' | 'skipInvalid'>,
  command: 'merge' | 'report' = 'merge',
): Promise<ReadReport[]> {
  if (input.defaulted && !(await fs.stat(input.args[0]!).catch(() => undefined))) {
    throw usageError(
      `shard ${command}: no reports given and no ${DEFAULT_REPORTS_DIR} in ${path.dirname(path.dirname(input.args[0]!))}; pass report files or directories (e.g. the downloaded artifacts)`,
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
      `shard ${command}: no shardwise reports in ${input.args.join(' ')}${skipped.length > 0 ? ` (${skipped.length} other JSON file(s) skipped)` : ''}; did the test jobs run with the shardwise plugin and upload ${DEFAULT_REPORTS_DIR}?`,
    );
  }
  return reports;
}

/**
 * The shard jobs' reports among those read. A local unsharded run's report among the shards' would count
 * every file twice: it is named and left out.
 */
export function shardJobs(
  ctx: Context,
  read: readonly ReadReport[],
  command: 'merge' | 'report' = 'merge',
): ReadReport[] {
  const { sharded, unsharded } = splitUnsharded(read);
  for (const { file } of unsharded) {
    ctx.warn(
      `${displayPath(file, ctx.io.cwd)} is the report of an unsharded run (a local run writes it), not of a shard: left out of this ${command}. Delete it, or ${command} only the shard jobs' reports.`,
    );
  }
  return sharded;
}

/** A report and the file it was read from. */
export interface ReadReport extends Pick<RunReport, 'shard' | 'plan'> {
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
  const filtered = filterOutcome(reports);
  const filters = filtered.filters.length > 0 ? ` (${filtered.filters.join('; ')})` : '';
  if (coverage.checked && coverage.ok && !filtered.testsRan) {
    // Nothing ran (a `-t` that matched no test): every file was reached, but there is nothing to prove.
    const planned = shards.reduce((sum, s) => sum + s.planned, 0);
    lines.push(
      c.yellow(
        `No test ran${filters ? `: the filter${filters} selected none of the tests of the ${planned} planned file(s)` : ` in the ${planned} planned file(s)`}, so nothing is verified`,
      ),
    );
  } else if (coverage.checked && coverage.ok) {
    const pieces = coverage.plan?.pieces ?? [];
    const planned = shards.reduce((sum, s) => sum + s.planned, 0) - pieces.length;
    lines.push(
      c.green(
        `Coverage verified: all ${planned} planned files ran exactly once across ${coverage.shardCount} shard(s)`,
      ),
    );
    const selection = reportSelection(reports);
    if (selection) {
      lines.push(
        c.green(
          selection.full
            ? `  the change since ${selection.ref} selected every test file: ${selection.full.file} changed (${selection.full.why})`
            : `  ${selection.leftOut} test file(s) left out: none depends on the change since ${selection.ref} (by ${selection.by}); not run, and their timings kept`,
        ),
      );
    }
    if (filtered.selected > 0) {
      lines.push(
        c.green(
          `  ${filtered.selected} of them ran only the tests a filter selected${filters}: run, and their tests' times kept`,
        ),
      );
    }
    if (filtered.none > 0) {
      lines.push(c.dim(`  ${filtered.none} ran no test: the filter selected none of theirs`));
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
    const rows = [SHARD_HEADER, ...shards.map((s) => shardCells(s, coverage.shardCount))];
    lines.push('', ...table(rows, 'rrrrrr', (r, _c, t) => (r === 0 ? c.bold(t) : t)).map((l) => `  ${l}`));
    lines.push(c.dim(`  ${predictionNote(shards)}`));
    const other = otherPlanNote(shards, coverage);
    if (other) lines.push(c.dim(`  ${other}`));
  }
  if (slowest) lines.push(`Slowest: ${describeSlowest(slowest, coverage.shardCount)}`);
  for (const job of result.machineJobs) lines.push(c.yellow(describeMachineJob(job, coverage.shardCount)));
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

function reportProblem(ctx: Context, line: string): void {
  const github = onGitHubActions(ctx.io.env) || Boolean(ctx.stepSummary);
  if (github) ctx.io.stderr.write(`${annotation('error', line, 'shardwise coverage')}\n`);
  else ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('error'))} ${line}\n`);
}
