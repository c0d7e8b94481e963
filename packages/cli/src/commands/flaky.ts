import { EXIT_CODES } from '@shardwise/core/light';
import { detectFlaky, displayPath, readHistoryFile, withFileLocks, writeHistoryFile } from '@shardwise/core';
import type { Context } from '../context.js';
import { flakyTable, recordedText, recordRun } from '../flaky-history.js';
import { cliSettings } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { readReportArgs } from '../report-args.js';

/**
 * `shard flaky`: the flaky and broken tests of the history (core `detectFlaky`), as a table or as JSON.
 * With `--record REPORT|DIR…` it first appends those reports as one run: a retry job's reports, whose pass
 * on the same commit is a flaky signal. Exit 0 whatever it finds: it informs, the quarantine decides.
 */
export async function flakyCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const settings = cliSettings(values, ctx);
  if (positionals.length > 0 && !values.record) {
    throw usageError(
      `shard flaky: unexpected argument "${positionals[0]}"; to add reports to the history first, pass --record REPORT|DIR…`,
    );
  }
  let tests;
  if (values.record) {
    if (positionals.length === 0)
      throw usageError('shard flaky --record: name the reports to record (REPORT|DIR…)');
    const reports = await readReportArgs(ctx, positionals, 'shard flaky --record');
    const file = settings.history;
    const name = (f: string) => displayPath(f, ctx.io.cwd);
    // Read, append and write under the history's lock: a merge may be appending to it at the same time.
    const recorded = await withFileLocks(
      [file],
      async (stillHeld) => {
        const run = recordRun(ctx, file, reports, await readHistoryFile(file, name(file)));
        stillHeld();
        if (run.run) await writeHistoryFile(file, run.history);
        return run;
      },
      { name },
    );
    if (!values.json) ctx.note(recordedText(ctx, recorded).trimEnd());
    tests = recorded.tests;
  } else {
    const name = displayPath(settings.history, ctx.io.cwd);
    const history = await readHistoryFile(settings.history, name);
    if (!history) ctx.note(`no flaky history at ${name} yet: \`shard merge\` starts it`);
    tests = history ? detectFlaky(history) : [];
  }
  if (values.json) {
    ctx.io.stdout.write(JSON.stringify({ tests }) + '\n');
  } else if (tests.length === 0) {
    ctx.io.stdout.write('No flaky or broken tests.\n');
  } else {
    ctx.io.stdout.write(flakyTable(ctx, tests));
  }
  return EXIT_CODES.ok;
}
