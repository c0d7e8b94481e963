/**
 * Queue mode's settings, resolved in one place for every front end: the server, the run, the keys'
 * lifetime and the lease. Flags beat the environment.
 */
import { ShardwiseError } from '../base/errors.js';
import { queueRunOf, type QueueRun } from './run-id.js';
import { parseQueueUrl, type QueueAddress } from './url.js';

/** Everything a queue job needs to know before it connects. */
export interface QueueSettings extends QueueRun {
  address: QueueAddress;
  /** `SHARDWISE_QUEUE_TTL` (seconds). @default 86400 */
  ttlSeconds: number;
  /** `SHARDWISE_QUEUE_LEASE_MS`. @default 30000 */
  leaseMs: number;
}

/**
 * Resolves queue mode from `--run-id` and the environment: `SHARDWISE_QUEUE` (required),
 * `SHARDWISE_QUEUE_PASSWORD`, `SHARDWISE_RUN_ID` or the CI's run, `SHARDWISE_QUEUE_TTL`,
 * `SHARDWISE_QUEUE_LEASE_MS`.
 *
 * @example
 * queueSettingsOf(undefined, { SHARDWISE_QUEUE: 'redis://localhost:6379', GITHUB_RUN_ID: '42' });
 */
export function queueSettingsOf(runIdFlag: string | undefined, env: NodeJS.ProcessEnv): QueueSettings {
  const url = env['SHARDWISE_QUEUE'];
  if (url === undefined || url === '') {
    throw new ShardwiseError(
      'INVALID_OPTION',
      'queue mode needs SHARDWISE_QUEUE=redis://host:port (rediss:// for TLS; the password in the URL or in SHARDWISE_QUEUE_PASSWORD)',
    );
  }
  const address = parseQueueUrl(url, env['SHARDWISE_QUEUE_PASSWORD']);
  return {
    address,
    ...queueRunOf(runIdFlag, env),
    ttlSeconds: positive(env, 'SHARDWISE_QUEUE_TTL', 24 * 60 * 60),
    leaseMs: positive(env, 'SHARDWISE_QUEUE_LEASE_MS', 30_000),
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new ShardwiseError('INVALID_OPTION', `${name}="${raw}": expected a whole number of at least 1`);
  }
  return n;
}
