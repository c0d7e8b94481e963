import type { Context } from '../context.js';
import { locate, planSettings } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { planFromInputs, reportInputs } from '../planning.js';
import { announceShard, requireShard } from '../shard-option.js';

/**
 * `shard files`: this shard's files on stdout, one per line (or JSON, or NUL-separated), in plan order
 * (longest first). An empty shard prints nothing (`[]` with --json) and succeeds.
 */
export async function filesCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  if (values.json && values.null) throw usageError('--json and -0 choose different outputs; pass one');
  const spec = requireShard(ctx, 'files', values.shard);
  const locations = locate(values, ctx);
  const settings = planSettings(values, ctx);
  announceShard(ctx, values.shard, spec);

  const planned = await planFromInputs(ctx, values, positionals, spec.count, locations, settings);
  reportInputs(ctx, planned);
  const files = planned.plan.shards[spec.index - 1]!.files;
  if (values.json) ctx.io.stdout.write(JSON.stringify(files) + '\n');
  else if (files.length > 0) {
    ctx.io.stdout.write(values.null ? files.join('\0') + '\0' : files.join('\n') + '\n');
  }
  if (files.length === 0 && planned.match.files > 0) {
    ctx.note(`shard ${spec.index}/${spec.count} is empty: ${planned.match.files} file(s) fill fewer shards`);
  }
  return 0;
}
