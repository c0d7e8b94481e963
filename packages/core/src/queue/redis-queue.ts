/**
 * The queue's I/O: one connection to Redis (ioredis, loaded on first use so that nothing else in core pays
 * for it), the scripts of {@link ./scripts.ts}, and errors turned into one redacted line each.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { ShardwiseError } from '../base/errors.js';
import { keyList, queueKeys, type QueueKeys } from './keys.js';
import { ACK, CLAIM, HEARTBEAT, SEED } from './scripts.js';
import { redact, type QueueAddress } from './url.js';

/** How a job talks to the queue. */
export interface QueueOptions {
  address: QueueAddress;
  runId: string;
  /** How long the run's keys live after the seed, seconds. @default 86400 (24 h) */
  ttlSeconds?: number;
  /** How long a claimed unit stays a job's without a heartbeat, ms. @default 30000 */
  leaseMs?: number;
  /**
   * How long a job keeps trying to reconnect after the connection dropped mid-run, ms; then it fails
   * (exit 3). The first connection is not retried: an unreachable server fails the job at once.
   * @default 30000
   */
  reconnectMs?: number;
}

/** The seed record every job compares its own plan with. */
export interface SeedRecord {
  fingerprint: string;
  units: number;
  /** The job that seeded the queue (its shard index). */
  by: string;
  createdAt: string;
}

/** What a claim returned. */
export type Claim =
  | { kind: 'batch'; units: string[]; pending: number; running: number }
  | { kind: 'wait'; running: number; nextLeaseEndsMs: number }
  | { kind: 'done' };

/** A run's progress, for `shard queue status`. */
export interface QueueStatus {
  seed: SeedRecord;
  pending: number;
  running: number;
  acked: number;
  failed: string[];
  /** Units each job acknowledged, by job. */
  jobs: { job: string; acked: number }[];
  /** Seconds until the run's keys expire. */
  ttlSeconds: number;
}

type Scripted = Redis & {
  shardwiseSeed(...args: (string | number)[]): Promise<[number, string]>;
  shardwiseClaim(...args: (string | number)[]): Promise<[string, string?, number?, number?, number?]>;
  shardwiseAck(...args: (string | number)[]): Promise<[string, string?]>;
  shardwiseHeartbeat(...args: (string | number)[]): Promise<[string, number?, number?]>;
};

/** An open queue of one run. Close it when done: an open connection keeps the process alive. */
export class RedisQueue {
  readonly keys: QueueKeys;
  readonly leaseMs: number;
  readonly ttlSeconds: number;
  readonly display: string;
  readonly #client: Scripted;
  readonly #secrets: (string | undefined)[];

  private constructor(client: Scripted, options: QueueOptions) {
    this.#client = client;
    this.keys = queueKeys(options.runId);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
    this.display = options.address.display;
    this.#secrets = [options.address.password];
  }

