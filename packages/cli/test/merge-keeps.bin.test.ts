import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// What `shard merge` keeps: every merge that exits 0 is in both the store and the history, exactly once.

/** A report of one unsharded run (the `i`th) of `file`, whose one test took `durationMs`. */
function report(i: number, file = `src/m${i}.test.ts`, durationMs = 1000 + i): string {
  return JSON.stringify({
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    createdAt: new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString(),
    commit: `build-${i}`,
    files: [{ file, durationMs, status: 'passed', tests: [{ name: 'works', durationMs, status: 'passed' }] }],
  });
}

interface StoreJson {
  files: Record<string, { durationMs: number }>;
}
interface HistoryJson {
  runs: { reports: string[] }[];
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

describe('shard merge (spawned): concurrent merges into one store and history', () => {
  const MERGES = 8;

  it.each([1, 2, 3])(`${MERGES} merges at once keep every run and every duration (try %i)`, async () => {
    const files = Object.fromEntries(
      Array.from({ length: MERGES }, (_, i) => [`reports-${i}/jest.json`, report(i)]),
    );
    const dir = await tempDir(files);
    const results = await Promise.all(
      Array.from({ length: MERGES }, (_, i) =>
        runBin(
          ['merge', '--timings', 'shard-timings.json', '--history', 'shard-history.json', `reports-${i}`],
          {
            cwd: dir,
          },
        ),
      ),
    );
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const store = await readJson<StoreJson>(path.join(dir, 'shard-timings.json'));
    expect(Object.fromEntries(Object.entries(store.files).map(([file, e]) => [file, e.durationMs]))).toEqual(
      Object.fromEntries(Array.from({ length: MERGES }, (_, i) => [`src/m${i}.test.ts`, 1000 + i])),
    );
    const history = await readJson<HistoryJson>(path.join(dir, 'shard-history.json'));
    expect(history.runs).toHaveLength(MERGES);
    expect(history.runs.flatMap((r) => r.reports).sort()).toEqual(
      Array.from(
        { length: MERGES },
        (_, i) => `jest full - ${new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString()}`,
      ).sort(),
    );
    // No lock or temporary file is left behind.
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('.') || f.endsWith('.lock'))).toEqual([]);
  });
});

describe('shard merge (spawned): the store and the history move together', () => {
  const merge = (dir: string, reports: string, history = 'shard-history.json') =>
    runBin(['merge', '--timings', 'shard-timings.json', '--history', history, reports], { cwd: dir });
  /** Two pipelines' reports of one file, the second slower: applied twice, it would move the store again. */
  const reports = {
    'first/jest.json': report(1, 'src/a.test.ts', 1000),
    'second/jest.json': report(2, 'src/a.test.ts', 3000),
  };
  // Root can write any file whatever its mode; an immutable file (chattr +i) cannot be replaced even by root.
  const chattr = (flag: '+i' | '-i', file: string) =>
    execFileSync('chattr', [flag, file], { stdio: 'ignore' });

  /** The store and history bytes after merging both pipelines once each, one after the other. */
  async function once(history = 'shard-history.json'): Promise<[string, string]> {
    const dir = await tempDir(reports);
    for (const r of ['first', 'second']) expect((await merge(dir, r, history)).code).toBe(0);
    return bytes(dir, history);
  }
  const bytes = (dir: string, history = 'shard-history.json') =>
    Promise.all([
      fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8'),
      fs.readFile(path.join(dir, history), 'utf8'),
    ]);

  it.each(['shard-history.json', 'shard-timings.json'])(
    'with %s unreplaceable, a merge fails (exit 3, one line) and changes neither file; run again, it applies each report once',
    async (locked) => {
      const dir = await tempDir(reports);
      expect((await merge(dir, 'first')).code).toBe(0);
      const before = await bytes(dir);
      chattr('+i', path.join(dir, locked));
      let failed;
      try {
        failed = await merge(dir, 'second');
      } finally {
        chattr('-i', path.join(dir, locked));
      }
      expect(failed.code).toBe(3);
      expect(failed.stderr).toMatch(
        new RegExp(`^error .*/${locked.replace('.', '\\.')}: cannot write \\(.*\\)\\n$`),
      );
      expect(await bytes(dir)).toEqual(before);
      expect((await merge(dir, 'second')).code).toBe(0);
      expect(await bytes(dir)).toEqual(await once());
      expect((await fs.readdir(dir)).filter((f) => f.startsWith('.') || f.endsWith('.lock'))).toEqual([]);
    },
  );

  it('a history whose new content cannot be written at all leaves the store as it was', async () => {
    // 250 characters: the file and its lock name fit in a file name (255), its temporary file does not.
    const history = `${'h'.repeat(245)}.json`;
    const dir = await tempDir(reports);
    const failed = await merge(dir, 'first', history);
    expect(failed.code).toBe(3);
    expect(failed.stderr.split('\n')).toHaveLength(2);
    await expect(fs.readFile(path.join(dir, 'shard-timings.json'))).rejects.toThrow(/ENOENT/);
  });
});
