import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf, formatError, isShardwiseError, withFileLocks } from '../src/public/index.js';

describe('withFileLocks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-lock-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a lock still held after the wait fails in one line naming the lock file and the fix (exit 3)', async () => {
    const file = path.join(dir, 'held.json');
    const error = await withFileLocks([file], () =>
      withFileLocks([file], () => Promise.resolve('never'), { waitMs: 300 }).catch((e: unknown) => e),
    );
    expect(isShardwiseError(error) && exitCodeOf(error)).toBe(3);
    expect(isShardwiseError(error) && formatError(error)).toBe(
      `${file}.lock: still held by another shardwise process after 1s; let it finish, or delete ${file}.lock if no shardwise process is running`,
    );
    // Released once the task ends.
    await expect(fs.stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it('takes over a stale lock left by a crashed process', async () => {
    const file = path.join(dir, 'stale.json');
    await fs.mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 10 * 60_000);
    await fs.utimes(`${file}.lock`, old, old);
    await expect(withFileLocks([file], () => Promise.resolve('ran'), { waitMs: 300 })).resolves.toBe('ran');
  });

  it('runs tasks on one file one after another', async () => {
    const file = path.join(dir, 'counter.json');
    await fs.writeFile(file, '0');
    const bump = () =>
      withFileLocks([file], async () => {
        const n = Number(await fs.readFile(file, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await fs.writeFile(file, String(n + 1));
      });
    await Promise.all(Array.from({ length: 8 }, bump));
    expect(await fs.readFile(file, 'utf8')).toBe('8');
  });
});
