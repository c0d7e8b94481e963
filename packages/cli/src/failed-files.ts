// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { EXIT_CODES } from '@shardwise/core/light';
import {
  checkCoverage,
  compareCodeUnits,
  failuresOf,
  splitUnsharded,
  testFileOf,
  unverifiedFiles,
} from '@shardwise/core';
import type { Context } from './context.js';
import { usageError, type OptionValues } from './options.js';
import { readReportArgs } from './report-args.js';

/**
 * `shard files --failed REPORT|DIR…`: the test files that failed in those reports, and those that did
 * not run (a crashed worker, a cancelled run, a shard that sent no report: the others carry the plan), one
 * per line as the runner takes them (paths relative to the root, without a project prefix), so a retry job
 * re-runs only them: `npx jest $(npx shard files --failed reports/)`. `--json` adds each file's failed
 * tests. Nothing failed prints nothing (`[]`) and succeeds.
 */
export async function failedFilesCommand(
  ctx: Context,
  values: OptionValues,
  args: readonly string[],
): Promise<number> {
  if (values.shard !== undefined)
    throw usageError('shard files: --failed lists failures across all shards; leave out --shard');
  if (args.length === 0)
    throw usageError('shard files --failed: name the reports (REPORT|DIR…), e.g. .shardwise/reports');
  const reports = await readReportArgs(ctx, args, 'shard files --failed');
  // By test file (a Playwright unit's key also names its project and titles): the failed tests' names.
  const byPath = new Map<string, Set<string>>();
  const namesOf = (key: string) => {
    const file = testFileOf(key);
    const names = byPath.get(file) ?? new Set<string>();
    byPath.set(file, names);
    return names;
  };
  const files = reports.flatMap((r) => r.files);
  for (const f of files) if (f.status === 'failed') namesOf(f.file);
  for (const t of failuresOf(files).tests) namesOf(t.file).add(t.name);
  // What the exactly-once proof could not count as run must run again too.
  for (const file of unverifiedFiles(checkCoverage(splitUnsharded(reports).sharded))) namesOf(file);
  const paths = [...byPath.keys()].sort(compareCodeUnits);
  if (values.json) {
    const list = paths.map((file) => ({ file, tests: [...byPath.get(file)!].sort(compareCodeUnits) }));
    ctx.io.stdout.write(JSON.stringify(list) + '\n');
  } else if (paths.length > 0) {
    ctx.io.stdout.write(values.null ? paths.join('\0') + '\0' : paths.join('\n') + '\n');
  }
  ctx.note(`${paths.length} failed or unrun test file(s) in ${reports.length} report(s)`);
  return EXIT_CODES.ok;
}
