import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, readReports, removeFixtures, REPORTER, shard, type Result } from './helpers.js';

afterAll(removeFixtures);

// A file whose process ended mid-way did not run: Node calls it one failed test, the report calls it
// unfinished, and the exactly-once proof names it.
describe('a test file that exits or is killed mid-way', () => {
  let dir: string;
  let merged: Result;

  beforeAll(async () => {
    dir = await copyFixture('crash');
    for (const spec of ['1/2', '2/2']) {
      const r = await shard(dir, ['run', '--shard', spec, '--', process.execPath, '--test', REPORTER]);
      expect(r.code).toBe(1);
    }
    merged = await shard(dir, ['merge', '.shardwise/reports', '--no-history']);
  });

  it('is reported unfinished, not passed or failed; a file with a failing test is failed', async () => {
    const files = (await readReports(path.join(dir, '.shardwise/reports'))).flatMap((r) => r.files);
    const by = Object.fromEntries(files.map((f) => [f.file, [f.status, f.unfinished]]));
    expect(by).toEqual({
      'test/exits.test.mjs': ['interrupted', 'crashed'],
      'test/killed.test.mjs': ['interrupted', 'crashed'],
      'test/fails.test.mjs': ['failed', undefined],
      'test/passes.test.mjs': ['passed', undefined],
    });
  });

  it('fails the proof: shard merge exits 1 and names both files', () => {
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).not.toMatch(/Coverage verified/);
    for (const file of ['test/exits.test.mjs', 'test/killed.test.mjs']) {
      expect(merged.stderr).toMatch(
        new RegExp(
          `^error ${file}: started by shard [12] but did not finish \\(.*crashed\\), so it did not run$`,
          'm',
        ),
      );
    }
  });
});
