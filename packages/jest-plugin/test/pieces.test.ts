/**
 * Jest runs pieces of a file through shardwise's test runner (`testRunner: '@shardwise/jest/runner'`):
 * one file of 30 tests × 100 ms beside six small files, learned in one run, then run as three shards.
 * Each test runs in exactly one shard (from Jest's own JSON), a `beforeAll` group stays in one piece, a
 * test added after the store was written runs once (in the last piece), and `shard merge` proves it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, removeFixtures, shardCli } from './helpers.js';

afterAll(removeFixtures);

const GIANT = 'tests/giant.test.cjs';
const ADDED = 'added after the store was written';

interface JestJson {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

describe.each([30, 29] as const)('Jest %i runs pieces of a split file', (version) => {
  let dir: string;
  let store: string;
  let reports: string;
  const ranIn = new Map<string, number[]>();
  let merged: Awaited<ReturnType<typeof shardCli>>;

  it('learns the file and its tests, then splits it across the shards', async () => {
    dir = await copyFixture('pieces');
    store = path.join(dir, 'shard-timings.json');
    reports = path.join(dir, '.shardwise', 'reports');
    const learn = await jest(dir, [], {}, version);
    expect(learn.code, learn.stderr).toBe(0);
    const made = await shardCli(['merge', reports, '--timings', store, '--no-history']);
    expect(made.code, made.stderr).toBe(0);
    await fs.rm(reports, { recursive: true });
    // A test the store does not know: the last piece runs it, and only the last.
    await fs.appendFile(path.join(dir, GIANT), `\ntest('${ADDED}', () => {});\n`);

    for (const shard of [1, 2, 3]) {
      const out = path.join(dir, `out-${shard}.json`);
      const result = await jest(dir, [`--shard=${shard}/3`, '--json', `--outputFile=${out}`], {}, version);
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(await fs.readFile(out, 'utf8')) as JestJson;
      for (const file of json.testResults.filter((r) => r.name.endsWith(GIANT))) {
        for (const a of file.assertionResults) {
          if (a.status !== 'passed') continue;
          ranIn.set(a.fullName, [...(ranIn.get(a.fullName) ?? []), shard]);
        }
      }
    }
    const shardsOfGiant = new Set([...ranIn.values()].flat());
    expect(shardsOfGiant.size).toBeGreaterThanOrEqual(2);
  });

  it('runs every test of the file exactly once, the added one too', () => {
    expect(ranIn.size).toBe(31);
    for (const [name, shards] of ranIn) expect(shards, name).toHaveLength(1);
    expect(ranIn.get(ADDED)).toHaveLength(1);
  });

  it('keeps the tests that share a beforeAll in one piece', () => {
    const group = [...ranIn].filter(([name]) => name.startsWith('shared state')).map(([, s]) => s[0]);
    expect(group).toHaveLength(4);
    expect(new Set(group).size).toBe(1);
  });

  it('proves with shard merge that every test ran in exactly one piece', async () => {
    merged = await shardCli(['merge', reports, '--timings', store, '--no-history']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(
      /Coverage verified: all 6 planned files ran exactly once across 3 shard\(s\)/,
    );
    expect(merged.stdout).toMatch(
      /every test of the 1 split file\(s\) ran in exactly one of their [23] pieces \(tests\/giant\.test\.cjs\)/,
    );
  });

  it('fails the proof when a piece is lost', async () => {
    const names = (await fs.readdir(reports)).sort();
    const reportsOf = await Promise.all(names.map((n) => fs.readFile(path.join(reports, n), 'utf8')));
    const withGiant = names.filter((_, i) => reportsOf[i]!.includes(GIANT));
    const lost = path.join(dir, 'lost');
    await fs.mkdir(lost);
    for (const n of names.filter((n) => n !== withGiant[0]))
      await fs.copyFile(path.join(reports, n), path.join(lost, n));
    const proof = await shardCli(['merge', lost, '--timings', path.join(dir, 'other.json'), '--no-history']);
    expect(proof.code).not.toBe(0);
  });
});
