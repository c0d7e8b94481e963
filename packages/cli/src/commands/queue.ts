import { EXIT_CODES } from '@shardwise/core/light';
import { queueSettingsOf, RedisQueue } from '@shardwise/core/queue';
import type { Context } from '../context.js';
import { usageError, type CommandLine } from '../options.js';

/**
 * `shard queue status|clear`: a queue run's progress (units pending, running, acknowledged, failed, and
 * per job), or the removal of that run's keys (and no other run's).
 */
export async function queueCommand(ctx: Context, { values, positionals }: CommandLine): Promise<number> {
  const [action, ...extra] = positionals;
  if ((action !== 'status' && action !== 'clear') || extra.length > 0) {
    throw usageError(
      `shard queue takes status or clear${positionals.length > 0 ? `, got "${positionals.join(' ')}"` : ''}, e.g. \`shard queue status --run-id 1234\``,
    );
  }
  const settings = queueSettingsOf(values['run-id'], ctx.io.env);
  const queue = await RedisQueue.open({ address: settings.address, runId: settings.runId });
  const run = `run ${settings.runId} on ${settings.address.display}`;
  try {
    if (action === 'clear') {
      const removed = await queue.clear();
      if (values.json)
        ctx.io.stdout.write(`${JSON.stringify({ runId: settings.runId, removedKeys: removed })}\n`);
      else
        ctx.io.stdout.write(
          `${removed === 0 ? `No queue for ${run}: nothing removed` : `Removed the queue of ${run} (${removed} keys)`}\n`,
        );
      return EXIT_CODES.ok;
    }
    const status = await queue.status();
    if (values.json) {
      ctx.io.stdout.write(`${JSON.stringify({ runId: settings.runId, ...(status ?? { seed: null }) })}\n`);
      return EXIT_CODES.ok;
    }
    if (!status) {
      ctx.io.stdout.write(`No queue for ${run} (never seeded, expired, or cleared)\n`);
      return EXIT_CODES.ok;
    }
    const { seed } = status;
    const lines = [
      `Queue of ${run}: plan ${seed.fingerprint.slice(0, 8)}, ${seed.units} units, seeded by job ${seed.by} at ${seed.createdAt}`,
      `  ${status.acked} acknowledged, ${status.running} running, ${status.pending} pending, ${status.failed.length} failed (killed two jobs)`,
      ...status.jobs.map((j) => `  job ${j.job}: ${j.acked} acknowledged`),
      ...(status.failed.length > 0 ? [`  failed: ${status.failed.join(', ')}`] : []),
      `  keys expire in ${Math.round(status.ttlSeconds / 360) / 10} h`,
    ];
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_CODES.ok;
  } finally {
    await queue.close();
  }
}
