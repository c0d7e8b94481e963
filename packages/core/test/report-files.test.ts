import { execFileSync } from 'node:child_process';
import { closeSync, constants, promises as fs, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFilesWith } from '../src/public/index.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-reports-'));
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => fs.writeFile(path.join(dir, `${i}.txt`), String(i))),
  );
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('readFilesWith', () => {
  it('keeps input order and reports progress', async () => {
    const files = Array.from({ length: 40 }, (_, i) => path.join(dir, `${39 - i}.txt`));
    const progress: number[] = [];
    const result = await readFilesWith(files, (text, file) => `${path.basename(file)}=${text}`, {
      concurrency: 3,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(result).toEqual(files.map((f) => `${path.basename(f)}=${path.basename(f, '.txt')}`));
    expect(progress).toHaveLength(40);
    expect(progress.at(-1)).toBe(1);
  });

  // Named pipes make the reads slow and visible: a read opens its pipe, then waits until the test writes to
  // it and closes it; and the test can open a pipe for writing without waiting only while a read has it open.
  it.skipIf(process.platform === 'win32')(
    'never has more than `concurrency` reads under way at once',
    async () => {
      const concurrency = 2;
      const pipes = Array.from({ length: 8 }, (_, i) => path.join(dir, `${i}.pipe`));
      execFileSync('mkfifo', pipes);
      const reading = readFilesWith(pipes, (text) => text, { concurrency });
      const underWay = new Map<string, number>(); // pipe → the test's writing end
      const done = new Set<string>();
      let most = 0;
      const look = () => {
        for (const pipe of pipes) {
          if (underWay.has(pipe) || done.has(pipe)) continue;
          try {
            // Synchronous: the blocked reads hold threads of libuv's pool, which an async open would wait for.
            underWay.set(pipe, openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error; // ENXIO: no reader yet
          }
        }
        most = Math.max(most, underWay.size);
      };
      while (done.size < pipes.length) {
        // Wait until as many reads as allowed are under way, then a while longer for any beyond the limit.
        const allowed = Math.min(concurrency, pipes.length - done.size);
        for (let i = 0; i < 500 && underWay.size < allowed; i++) {
          await sleep(5);
          look();
        }
        for (let i = 0; i < 5; i++) {
          await sleep(5);
          look();
        }
        expect(underWay.size, 'a read under way').toBeGreaterThan(0);
        // Finish the oldest read: its text is the pipe's name.
        const [pipe, fd] = [...underWay][0]!;
        writeSync(fd, path.basename(pipe));
        closeSync(fd);
        underWay.delete(pipe);
        done.add(pipe);
      }
      expect(await reading).toEqual(pipes.map((p) => path.basename(p)));
      expect(most).toBe(concurrency);
    },
  );

  it('names an unreadable file', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(readFilesWith([missing], (t) => t)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`${missing}: no such report`),
    });
  });
});
