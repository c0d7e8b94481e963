import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardwiseError } from '../src/base/errors.js';
import {
  batchSize,
  describeQueueProof,
  parseQueueUrl,
  proveQueue,
  queueRunOf,
  redact,
  seedOrder,
  type QueueJobRecord,
} from '../src/public/queue.js';

describe('queueRunOf', () => {
  it.each([
    [
      'GitHub',
      { GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' },
      undefined,
      { runId: 'github-42', attempt: 2, source: 'GITHUB_RUN_ID' },
    ],
    [
      'GitLab',
      { CI_PIPELINE_ID: '7' },
      undefined,
      { runId: 'gitlab-7', attempt: 1, source: 'CI_PIPELINE_ID' },
    ],
    [
      'Buildkite retry 0 is attempt 1',
      { BUILDKITE_BUILD_ID: 'abc-1', BUILDKITE_RETRY_COUNT: '0' },
      undefined,
      { runId: 'buildkite-abc-1', attempt: 1, source: 'BUILDKITE_BUILD_ID' },
    ],
    [
      'CircleCI',
      { CIRCLE_WORKFLOW_ID: 'w-1' },
      undefined,
      { runId: 'circleci-w-1', attempt: 1, source: 'CIRCLE_WORKFLOW_ID' },
    ],
    [
      'SHARDWISE_RUN_ID beats the CI',
      { SHARDWISE_RUN_ID: 'mine', GITHUB_RUN_ID: '42' },
      undefined,
      { runId: 'mine', attempt: 1, source: 'SHARDWISE_RUN_ID' },
    ],
    [
      '--run-id beats the environment',
      { SHARDWISE_RUN_ID: 'mine' },
      'flag',
      { runId: 'flag', attempt: 1, source: '--run-id' },
    ],
  ])('%s', (_name, env, flag, expected) => {
    expect(queueRunOf(flag, env)).toEqual(expected);
  });

  it.each([
    ['no run id', {}, /needs a run id/],
    ['a run id with a space', { SHARDWISE_RUN_ID: 'a b' }, /SHARDWISE_RUN_ID="a b": expected 1 to 128/],
    ['a bad attempt', { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: 'x' }, /GITHUB_RUN_ATTEMPT="x"/],
  ])('%s is an input error', (_name, env, message) => {
    const error = (() => {
      try {
        queueRunOf(undefined, env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).kind).toBe('input');
    expect((error as Error).message).toMatch(message);
  });
});

describe('parseQueueUrl', () => {
  it.each([
    ['plain', 'redis://localhost:6379', undefined, { tls: false, display: 'redis://localhost:6379' }],
    [
      'TLS',
      'rediss://cache.example:6380/1',
      undefined,
      { tls: true, display: 'rediss://cache.example:6380/1' },
    ],
    [
      'password in the URL',
      'redis://:s3cret@h:1',
      undefined,
      { tls: false, password: 's3cret', display: 'redis://:***@h:1' },
    ],
    [
      'user and password',
      'redis://u:p%40ss@h:1',
      undefined,
      { tls: false, password: 'p@ss', display: 'redis://u:***@h:1' },
    ],
    [
      'password from the environment',
      'redis://h:1',
      'envpw',
      { tls: false, password: 'envpw', display: 'redis://h:1' },
    ],
  ])('%s', (_name, url, env, expected) => {
    expect(parseQueueUrl(url, env)).toMatchObject(expected);
  });

  it.each([
    ['http', 'http://:hunter2@h:1'],
    ['not a URL', 'hunter2 localhost'],
  ])('%s is refused, with the password redacted', (_name, url) => {
    expect(() => parseQueueUrl(url, 'hunter2')).toThrow(/expected redis:\/\/host:port/);
    try {
      parseQueueUrl(url, 'hunter2');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('redacts raw and URL-encoded secrets', () => {
    expect(redact('a p@ss b p%40ss c', ['p@ss'])).toBe('a *** b *** c');
  });
});

describe('batchSize', () => {
  it.each([
    ['start-up sets the batch', { remaining: 400, jobs: 4, startupMs: 2000, unitMs: 500 }, 16],
    ['the tail is shared', { remaining: 6, jobs: 4, startupMs: 2000, unitMs: 500 }, 1],
    ['no start-up: one unit', { remaining: 400, jobs: 4, startupMs: 0, unitMs: 500 }, 1],
    ['at least the workers', { remaining: 400, jobs: 4, startupMs: 0, unitMs: 500, minimum: 3 }, 3],
    ['never more than what is left', { remaining: 2, jobs: 1, startupMs: 0, unitMs: 1, minimum: 8 }, 2],
    ['nothing left', { remaining: 0, jobs: 4, startupMs: 10, unitMs: 1 }, 0],
  ])('%s', (_name, input, expected) => {
    expect(batchSize(input)).toBe(expected);
  });

  it('stays within 1..remaining and never grows as the queue empties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (remaining, jobs, startupMs, unitMs) => {
          const size = batchSize({ remaining, jobs, startupMs, unitMs });
          expect(size).toBeGreaterThanOrEqual(1);
          expect(size).toBeLessThanOrEqual(remaining);
          expect(batchSize({ remaining: remaining - 1, jobs, startupMs, unitMs })).toBeLessThanOrEqual(size);
        },
      ),
    );
  });
});

it('seedOrder puts the longest first, ties by path', () => {
  expect(
    seedOrder([
      { unit: 'b', ms: 5 },
      { unit: 'a', ms: 5 },
      { unit: 'c', ms: 9 },
    ]),
  ).toEqual(['c', 'a', 'b']);
});

describe('proveQueue', () => {
  const units = ['a', 'b', 'c', 'd'];
  const job = (index: number, acked: string[], extra: Partial<QueueJobRecord> = {}): QueueJobRecord => ({
    runId: 'r',
    attempt: 1,
    job: index,
    jobs: 2,
    fingerprint: 'f',
    units,
    acked,
    batches: [{ units: acked, startMs: 0, endMs: 10 }],
    waitMs: 3,
    ...extra,
  });

  it.each([
    ['every unit once', [job(1, ['a', 'b']), job(2, ['c', 'd'])], []],
    [
      'a unit no job acknowledged',
      [job(1, ['a', 'b']), job(2, ['c'])],
      ['1 unit(s) of the queue were acknowledged by no job: d'],
    ],
    [
      'a job with no report',
      [job(1, ['a', 'b'])],
      ['2 unit(s) of the queue were acknowledged by no job (no report from job(s) 2 of 2): c, d'],
    ],
    [
      'a unit that killed two jobs',
      [job(1, ['a', 'b', 'c'], { failed: ['d'] }), job(2, [])],
      ['1 unit(s) killed two jobs and were not run again (failed): d'],
    ],
    [
      'twice',
      [job(1, ['a', 'b', 'c']), job(2, ['c', 'd'])],
      ['c was acknowledged by jobs 1 and 2: the reports come from two runs of the queue'],
    ],
    [
      'a unit outside the seed',
      [job(1, ['a', 'b', 'x']), job(2, ['c', 'd'])],
      ["job 1 acknowledged x, which the queue's seed does not hold"],
    ],
    [
      "a killed job's batch in flight counts for it",
      [job(1, ['a'], { finishing: ['b'] }), job(2, ['c', 'd'])],
      [],
    ],
    [
      'unless another job acknowledged it',
      [job(1, ['a'], { finishing: ['b'] }), job(2, ['b', 'c', 'd'])],
      [],
    ],
    [
      'a re-run replaces its first attempt',
      [job(1, ['a', 'b']), job(2, ['c']), job(2, ['c', 'd'], { attempt: 2, replayed: true })],
      [],
    ],
  ])('%s', (_name, records, problems) => {
    const proof = proveQueue(records.map((queue) => ({ queue, wallMs: 100 })));
    expect(describeQueueProof(proof)).toEqual(problems);
    expect(proof.ok).toBe(problems.length === 0);
  });

  it('shows per job its units, wall and wait', () => {
    const proof = proveQueue([{ queue: job(2, ['c', 'd']), wallMs: 50 }, { queue: job(1, ['a', 'b']) }]);
    expect(proof.rows).toEqual([
      { job: 1, attempt: 1, units: 2, batches: 1, wallMs: undefined, waitMs: 3, replayed: false },
      { job: 2, attempt: 1, units: 2, batches: 1, wallMs: 50, waitMs: 3, replayed: false },
    ]);
  });
});

describe('what loads the Redis client', () => {
  // ioredis is CommonJS: once imported, it is in the CommonJS module cache.
  const loadsClient = (code: string) =>
    new Promise<string>((resolve, reject) => {
      const script = `${code}\nconst { createRequire } = await import('node:module');\nconst cache = createRequire(import.meta.url).cache;\nprocess.stdout.write(String(Object.keys(cache).some((k) => k.includes('/ioredis/'))));`;
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: packageDir },
        (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
      );
    });
  const packageDir = fileURLToPath(new URL('..', import.meta.url));

  it.each(['@shardwise/core', '@shardwise/core/light', '@shardwise/core/planning', '@shardwise/core/queue'])(
    'importing %s does not',
    async (entry) => {
      expect(await loadsClient(`await import('${entry}');`)).toBe('false');
    },
  );

  it('opening a queue does', async () => {
    const code = `const q = await import('@shardwise/core/queue');\nawait q.RedisQueue.open({ address: q.parseQueueUrl('redis://127.0.0.1:1'), runId: 'x' }).catch(() => {});`;
    expect(await loadsClient(code)).toBe('true');
  });
});
