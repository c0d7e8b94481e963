import { EXIT_CODES } from '@shardwise/core/planning';
import type { Context } from '../context.js';
import { cliSettings } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { planShard } from '../planning.js';

/**
 * `shard files`: this shard's files on stdout, one per line (or JSON, or NUL-separated), in plan order
 * (longest first). An empty shard prints nothing (`[]` with --json) and succeeds.
 */
export async function filesCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  if (values.json && values.null) throw usageError('--json and -0 choose different outputs; pass one');
  if (values.failed) return (await import('../failed-files.js')).failedFilesCommand(ctx, values, positionals);
  const settings = cliSettings(values, ctx);
  const { spec, planned, files } = await planShard(ctx, 'files', values, positionals, settings);
  if (values.json) ctx.io.stdout.write(JSON.stringify(files) + '\n');
  else if (files.length > 0) {
    ctx.io.stdout.write(values.null ? files.join('\0') + '\0' : files.join('\n') + '\n');
  }
  if (files.length === 0 && planned.run.match.files > 0) {
    ctx.note(
      `shard ${spec.index}/${spec.count} is empty: ${planned.run.match.files} file(s) fill fewer shards`,
    );
  }
  return EXIT_CODES.ok;
}
