import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  emptyStore,
  readStoreFile,
  serializeStore,
  ShardwiseError,
  writeFileAtomic,
  writeFileAtomicSync,
  writeStoreFile,
  type TimingStore,
} from '../src/public/index.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-store-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(dir, { recursive: true, force: true });
});

const store: TimingStore = {
  version: 1,
  files: new Map([
    ['src/b.test.ts', { durationMs: 20, samples: 2 }],
    ['src/a.test.ts', { durationMs: 10, samples: 1 }],
  ]),
};

describe('readStoreFile / writeStoreFile', () => {
  it('gives undefined for a missing file (a first run)', async () => {
    expect(await readStoreFile(path.join(dir, 'nope.json'))).toBeUndefined();
  });

  it('writes the serialized store and reads it back', async () => {
    const file = path.join(dir, 'nested', 'dir', 'shard-timings.json');
    await writeStoreFile(file, store);
    expect(await fs.readFile(file, 'utf8')).toBe(serializeStore(store));
    expect((await readStoreFile(file))!.files).toEqual(store.files);
    expect(await fs.readdir(path.dirname(file))).toEqual(['shard-timings.json']);
  });

  it('names the file in a syntax error', async () => {
    const file = path.join(dir, 'shard-timings.json');
    await fs.writeFile(file, '{"version": 1, "files": {');
    await expect(readStoreFile(file)).rejects.toThrow(`${file}: invalid JSON at line 1, column 26`);
  });

  it('reports a directory in the way as an input error, with the store hint', async () => {
    await expect(readStoreFile(dir)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      hint: { kind: 'store' },
    });
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file in one step', async () => {
    const file = path.join(dir, 'shard-timings.json');
    await writeStoreFile(file, emptyStore());
    await writeStoreFile(file, store);
    expect(await fs.readFile(file, 'utf8')).toBe(serializeStore(store));
    expect(await fs.readdir(dir)).toEqual(['shard-timings.json']);
  });

  it.each([
    { name: 'the rename fails', method: 'rename' as const },
    { name: 'the write fails', method: 'open' as const },
  ])('$name: the old file is intact and no temp file is left', async ({ method }) => {
    const file = path.join(dir, 'shard-timings.json');
    await writeStoreFile(file, store);
    const before = await fs.readFile(file, 'utf8');
    if (method === 'rename') {
      vi.spyOn(fs, 'rename').mockRejectedValueOnce(
        Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }),
      );
    } else {
      // A crash half-way through the write: the handle writes part of the text, then fails.
      const open = fs.open.bind(fs);
      vi.spyOn(fs, 'open').mockImplementationOnce(async (...args: Parameters<typeof fs.open>) => {
        const handle = await open(...args);
        vi.spyOn(handle, 'writeFile').mockImplementationOnce(async (text) => {
          await handle.write(String(text).slice(0, 10));
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        });
        return handle;
      });
    }
    const error = await writeStoreFile(file, emptyStore()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).code).toBe('WRITE_FAILED');
    expect((error as ShardwiseError).kind).toBe('environment');
    expect((error as ShardwiseError).message).toMatch(
      new RegExp(`^${file.replaceAll('\\', '\\\\')}: cannot write`),
    );
    expect((error as ShardwiseError).cause).toBeInstanceOf(Error);
    expect(await fs.readFile(file, 'utf8')).toBe(before);
    expect(await fs.readdir(dir)).toEqual(['shard-timings.json']);
  });

  it('concurrent writers never leave a mixed file', async () => {
    const file = path.join(dir, 'out.json');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(50_000)}\n`);
    await Promise.all(texts.map((t) => writeFileAtomic(file, t)));
    expect(texts).toContain(await fs.readFile(file, 'utf8'));
    expect(await fs.readdir(dir)).toEqual(['out.json']);
  });
});

describe('writeFileAtomicSync', () => {
  it('creates the directory, writes the file and leaves no temp file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-write-'));
    const file = path.join(dir, 'a', 'b', 'report.json');
    writeFileAtomicSync(file, 'one\n');
    writeFileAtomicSync(file, 'two\n');
    expect(await fs.readFile(file, 'utf8')).toBe('two\n');
    expect(await fs.readdir(path.dirname(file))).toEqual(['report.json']);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
