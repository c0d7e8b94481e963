/**
 * `shard run --queue`, `shard queue` and the queue proof of `shard merge`, as the built bin, against a real
 * redis-server started on a free port and stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../test/redis-server.js';
import { BIN, removeTempDirs, runBin, storeText, tempDir, type Result } from './helpers.js';

let server: RedisServer;
let locked: RedisServer;
beforeAll(async () => {
  [server, locked] = await Promise.all([startRedis(), startRedis({ password: 'right' })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), locked?.stop()]);
  await removeTempDirs();
});

const FILES = Array.from({ length: 9 }, (_, i) => `tests/t${i + 1}.test.js`);
// Stands in for a test runner that takes exact paths: "runs" each file (a pause) and logs it.
const RUNNER = `import { appendFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  await new Promise((r) => setTimeout(r, Number(process.env.MS ?? 20)));
  appendFileSync('ran.log', process.env.JOB + ' ' + f + '\\n');
}
`;

async function project(): Promise<string> {
  return tempDir({
    'package.json': '{"type":"module"}',
    'run-files.js': RUNNER,
    'shard-timings.json': storeText(Object.fromEntries(FILES.map((f, i) => [f, 100 * (i + 1)]))),
    ...Object.fromEntries(FILES.map((f) => [f, '// a test file\n'])),
  });
}

const queueEnv = (runId: string, extra: Record<string, string> = {}) => ({
  SHARDWISE_QUEUE: server.url,
  SHARDWISE_RUN_ID: runId,
  SHARDWISE_QUEUE_LEASE_MS: '1000',
  ...extra,
});
const job = (dir: string, index: number, of: number, env: Record<string, string>) =>
  runBin(
    [
      'run',
      '--queue',
      '--shard',
      `${index}/${of}`,
      'tests/*.test.js',
      '--',
      process.execPath,
      'run-files.js',
    ],
    {
      cwd: dir,
      env: { ...env, JOB: String(index) },
    },
  );
const ranLines = async (dir: string) =>
  (await fs.readFile(path.join(dir, 'ran.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const merge = (dir: string) => runBin(['merge', '--no-history'], { cwd: dir });

describe('shard run --queue', () => {
  it('three jobs run every file once, and shard merge proves each acknowledged exactly once', async () => {
    const dir = await project();
    const env = queueEnv('three');
    const results = await Promise.all([1, 2, 3].map((i) => job(dir, i, 3, env)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ran = (await ranLines(dir)).map((l) => l.split(' ')[1]);
    expect([...ran].sort()).toEqual([...FILES].sort());
    const merged = await merge(dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(
      /Queue verified: all 9 units of run three \(plan [0-9a-f]{8}\) acknowledged exactly once across 3 job\(s\)/,
    );
    expect(merged.stdout).toMatch(/Job\s+Units\s+Batches\s+Wall\s+Waiting/);
    const rows = [...merged.stdout.matchAll(/^\s+(\d)\/3\s+(\d+)\s+(\d+)/gm)].map((m) => Number(m[2]));
    expect(rows.reduce((a, b) => a + b, 0)).toBe(9);
    // The longest unit (the store's t9) is claimed first.
    const reports = await fs.readdir(path.join(dir, '.shardwise/reports'));
    const firsts = await Promise.all(
      reports.map(
        async (f) =>
          JSON.parse(await fs.readFile(path.join(dir, '.shardwise/reports', f), 'utf8')) as {
            queue: { batches: { units: string[] }[] };
          },
      ),
    );
    expect(firsts.map((r) => r.queue.batches[0]?.units[0])).toContain('tests/t9.test.js');

    const status = await runBin(['queue', 'status', '--json'], { cwd: dir, env });
    expect(JSON.parse(status.stdout)).toMatchObject({ runId: 'three', pending: 0, running: 0, acked: 9 });
    const cleared = await runBin(['queue', 'clear'], { cwd: dir, env });
    expect(cleared.stdout).toMatch(
      /^Removed the queue of run three on redis:\/\/127\.0\.0\.1:\d+ \(\d+ keys\)/,
    );
    expect((await runBin(['queue', 'status'], { cwd: dir, env })).stdout).toMatch(/^No queue for run three/);
  });

  it('a job killed with SIGKILL mid-batch: its held units go to the others, and the merge still proves exactly once', async () => {
    const dir = await project();
    const env = queueEnv('killed', { MS: '300' });
    // Job 1 alone at first; it is killed, with its command, in its second batch.
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--queue', '--shard', '1/3', 'tests/*.test.js', '--', process.execPath, 'run-files.js'],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', ...env, JOB: '1' },
        detached: true,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 400 && (await ranLines(dir)).length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const before = (await ranLines(dir)).length;
    expect(before).toBeGreaterThanOrEqual(2);
    const rest = await Promise.all([2, 3].map((i) => job(dir, i, 3, { ...env, MS: '20' })));
    for (const r of rest) expect(r.code, r.stderr).toBe(0);
    const merged = await merge(dir);
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/all 9 units of run killed .* acknowledged exactly once/);
    // Every file ran; what ran twice is only what job 1 was running when it was killed (never acknowledged).
    const ran = (await ranLines(dir)).map((l) => l.split(' ')[1]!);
    expect(new Set(ran)).toEqual(new Set(FILES));
  });

  it('a re-run of a job (the next attempt) runs exactly the files it acknowledged before', async () => {
    const dir = await project();
    const env = queueEnv('rerun');
    const first = await Promise.all([1, 2].map((i) => job(dir, i, 2, env)));
    for (const r of first) expect(r.code, r.stderr).toBe(0);
    const byJob2 = (await ranLines(dir)).filter((l) => l.startsWith('2 ')).map((l) => l.slice(2));
    await fs.rm(path.join(dir, 'ran.log'));
    const again = await job(dir, 2, 2, { ...env, SHARDWISE_RUN_ATTEMPT: '2' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `a re-run of this job: running the ${byJob2.length} units it acknowledged before`,
    );
    expect((await ranLines(dir)).map((l) => l.slice(2)).sort()).toEqual([...byJob2].sort());
    const merged = await merge(dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/2\/2 \(attempt 2, replayed\)/);
  });

  it('two runs in parallel on one server stay apart', async () => {
    const [a, b] = await Promise.all([project(), project()]);
    const results = await Promise.all([
      ...[1, 2].map((i) => job(a, i, 2, queueEnv('par-a'))),
      ...[1, 2].map((i) => job(b, i, 2, queueEnv('par-b'))),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (const dir of [a, b]) {
      expect([...(await ranLines(dir)).map((l) => l.split(' ')[1])].sort()).toEqual([...FILES].sort());
      expect((await merge(dir)).code).toBe(0);
    }
  });

  it('another plan under the same run id is exit 2 naming both plans', async () => {
    const dir = await project();
    const env = queueEnv('mismatch');
    expect((await job(dir, 1, 2, env)).code).toBe(0);
    const other = await runBin(
      ['run', '--queue', '--shard', '2/2', 'tests/t1.test.js', '--', process.execPath, 'run-files.js'],
      {
        cwd: dir,
        env,
      },
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /seeded by job 1 from plan [0-9a-f]{8} \(9 units\), but this job planned [0-9a-f]{8} \(1 units\)/,
    );
  });

  it.each<[string, (port: number) => Record<string, string>, RegExp]>([
    [
      'an unreachable server',
      (port) => ({ SHARDWISE_QUEUE: `redis://:hunter2@127.0.0.1:${port + 1}` }),
      /cannot connect \(connect ECONNREFUSED/,
    ],
    [
      'a wrong password',
      () => ({ SHARDWISE_QUEUE: `redis://127.0.0.1:${locked.port}`, SHARDWISE_QUEUE_PASSWORD: 'hunter2' }),
      /cannot connect \(.*(AUTH|password)/i,
    ],
  ])(
    '%s fails at once: exit 3, one line, the password never printed, no file run',
    async (_name, envOf, why) => {
      const dir = await project();
      const r: Result = await job(dir, 1, 2, { SHARDWISE_RUN_ID: 'x', ...envOf(server.port) });
      expect(r.code).toBe(3);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(why);
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await ranLines(dir)).toEqual([]);
    },
  );
});
