// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { EXIT_CODES } from '@shardwise/core/light';
import { compareCodeUnits, failuresOf, splitUnitKey } from '@shardwise/core';
import type { Context } from './context.js';
import { usageError, type OptionValues } from './options.js';
import { readReportArgs } from './report-args.js';

/**
 * `shard files --failed REPORT|DIR…`: the test files that failed in those reports, one per line as the
 * runner takes them (paths relative to the root, without a project prefix), so a retry job re-runs only
 * them: `npx jest $(npx shard files --failed reports/)`. `--json` adds each file's failed tests. Nothing
 * failed prints nothing (`[]`) and succeeds.
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
  const failed = new Map<string, Set<string>>();
  const files = reports.flatMap((r) => r.files);
  const { tests, files: bare } = failuresOf(files);
  for (const file of [...bare, ...files.filter((f) => f.status === 'failed').map((f) => f.file)]) {
    if (!failed.has(file)) failed.set(file, new Set());
  }
  for (const t of tests) {
    const names = failed.get(t.file) ?? new Set<string>();
    failed.set(t.file, names.add(t.name));
  }
  const byPath = new Map<string, Set<string>>();
  for (const [key, names] of failed) {
    const file = splitUnitKey(key).path;
    byPath.set(file, new Set([...(byPath.get(file) ?? []), ...names]));
  }
  const paths = [...byPath.keys()].sort(compareCodeUnits);
  if (values.json) {
    const list = paths.map((file) => ({ file, tests: [...byPath.get(file)!].sort(compareCodeUnits) }));
    ctx.io.stdout.write(JSON.stringify(list) + '\n');
  } else if (paths.length > 0) {
    ctx.io.stdout.write(values.null ? paths.join('\0') + '\0' : paths.join('\n') + '\n');
  }
  ctx.note(`${paths.length} failed test file(s) in ${reports.length} report(s)`);
  return EXIT_CODES.ok;
}
