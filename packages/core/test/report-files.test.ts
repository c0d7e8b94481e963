import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  it('keeps input order, reports progress, and never reads more than `concurrency` at once', async () => {
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

  it('names an unreadable file', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(readFilesWith([missing], (t) => t)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`${missing}: no such report`),
    });
  });
});
