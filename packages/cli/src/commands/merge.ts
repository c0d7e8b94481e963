import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  checkCoverage,
  describeCoverage,
  mergeReports,
  parseReport,
  readFilesWith,
  readStoreFile,
  REPORT_FORMAT,
  writeStoreFile,
  type CoverageResult,
  type RunReport,
  type TimingStore,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { formatMs, markdownTable, table } from '../format.js';
import { locate } from '../inputs.js';
import { parseNonNegative, usageError, type CommandLine } from '../options.js';
import { expandInputs, parseSmoothing } from '../reports.js';
import { appendStepSummary } from '../summary.js';

/** Where the runner plugins write their reports, relative to the root. */
export const REPORTS_DIR = '.shardwise/reports';

/**
 * `shard merge`: folds shard reports into the store (core `mergeReports`), and when the reports carry
 * their plan, proves that every planned file ran in exactly one shard (core `checkCoverage`): exit 1,
 * naming the files, when one did not run, ran twice, or shards planned differently.
 */
export async function mergeCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const smoothing = parseSmoothing(values.smoothing);
  const threshold =
    values.threshold === undefined ? undefined : parseNonNegative(values.threshold, '--threshold');
  const { root, storePath } = locate(values, ctx);
  const out = values.out === undefined ? storePath! : path.resolve(ctx.io.cwd, values.out);

  const args = positionals.length > 0 ? positionals : [path.join(root, REPORTS_DIR)];
  if (positionals.length === 0) {
    const exists = await fs.stat(args[0]!).catch(() => undefined);
    if (!exists) {
      throw usageError(
        `shard merge: no reports given and no ${REPORTS_DIR} in ${root}; pass report files or directories (e.g. the downloaded artifacts)`,
      );
    }
  }
  const inputs = await expandInputs(args, ctx.io.cwd, ['.json']);
  const fromDirectory = new Map(inputs.map((i) => [i.file, i.fromDirectory]));
  const skipped: string[] = [];
  const [parsed, base] = await Promise.all([
    readFilesWith(
      inputs.map((i) => i.file),
      (text, file) => {
        // Artifact folders can hold other JSON; inside a directory only shardwise reports count.
        if (fromDirectory.get(file) && !text.includes(REPORT_FORMAT)) {
          skipped.push(file);
          return undefined;
        }
        return parseReport(text, path.relative(ctx.io.cwd, file) || file);
      },
    ),
    readStoreFile(storePath!),
  ]);
  const reports = parsed.filter((r): r is RunReport => r !== undefined);
  for (const file of skipped.sort()) ctx.debug(`skipped ${file}: not a shardwise report`);
  if (reports.length === 0) {
    throw usageError(
      `shard merge: no shardwise reports in ${args.join(' ')}${skipped.length > 0 ? ` (${skipped.length} other JSON file(s) skipped)` : ''}; did the test jobs run with the shardwise plugin and upload ${REPORTS_DIR}?`,
    );
  }
  ctx.debug(
    `${reports.length} report(s); store ${storePath}: ${base ? `${base.files.size} entries` : 'missing'}`,
  );

  const coverage = checkCoverage(reports);
  const result = mergeReports(base, reports, {
    prune: !values['no-prune'],
    ...(threshold === undefined ? {} : { threshold }),
    ...(smoothing ? { smoothing } : {}),
  });
  const write = result.changed || out !== storePath || base === undefined;
  if (write) await writeStoreFile(out, result.store);
  const shards = shardRows(coverage, reports, base);
  const problems = describeCoverage(coverage);
  const outName = path.relative(ctx.io.cwd, out) || out;

  if (values.json) {
    ctx.io.stdout.write(
      JSON.stringify({
        reports: reports.length,
        added: result.added,
        updated: result.updated,
        pruned: result.pruned,
        kept: result.kept,
        changed: result.changed,
        written: write ? out : null,
        coverage: { checked: coverage.checked, ok: coverage.ok, problems },
        shards,
      }) + '\n',
    );
  } else {
    const c = ctx.out;
    const lines = [
      `Merged ${reports.length} report(s) into ${outName}: ${result.added.length} added, ${result.updated.length} updated, ` +
        `${result.pruned.length} pruned, ${result.kept.length} kept` +
        (write ? '' : c.dim(' (no duration moved past the threshold: store left as is)')),
    ];
    if (coverage.checked && coverage.ok) {
      const planned = shards.reduce((sum, s) => sum + s.planned, 0);
      lines.push(
        c.green(
          `Coverage verified: all ${planned} planned files ran exactly once across ${coverage.shardCount} shard(s)`,
        ),
      );
    }
    if (shards.length > 0) {
      const rows = [
        ['Shard', 'Planned', 'Ran', 'Predicted', 'Actual'],
        ...shards.map((s) => [
          `${s.index}/${coverage.shardCount}`,
          String(s.planned),
          s.ran === null ? 'no report' : String(s.ran),
          formatMs(s.predictedMs),
          s.actualMs === null ? '-' : formatMs(s.actualMs),
        ]),
      ];
      lines.push('', ...table(rows, 'rrrrr', (r, _c, t) => (r === 0 ? c.bold(t) : t)).map((l) => `  ${l}`));
    }
    ctx.io.stdout.write(lines.join('\n') + '\n');
  }
  if (!coverage.checked) {
    ctx.note(
      'The reports carry no plan, so coverage was not verified (imports and unsharded runs have none).',
    );
  }
  for (const line of problems) reportProblem(ctx, line);
  await appendStepSummary(ctx, mergeMarkdown(coverage, shards, problems));
  return coverage.ok ? 0 : 1;
}

