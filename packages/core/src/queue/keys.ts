/**
 * The Redis keys of one run, all under one prefix, so a run's keys expire together and `shard queue
 * clear` removes exactly one run. The `{…}` hash tag keeps them in one slot on a Redis Cluster, where a
 * Lua script may only touch keys of one slot.
 */

/** The keys of one run's queue. */
export interface QueueKeys {
  prefix: string;
  /** JSON: the seed's fingerprint, unit count and time (set once, `SET NX` semantics inside the seed script). */
  seed: string;
  /** List: the units not yet claimed, next first. */
  pending: string;
  /** Sorted set: units being run, scored by their lease's deadline (ms, the server's clock). */
  leases: string;
  /** Hash: unit → the job holding it. */
  owner: string;
  /** Hash: unit → the job that acknowledged it (set once). */
  acked: string;
  /** Hash: unit → how many jobs died holding it. */
  kills: string;
  /** Set: units that killed two jobs: reported failed, never re-queued. */
  failed: string;
  /** Hash: `job` → JSON list of the units it acknowledged, in order: what a re-run of that job replays. */
  ledger: string;
  /** Hash: `job:seq` → JSON of the batch that claim returned, so a retried claim gets the same batch. */
  claims: string;
}

/** The keys of run `runId`. */
export function queueKeys(runId: string): QueueKeys {
  const prefix = `shardwise:{${runId}}:`;
  const key = (name: string) => `${prefix}${name}`;
  return {
    prefix,
    seed: key('seed'),
    pending: key('pending'),
    leases: key('leases'),
    owner: key('owner'),
    acked: key('acked'),
    kills: key('kills'),
    failed: key('failed'),
    ledger: key('ledger'),
    claims: key('claims'),
  };
}

/** Every key of a run, in the order the scripts take them (`KEYS[1]` … `KEYS[9]`). */
export function keyList(keys: QueueKeys): string[] {
  return [
    keys.seed,
    keys.pending,
    keys.leases,
    keys.owner,
    keys.acked,
    keys.kills,
    keys.failed,
    keys.ledger,
    keys.claims,
  ];
}
