// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import type { ShardSpec } from '@shardwise/core';
import { resolveShard } from './ci-env.js';
import type { Context } from './context.js';
import { usageError, type CommandName } from './options.js';

/**
 * The shard of `files` and `run` and where it came from: --shard, SHARDWISE_SHARD or the CI. Required:
 * without one there is no shard to pick, and guessing 1/1 would run the whole suite in every job.
 */
export function requireShard(
  ctx: Context,
  command: CommandName,
  flag: string | undefined,
): { spec: ShardSpec; source: string } {
  const found = resolveShard(flag, ctx.io.env);
  if (!found) {
    throw usageError(
      `shard ${command} needs --shard I/N (1-based, e.g. --shard 2/4), SHARDWISE_SHARD=I/N, or a CI parallel job; ` +
        'on GitHub Actions pass --shard ${{ matrix.shard }}/N from a matrix',
    );
  }
  return found;
}