/** Predicted against actual time of one shard (sums of file times, not wall time). */
interface ShardRow {
  index: number;
  planned: number;
  ran: number | null;
  predictedMs: number;
  actualMs: number | null;
}

function shardRows(
  coverage: CoverageResult,
  reports: readonly RunReport[],
  base: TimingStore | undefined,
): ShardRow[] {
  if (!coverage.checked) return [];
  // The plan most shards reported under, as checkCoverage chose it.
  const reference = [...coverage.fingerprints].sort((a, b) => b.shards.length - a.shards.length)[0]!;
  const own = reports.filter((r) => r.plan?.fingerprint === reference.fingerprint);
  const plan = own[0]!.plan!;
  const known = (file: string) => base?.files.get(file)?.durationMs;
  const knownValues = plan.shards
    .flat()
    .map(known)
    .filter((d): d is number => d !== undefined);
  const fallback =
    knownValues.length > 0 ? Math.round(knownValues.reduce((a, b) => a + b, 0) / knownValues.length) : 1000;
  return plan.shards.map((files, i) => {
    const mine = own.filter((r) => (r.shard?.index ?? 1) === i + 1);
    const ran = mine.length === 0 ? null : mine.reduce((n, r) => n + r.files.length, 0);
    return {
      index: i + 1,
      planned: files.length,
      ran,
      predictedMs: files.reduce((sum, f) => sum + (known(f) ?? fallback), 0),
      actualMs:
        mine.length === 0
          ? null
          : mine.reduce((sum, r) => sum + r.files.reduce((s, f) => s + f.durationMs, 0), 0),
    };
  });
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
): string {
  const parts = ['### shardwise merge'];
  if (!coverage.checked) parts.push('', 'The reports carry no plan: coverage not verified.');
  else if (coverage.ok) parts.push('', '✅ Every planned test file ran exactly once.');
  else parts.push('', '❌ Coverage check failed:', '', ...problems.map((p) => `- ${p}`));
  if (shards.length > 0) {
    parts.push(
      '',
      markdownTable(
        ['Shard', 'Planned files', 'Ran', 'Predicted', 'Actual'],
        shards.map((s) => [
          String(s.index),
          String(s.planned),
          s.ran === null ? 'no report' : String(s.ran),
          formatMs(s.predictedMs),
          s.actualMs === null ? '-' : formatMs(s.actualMs),
        ]),
        'rrrrr',
      ),
      '',
      'Predicted: from the store before this merge. Actual: sum of the file times each shard reported.',
    );
  }
  return parts.join('\n');
}