  /**
   * Connects, and fails at once (QUEUE_UNREACHABLE, exit 3) when the server cannot be reached, refuses the
   * password, or does not speak TLS to a `rediss://` URL.
   *
   * @example
   * const queue = await RedisQueue.open({ address: parseQueueUrl('redis://localhost:6379'), runId: 'ci-42' });
   */
  static async open(options: QueueOptions): Promise<RedisQueue> {
    const { Redis } = await import('ioredis');
    const reconnectMs = options.reconnectMs ?? 30_000;
    let ready = false;
    let droppedAt: number | undefined;
    const settings: RedisOptions = {
      lazyConnect: true,
      connectTimeout: 5000,
      // Commands wait through a reconnect (they are queued), but never longer than the reconnect window.
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      ...(options.address.password === undefined ? {} : { password: options.address.password }),
      // A `rediss://` URL turns TLS on in ioredis; nothing to add.
      retryStrategy: (times) => {
        if (!ready) return null;
        droppedAt ??= Date.now();
        if (Date.now() - droppedAt > reconnectMs) return null;
        return Math.min(100 * times, 1000);
      },
    };
    const client = new Redis(options.address.url, settings) as Scripted;
    const errors: Error[] = [];
    client.on('error', (error: Error) => errors.push(error));
    client.on('ready', () => {
      droppedAt = undefined;
    });
    const queue = new RedisQueue(client, options);
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      const why = errors.at(-1) ?? error;
      throw queue.#unreachable('cannot connect', why);
    }
    ready = true;
    client.defineCommand('shardwiseSeed', { numberOfKeys: 9, lua: SEED });
    client.defineCommand('shardwiseClaim', { numberOfKeys: 9, lua: CLAIM });
    client.defineCommand('shardwiseAck', { numberOfKeys: 9, lua: ACK });
    client.defineCommand('shardwiseHeartbeat', { numberOfKeys: 9, lua: HEARTBEAT });
    return queue;
  }

  /**
   * Seeds the queue with `units` (in their order) unless a job did first. A queue seeded from another plan
   * fingerprint under this run id is QUEUE_MISMATCH naming both.
   */
  async seed(record: SeedRecord, units: readonly string[]): Promise<{ seeded: boolean; record: SeedRecord }> {
    const [created, text] = await this.#call(() =>
      this.#client.shardwiseSeed(...keyList(this.keys), JSON.stringify(record), this.ttlSeconds, ...units),
    );
    const found = JSON.parse(text) as SeedRecord;
    if (found.fingerprint !== record.fingerprint) {
      throw new ShardwiseError(
        'QUEUE_MISMATCH',
        `queue ${this.#runName()}: seeded by job ${found.by} from plan ${found.fingerprint.slice(0, 8)} (${found.units} units), but this job planned ${record.fingerprint.slice(0, 8)} (${record.units} units); every job of a run must plan the same files from the same store (pin the plan with --plan), or use another --run-id`,
      );
    }
    return { seeded: created === 1, record: found };
  }

  /** Claims up to `size` units for `job`; `claimId` makes a retried claim return the same batch. */
  async claim(job: string, claimId: string, size: number): Promise<Claim> {
    const reply = await this.#call(() =>
      this.#client.shardwiseClaim(...keyList(this.keys), job, claimId, this.leaseMs, size),
    );
    switch (reply[0]) {
      case 'batch':
        return {
          kind: 'batch',
          units: JSON.parse(reply[1]!) as string[],
          pending: Number(reply[2]),
          running: Number(reply[3]),
        };
      case 'wait':
        return { kind: 'wait', running: Number(reply[3]), nextLeaseEndsMs: Number(reply[4]) };
      case 'done':
        return { kind: 'done' };
      default:
        throw this.#lost();
    }
  }

  /**
   * Acknowledges finished units; returns, per unit, `ok` or the job that acknowledged it first (this job's
   * run of it then was a second one: its lease had run out).
   */
  async ack(job: string, units: readonly string[]): Promise<string[]> {
    if (units.length === 0) return [];
    const reply = await this.#call(() => this.#client.shardwiseAck(...keyList(this.keys), job, ...units));
    if (reply[0] !== 'acked') throw this.#lost();
    return JSON.parse(reply[1]!) as string[];
  }

  /** Renews the leases of the units `job` holds; returns how many it no longer holds. */
  async heartbeat(job: string, units: readonly string[]): Promise<{ renewed: number; lost: number }> {
    if (units.length === 0) return { renewed: 0, lost: 0 };
    const reply = await this.#call(() =>
      this.#client.shardwiseHeartbeat(...keyList(this.keys), job, this.leaseMs, ...units),
    );
    if (reply[0] !== 'renewed') throw this.#lost();
    return { renewed: Number(reply[1]), lost: Number(reply[2]) };
  }

  /** The units `job` acknowledged in this run, in order: what a re-run of the job replays. */
  async ledger(job: string): Promise<string[]> {
    const text = await this.#call(() => this.#client.hget(this.keys.ledger, job));
    return text === null ? [] : (JSON.parse(text) as string[]);
  }

  /** The units that killed two jobs (never re-queued). */
  async failedUnits(): Promise<string[]> {
    return (await this.#call(() => this.#client.smembers(this.keys.failed))).sort();
  }

  /** The run's progress, or undefined when it has no queue (never seeded, expired or cleared). */
  async status(): Promise<QueueStatus | undefined> {
    const k = this.keys;
    const [seed, pending, running, acked, failed, ledgers, ttl] = await this.#call(() =>
      Promise.all([
        this.#client.get(k.seed),
        this.#client.llen(k.pending),
        this.#client.zcard(k.leases),
        this.#client.hlen(k.acked),
        this.#client.smembers(k.failed),
        this.#client.hgetall(k.ledger),
        this.#client.ttl(k.seed),
      ]),
    );
    if (seed === null) return undefined;
    return {
      seed: JSON.parse(seed) as SeedRecord,
      pending,
      running,
      acked,
      failed: failed.sort(),
      jobs: Object.entries(ledgers)
        .map(([job, list]) => ({ job, acked: (JSON.parse(list) as string[]).length }))
        .sort((a, b) => Number(a.job) - Number(b.job) || (a.job < b.job ? -1 : 1)),
      ttlSeconds: ttl,
    };
  }

  /** Deletes the run's keys; returns how many existed. */
  async clear(): Promise<number> {
    return this.#call(() => this.#client.del(...keyList(this.keys)));
  }

  /** Closes the connection (waits for replies in flight). */
  async close(): Promise<void> {
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  /** Runs a command; a connection that is gone for good becomes QUEUE_UNREACHABLE, redacted. */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ShardwiseError) throw error;
      throw this.#unreachable('lost the connection', error);
    }
  }

  #runName(): string {
    return `${this.display} (run ${this.keys.prefix.slice('shardwise:{'.length, -2)})`;
  }

  #unreachable(what: string, error: unknown): ShardwiseError {
    const why = error instanceof Error ? error.message : String(error);
    return new ShardwiseError(
      'QUEUE_UNREACHABLE',
      redact(
        `queue ${this.display}: ${what} (${why}); check SHARDWISE_QUEUE, the password and that the server is up (rediss:// needs a TLS server)`,
        this.#secrets,
      ),
      // No `cause`: a client's error can carry the AUTH command with the password in its arguments,
      // and --verbose prints the cause.
    );
  }

  #lost(): ShardwiseError {
    return new ShardwiseError(
      'QUEUE_LOST',
      `queue ${this.#runName()}: the run's queue is gone mid-run (the server restarted without persistence, the keys expired, or \`shard queue clear\` removed them); nothing can prove which units ran: re-run the whole pipeline under a new run id`,
    );
  }
}
