import path from 'node:path';
import {
  DEFAULT_REPORTS_DIR,
  EXIT_CODES,
  detectFlaky,
  displayPath,
  mergeReports,
  readHistoryFile,
  readStoreFile,
} from '@shardwise/core';
import type { Context } from '../context.js';
import { cliSettings, storePathOf } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { outputQuarantine, runFigures, runOutputs, today, writeOutputs } from '../outputs.js';
import { readReports, shardJobs } from './merge.js';

/**
 * `shard report`: the HTML, JUnit and Markdown reports of a run from what is already on disk (its reports,
 * the store it was planned with, the flaky history, the quarantine), with the same figures `shard merge`
 * shows. Writes nothing else: the store's update is computed in memory, for what moved.
 */
export async function reportCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const outputs = runOutputs(values, ctx.io.cwd);
  if (Object.keys(outputs).length === 0) {
    throw usageError('shard report: nothing to write; give --html PATH, --junit PATH or --markdown PATH');
  }
  const settings = cliSettings(values, ctx);
  const storePath = storePathOf(settings);
  const name = (file: string) => displayPath(file, ctx.io.cwd);
  const read = await readReports(
    ctx,
    {
      args: positionals.length > 0 ? positionals : [path.join(settings.root, DEFAULT_REPORTS_DIR)],
      defaulted: positionals.length === 0,
      skipInvalid: Boolean(values['skip-invalid']),
    },
    'report',
  );
  const reports = shardJobs(ctx, read, 'report').map((r) => r.report);
  const [base, history, quarantine] = await Promise.all([
    readStoreFile(storePath, name(storePath)),
    readHistoryFile(settings.history, name(settings.history)),
    outputQuarantine(ctx, outputs, settings),
  ]);
  const merged = mergeReports(base, reports);
  const { coverage, shards, slowest } = runFigures(reports, base, merged.machineJobs);
  await writeOutputs(ctx, outputs, {
    reports,
    coverage,
    shards,
    slowest,
    before: base,
    merged,
    history,
    flaky: history ? detectFlaky(history) : undefined,
    quarantine,
    today: today(),
  });
  return EXIT_CODES.ok;
}
