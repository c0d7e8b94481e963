// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { displayPath, parseReport, readFilesWith, REPORT_FORMAT, type RunReport } from '@shardwise/core';
import type { Context } from './context.js';
import { usageError } from './options.js';
import { expandInputs } from './reports.js';

/**
 * The shardwise reports named by REPORT|DIR… arguments, for the commands that only read them (`files
 * --failed`, `flaky --record`, `quarantine check`). Inside a directory other JSON is skipped; a named file
 * must be a report. No report at all is a usage error naming the arguments.
 */
export async function readReportArgs(
  ctx: Context,
  args: readonly string[],
  command: string,
): Promise<RunReport[]> {
  const inputs = await expandInputs(args, ctx.io.cwd, ['.json']);
  const inDirectory = new Set(inputs.filter((i) => i.fromDirectory).map((i) => i.file));
  const reports = await readFilesWith(
    inputs.map((i) => i.file),
    (text, file) =>
      inDirectory.has(file) && !text.includes(REPORT_FORMAT)
        ? undefined
        : parseReport(text, displayPath(file, ctx.io.cwd)),
  );
  const found = reports.filter((r): r is RunReport => r !== undefined);
  if (found.length === 0) {
    throw usageError(
      `${command}: no shardwise reports in ${args.join(' ')}; pass the reports the test jobs wrote (.shardwise/reports)`,
    );
  }
  return found;
}
