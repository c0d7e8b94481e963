/**
 * Test-level splits on the real Vitest (≥ 4.1): a file that sets the floor runs as pieces on several
 * shards, and every test runs exactly once, as Vitest's own JSON reporter tells, also after tests were
 * added, removed and renamed since the store was written; `shard merge` proves it at test level.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStore, type RunReport } from '@shardwise/core';
import { copyFixture, ok, readReports, removeFixtures, shard, vitest } from './helpers.js';

afterAll(removeFixtures);

const SHARDS = [1, 2, 3] as const;

interface VitestJson {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs the three shards in parallel; returns, per test (`file: full name`), the shards that ran it. */
async function runShards(dir: string, tag: string): Promise<Map<string, number[]>> {
  const results = await Promise.all(
    SHARDS.map((i) =>
      vitest(dir, ['run', `--shard=${i}/3`, '--reporter=json', `--outputFile=${tag}-${i}.json`]),
    ),
  );
  results.forEach(ok);
  const ranBy = new Map<string, number[]>();
  for (const i of SHARDS) {
    const json = JSON.parse(await fs.readFile(path.join(dir, `${tag}-${i}.json`), 'utf8')) as VitestJson;
    for (const file of json.testResults) {
      for (const test of file.assertionResults) {
        if (test.status !== 'passed' && test.status !== 'failed') continue;
        const key = `${path.basename(file.name)}: ${test.fullName}`;
        ranBy.set(key, [...(ranBy.get(key) ?? []), i]);
      }
    }
  }
  return ranBy;
}

/**
 * Drops the wall model `shard merge` learned from the recorded jobs: learned from a job or two on a loaded
 * machine, its start-up and gap per file make the split decision depend on the load. Here the decision must
 * split, so it plans with the files' sums (core's properties cover planning with a model).
 */
async function dropModel(dir: string): Promise<void> {
  const file = path.join(dir, 'shard-timings.json');
  const store = JSON.parse(await fs.readFile(file, 'utf8')) as { model?: unknown };
  delete store.model;
  await fs.writeFile(file, JSON.stringify(store));
}

/** Every test of `names` ran exactly once, and nothing else ran. */
function expectOnce(ranBy: Map<string, number[]>, names: string[]): void {
  const twice = [...ranBy].filter(([, shards]) => shards.length !== 1);
  expect(twice).toEqual([]);
  expect([...ranBy.keys()].sort()).toEqual([...names].sort());
}

const big = (name: string) => `big.test.ts: ${name}`;
const CASES = Array.from({ length: 18 }, (_, i) => big(`case ${i}`));
const OTHERS = [
  big('regex (chars) [are] escaped? +*$^|{1}'),
  big('fails when asked'),
  big('db reads rows'),
  big('db counts rows'),
  big('outer inner nested'),
  ...['a', 'b', 'c', 'd'].map((x) => `small-${x}.test.ts: small`),
];

describe('test-level splits (Vitest 4.1)', () => {
  let dir: string;
  let first: Map<string, number[]>;
  let reports: Map<string, RunReport>;
  let merged: { code: number | null; stdout: string };

  beforeAll(async () => {
    dir = await copyFixture('split');
    // A first, unsharded run records per-test times; the merge writes them to the store.
    ok(await vitest(dir, ['run']));
    ok(await shard(dir, ['merge']));
    await dropModel(dir);
    await fs.rm(path.join(dir, '.shardwise'), { recursive: true });
    first = await runShards(dir, 'first');
    reports = await readReports(dir);
    merged = await shard(dir, ['merge']);
  });

  it('splits the file that sets the floor across the shards, and runs every test exactly once', () => {
    expectOnce(first, [...CASES, ...OTHERS]);
    const shardsOfBig = new Set(
      [...first].filter(([k]) => k.startsWith('big.test.ts')).flatMap(([, s]) => s),
    );
    expect(shardsOfBig.size).toBeGreaterThan(1);
  });

  it('keeps the tests of a describe with beforeAll in one piece', () => {
    expect(first.get(big('db reads rows'))).toEqual(first.get(big('db counts rows')));
  });

  it('reports list the tests each piece ran, and merge proves them at test level', async () => {
    const pieces = [...reports.values()].flatMap((r) => r.files.filter((f) => f.piece !== undefined));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.flatMap((p) => p.tests!.map((t) => t.name)).sort()).toEqual(
      [...CASES, ...OTHERS.filter((n) => n.startsWith('big'))]
        .map((n) => n.slice('big.test.ts: '.length))
        .map((n) => n.replace(/^db /, 'db > ').replace(/^outer inner /, 'outer > inner > '))
        .sort(),
    );
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(
      /every test of the 1 split file\(s\) ran in exactly one of their \d pieces/,
    );
    const store = parseStore(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8'));
    expect(store.files.get('tests/big.test.ts')?.tests).toHaveLength(23);
    expect(
      store.files.get('tests/big.test.ts')?.tests?.find((t) => t.name === 'db > reads rows')?.group,
    ).toBe('db');
  });

  it('vitest --merge-reports joins the pieces: every test once, a failure in any piece kept', async () => {
    await dropModel(dir);
    const blobs = await Promise.all(
      SHARDS.map((i) =>
        vitest(
          dir,
          ['run', `--shard=${i}/3`, '--reporter=blob', `--outputFile=.vitest-reports/blob-${i}.json`],
          {
            SPLIT_FAIL: '1',
            SHARDWISE_RECORD: '0',
          },
        ),
      ),
    );
    expect(blobs.map((b) => b.code).sort()).toEqual([0, 0, 1]);
    const merged = await vitest(dir, ['--merge-reports', '--reporter=json', '--outputFile=merged.json']);
    expect(merged.code).toBe(1);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'merged.json'), 'utf8')) as VitestJson;
    const bigs = json.testResults.filter((r) => r.name.endsWith('big.test.ts'));
    expect(bigs).toHaveLength(1);
    const statuses = bigs[0]!.assertionResults.map((a) => `${a.fullName}: ${a.status}`);
    expect(statuses.filter((s) => !s.endsWith(': passed'))).toEqual(['fails when asked: failed']);
    expect(statuses).toHaveLength(CASES.length + OTHERS.filter((n) => n.startsWith('big')).length);
    await fs.rm(path.join(dir, '.vitest-reports'), { recursive: true });
  });

  it('still runs every test exactly once after tests were added, removed and renamed', async () => {
    const file = path.join(dir, 'tests/big.test.ts');
    const source = await fs.readFile(file, 'utf8');
    await fs.writeFile(
      file,
      source
        .replace("test('regex (chars) [are] escaped? +*$^|{1}'", "test('renamed test'")
        .replace('for (let i = 0; i < 18; i++)', 'for (let i = 1; i < 18; i++)') +
        "\ntest('added test', () => sleep(40));\n",
    );
    await fs.rm(path.join(dir, '.shardwise'), { recursive: true });
    await dropModel(dir);
    const ranBy = await runShards(dir, 'changed');
    const shardsOfBig = new Set(
      [...ranBy].filter(([k]) => k.startsWith('big.test.ts')).flatMap(([, s]) => s),
    );
    expect(shardsOfBig.size).toBeGreaterThan(1);
    expectOnce(ranBy, [...CASES.slice(1), big('renamed test'), big('added test'), ...OTHERS.slice(1)]);
    const result = await shard(dir, ['merge']);
    expect(result.code).toBe(0);
  });
});
