/**
 * The queue against a real redis-server (started on a free port, stopped by its pid): atomic claims,
 * exactly-once acknowledgement, dead jobs, ledgers, restarts and connection faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../test/redis-server.js';
import { ShardwiseError } from '../src/base/errors.js';
import { parseQueueUrl, RedisQueue, runQueueJob, type QueueJobOptions } from '../src/public/queue.js';

let server: RedisServer;
let runs = 0;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

const units = Array.from({ length: 30 }, (_, i) => `tests/u${String(i).padStart(2, '0')}.test.ts`);
const open = (runId: string, extra: { leaseMs?: number; url?: string; reconnectMs?: number } = {}) =>
  RedisQueue.open({
    address: parseQueueUrl(extra.url ?? server.url),
    runId,
    leaseMs: extra.leaseMs ?? 5000,
    ...(extra.reconnectMs === undefined ? {} : { reconnectMs: extra.reconnectMs }),
  });
const record = (fingerprint = 'fp1', by = '1') => ({
  fingerprint,
  units: units.length,
  by,
  createdAt: new Date(0).toISOString(),
});
const jobOptions = (
  queue: RedisQueue,
  runId: string,
  job: number,
  run: QueueJobOptions['runBatch'],
): QueueJobOptions => ({
  queue,
  runId,
  attempt: 1,
  job,
  jobs: 3,
  fingerprint: 'fp1',
  units,
  unitMs: 10,
  startupMs: 0,
  runBatch: run,
  now: () => performance.now() | 0,
});
const caught = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('queue on a real redis-server', () => {
  it('seeds once; a different plan under the same run id names both fingerprints', async () => {
    const runId = `seed-${++runs}`;
    const [a, b] = await Promise.all([open(runId), open(runId)]);
    const results = await Promise.all([a.seed(record('fp1', '1'), units), b.seed(record('fp1', '2'), units)]);
    expect(results.filter((r) => r.seeded)).toHaveLength(1);
    expect((await a.status())!.pending).toBe(units.length);
    const error = await caught(b.seed(record('fp2', '2'), units));
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).code).toBe('QUEUE_MISMATCH');
    expect((error as Error).message).toMatch(/plan fp1 .* this job planned fp2/);
    expect((await a.status())!.ttlSeconds).toBeGreaterThan(24 * 3600 - 60);
    await Promise.all([a.clear(), a.close(), b.close()]);
  });

  it('three jobs at once acknowledge every unit exactly once; status and clear see one run only', async () => {
    const runId = `jobs-${++runs}`;
    const other = `other-${++runs}`;
    const queues = await Promise.all([open(runId), open(runId), open(runId), open(other)]);
    await queues[3].seed(record(), ['x.test.ts']);
    const ran: string[] = [];
    const results = await Promise.all(
      [1, 2, 3].map((job) =>
        runQueueJob(
          jobOptions(queues[job - 1]!, runId, job, async (batch) => {
            ran.push(...batch);
            await new Promise((r) => setTimeout(r, 5));
            return 0;
          }),
        ),
      ),
    );
    const acked = results.flatMap((r) => r.record.acked);
    expect([...acked].sort()).toEqual(units);
    expect([...ran].sort()).toEqual(units);
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
    const status = (await queues[0].status())!;
    expect(status).toMatchObject({ pending: 0, running: 0, acked: units.length, failed: [] });
    expect(status.jobs.reduce((s, j) => s + j.acked, 0)).toBe(units.length);
    expect(await queues[0].clear()).toBeGreaterThan(0);
    expect(await queues[0].status()).toBeUndefined();
    expect((await queues[3].status())!.pending).toBe(1);
    await queues[3].clear();
    await Promise.all(queues.map((q) => q.close()));
  });

  it("a dead job's units go back to the queue; a unit that killed two jobs is failed, not re-queued", async () => {
    const runId = `dead-${++runs}`;
    const queue = await open(runId, { leaseMs: 200 });
    await queue.seed(record(), ['killer', 'ok1', 'ok2']);
    // Jobs 1 and 2 claim and die (no heartbeat, no ack).
    expect(await queue.claim('1', '1:1:1', 1)).toMatchObject({ kind: 'batch', units: ['killer'] });
    await new Promise((r) => setTimeout(r, 300));
    expect(await queue.claim('2', '2:1:1', 1)).toMatchObject({ kind: 'batch', units: ['killer'] });
    await new Promise((r) => setTimeout(r, 300));
    // Job 3 finds it failed, and runs the rest.
    const first = await queue.claim('3', '3:1:1', 5);
    expect(first).toMatchObject({ kind: 'batch', units: ['ok1', 'ok2'] });
    expect(await queue.failedUnits()).toEqual(['killer']);
    expect(await queue.ack('3', ['ok1', 'ok2'])).toEqual(['ok', 'ok']);
    expect(await queue.claim('3', '3:1:2', 5)).toEqual({ kind: 'done' });
    await queue.clear();
    await queue.close();
  });

  it('a late acknowledgement of a unit another job finished names that job; a retried claim gets the same batch', async () => {
    const runId = `late-${++runs}`;
    const queue = await open(runId, { leaseMs: 150 });
    await queue.seed(record(), ['a', 'b']);
    const claim = await queue.claim('1', '1:1:1', 1);
    expect(await queue.claim('1', '1:1:1', 1)).toEqual(claim);
    await new Promise((r) => setTimeout(r, 250));
    expect(await queue.claim('2', '2:1:1', 1)).toMatchObject({ units: ['a'] });
    expect(await queue.ack('2', ['a'])).toEqual(['ok']);
    expect(await queue.ack('1', ['a'])).toEqual(['2']);
    await queue.clear();
    await queue.close();
  });

  it("a heartbeat keeps a slow batch its job's", async () => {
    const runId = `beat-${++runs}`;
    const [a, b] = await Promise.all([open(runId, { leaseMs: 150 }), open(runId, { leaseMs: 150 })]);
    const slow = runQueueJob({
      ...jobOptions(a, runId, 1, async () => {
        await new Promise((r) => setTimeout(r, 600));
        return 0;
      }),
      units: ['only'],
      jobs: 2,
    });
    await new Promise((r) => setTimeout(r, 100));
    const other = await runQueueJob({
      ...jobOptions(b, runId, 2, () => Promise.resolve(0)),
      units: ['only'],
      jobs: 2,
    });
    const done = await slow;
    expect(done.record.acked).toEqual(['only']);
    expect(other.record.acked).toEqual([]);
    expect(other.record.waitMs).toBeGreaterThan(0);
    await a.clear();
    await Promise.all([a.close(), b.close()]);
  });

  it('a re-run of a job replays exactly the units it acknowledged before', async () => {
    const runId = `replay-${++runs}`;
    const queue = await open(runId);
    const first = await runQueueJob({ ...jobOptions(queue, runId, 1, () => Promise.resolve(1)), jobs: 1 });
    expect(first.exitCode).toBe(1);
    const seen: string[][] = [];
    const again = await runQueueJob({
      ...jobOptions(queue, runId, 1, (b) => {
        seen.push(b);
        return Promise.resolve(0);
      }),
      jobs: 1,
      attempt: 2,
    });
    expect(seen).toEqual([first.record.acked]);
    expect(again.record).toMatchObject({ replayed: true, acked: first.record.acked, attempt: 2 });
    await queue.clear();
    await queue.close();
  });
});

describe('connection faults', () => {
  it('an unreachable server fails at once, exit 3, password redacted', async () => {
    const error = await caught(open('x', { url: `redis://:hunter2@127.0.0.1:${server.port + 1}` }));
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).kind).toBe('environment');
    expect((error as Error).message).toMatch(/^queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot connect/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('a wrong password and a TLS URL to a plain server fail with one redacted line', async () => {
    const locked = await startRedis({ password: 'right' });
    try {
      const wrong = await caught(open('x', { url: `redis://:wrongpw@127.0.0.1:${locked.port}` }));
      expect((wrong as ShardwiseError).code).toBe('QUEUE_UNREACHABLE');
      expect((wrong as Error).message).toMatch(/WRONGPASS|NOAUTH|invalid/i);
      expect((wrong as Error).message).not.toContain('wrongpw');
      const ok = await open('x', { url: locked.url });
      await ok.close();
      const tls = await caught(open('x', { url: `rediss://:right@127.0.0.1:${locked.port}` }));
      expect((tls as ShardwiseError).code).toBe('QUEUE_UNREACHABLE');
      expect((tls as Error).message).toMatch(/^queue rediss:\/\/:\*\*\*@/);
      expect((tls as Error).message).not.toContain('right@');
    } finally {
      await locked.stop();
    }
  });

  it('a restart with persistence: the job reconnects and nothing is lost or run twice', async () => {
    const persisted = await startRedis({ persist: true });
    try {
      const runId = `restart-${++runs}`;
      const queue = await open(runId, { url: persisted.url });
      const ran: string[] = [];
      let restarted = false;
      const result = await runQueueJob({
        ...jobOptions(queue, runId, 1, async (batch) => {
          ran.push(...batch);
          if (!restarted && ran.length >= 10) {
            restarted = true;
            await persisted.restart();
          }
          return 0;
        }),
        jobs: 1,
      });
      expect(restarted).toBe(true);
      expect([...ran].sort()).toEqual(units);
      expect([...result.record.acked].sort()).toEqual(units);
      await queue.close();
    } finally {
      await persisted.stop();
    }
  });

  it('a restart that loses the data fails the job loudly (QUEUE_LOST), never runs from nothing', async () => {
    const volatile = await startRedis();
    try {
      const runId = `lost-${++runs}`;
      const queue = await open(runId, { url: volatile.url });
      let restarted = false;
      const error = await caught(
        runQueueJob({
          ...jobOptions(queue, runId, 1, async () => {
            if (!restarted) {
              restarted = true;
              await volatile.restart();
            }
            return 0;
          }),
          jobs: 1,
        }),
      );
      expect((error as ShardwiseError).code).toBe('QUEUE_LOST');
      await queue.close();
    } finally {
      await volatile.stop();
    }
  });

  it('a server that stays down past the reconnect window fails the job (exit 3)', async () => {
    const gone = await startRedis();
    const runId = `gone-${++runs}`;
    const queue = await open(runId, { url: gone.url, reconnectMs: 300 });
    const error = await caught(
      runQueueJob({
        ...jobOptions(queue, runId, 1, async () => {
          await gone.stop();
          return 0;
        }),
        jobs: 1,
      }),
    );
    expect((error as ShardwiseError).code).toBe('QUEUE_UNREACHABLE');
    expect((error as ShardwiseError).kind).toBe('environment');
    await queue.close();
  });
});
