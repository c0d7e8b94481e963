/**
 * Group 2 of the issue: `--shard=i/3` runs every file exactly once across the three shards, each shard is
 * exactly what `shard files --shard i/3` prints for the same files and store, the planned balance holds,
 * and files run longest first. The store holds the fixture's sleeps, so the plan is known exactly.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@shardwise/core';
import {
  copyFixture,
  filesRun,
  ok,
  readReports,
  removeFixtures,
  shard,
  sleepOf,
  testFiles,
  vitest,
} from './helpers.js';

afterAll(removeFixtures);

const SHARDS = [1, 2, 3] as const;

describe('--shard=i/3', () => {
  let dir: string;
  let files: string[];
  const ran = new Map<number, string[]>();
  const expected = new Map<number, string[]>();
  let reports: Map<string, RunReport>;

  beforeAll(async () => {
    dir = await copyFixture('basic');
    files = await testFiles(dir);
    const store = {
      version: 1,
      files: Object.fromEntries(files.map((f) => [f, { durationMs: sleepOf(f), samples: 1 }])),
    };
    await fs.writeFile(path.join(dir, 'shard-timings.json'), JSON.stringify(store));
    // The three jobs of a CI matrix, in parallel; one worker each, so the start order is the run order.
    const results = await Promise.all(
      SHARDS.map((i) =>
        vitest(dir, [
          'run',
          `--shard=${i}/3`,
          '--no-file-parallelism',
          '--reporter=json',
          `--outputFile=ran-${i}.json`,
        ]),
      ),
    );
    results.forEach(ok);
    for (const i of SHARDS) {
      ran.set(i, await filesRun(dir, `ran-${i}.json`));
      const listed = ok(
        await shard(
          dir,
          [
            'files',
            '--shard',
            `${i}/3`,
            '--root',
            dir,
            '--timings',
            'shard-timings.json',
            '--files-from',
            '-',
          ],
          files.join('\n') + '\n',
        ),
      );
      expected.set(i, listed.stdout.split('\n').filter(Boolean));
    }
    reports = await readReports(dir);
  });

  it('runs every file exactly once across the shards', () => {
    const all = SHARDS.flatMap((i) => ran.get(i)!);
    expect(all.slice().sort()).toEqual(files);
  });

  it.each(SHARDS)('shard %i/3 runs exactly the files `shard files --shard %i/3` prints', (i) => {
    expect(ran.get(i)!.slice().sort()).toEqual(expected.get(i)!.slice().sort());
  });

  it('holds the planned balance: the slowest shard sleeps within 10% of the ideal', () => {
    const sums = SHARDS.map((i) => ran.get(i)!.reduce((sum, f) => sum + sleepOf(f), 0));
    const ideal = sums.reduce((a, b) => a + b, 0) / SHARDS.length;
    expect(Math.max(...sums)).toBeLessThanOrEqual(ideal * 1.1);
  });

  it.each(SHARDS)('shard %i/3 runs its files longest first', (i) => {
    const sleeps = ran.get(i)!.map(sleepOf);
    expect(sleeps).toEqual(sleeps.slice().sort((a, b) => b - a));
  });

  it('writes one report per shard under one plan, each with the files it ran', () => {
    const sharded = [...reports.values()];
    expect(sharded.map((r) => r.shard)).toEqual(SHARDS.map((i) => ({ index: i, count: 3 })));
    const [first] = sharded;
    for (const r of sharded) {
      expect(r.plan).toEqual(first!.plan);
      expect(r.files.map((f) => f.file)).toEqual(ran.get(r.shard!.index)!.slice().sort());
    }
    expect(first!.plan).toMatchObject({ shardCount: 3 });
    expect(first!.plan!.partial).toBeUndefined();
    expect(first!.plan!.shards.map((s) => s.slice().sort())).toEqual(
      SHARDS.map((i) => expected.get(i)!.slice().sort()),
    );
  });

  it('makes `vitest list --shard=2/3` list the shard', async () => {
    const listed = ok(await vitest(dir, ['list', '--shard=2/3', '--json']));
    const json = JSON.parse(listed.stdout) as { file: string }[];
    const listedFiles = [...new Set(json.map((t) => path.relative(dir, t.file).split(path.sep).join('/')))];
    expect(listedFiles.sort()).toEqual(expected.get(2)!.slice().sort());
  });
});

describe('more shards than files', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await copyFixture('basic');
  });

  it('passes a planned-empty shard with --passWithNoTests and reports it (no store: by estimate)', async () => {
    const result = ok(await vitest(dir, ['run', '--shard=16/16', '--passWithNoTests']));
    expect(result.stderr).toMatch(
      /^shardwise: no timing store at shard-timings\.json; planned 15 files by estimate/m,
    );
    const [report, ...rest] = (await readReports(dir)).values();
    expect(rest).toEqual([]);
    expect(report).toMatchObject({ shard: { index: 16, count: 16 }, files: [] });
    // The plan lists shards up to the last that can hold a file: shard 16 of 15 files is empty.
    expect(report!.plan).toMatchObject({ shardCount: 16 });
    expect(report!.plan!.shards[15] ?? []).toEqual([]);
  });

  it('says to add --passWithNoTests when it is missing', async () => {
    const result = await vitest(dir, ['run', '--shard=16/16']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^shardwise: 16 shards for 15 test files: add --passWithNoTests/m);
  });
});
