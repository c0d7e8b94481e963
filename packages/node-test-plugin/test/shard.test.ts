import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseStore, type TimingStore } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, readReports, removeFixtures, REPORTER, shard, type Result } from './helpers.js';

afterAll(removeFixtures);

/** `shard run --shard I/N -- node --test --test-reporter=@shardwise/node-test [args]`. */
function runShard(dir: string, spec: string, args: string[] = []): Promise<Result> {
  return shard(dir, ['run', '--shard', spec, '--', process.execPath, '--test', REPORTER, ...args]);
}

async function readStore(dir: string): Promise<TimingStore> {
  return parseStore(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8'));
}

describe('shard run -- node --test, then shard merge, then shard plan', () => {
  let dir: string;
  let reports: string;
  let merged: Result;

  beforeAll(async () => {
    dir = await copyFixture('basic');
    reports = path.join(dir, '.shardwise/reports');
    for (const spec of ['1/2', '2/2']) {
      const r = await runShard(dir, spec);
      expect(r.code, r.stderr).toBe(0);
    }
    merged = await shard(dir, ['merge', reports, '--no-history']);
  });

  it("runs each shard's files, and each report carries the shard and the plan", async () => {
    const [one, two] = await readReports(reports);
    expect([one!.shard, two!.shard]).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(one!.plan?.fingerprint).toBe(two!.plan?.fingerprint);
    expect(one!.files.map((f) => f.file)).toEqual([...one!.plan!.shards[0]!].sort());
    expect(two!.files.map((f) => f.file)).toEqual([...two!.plan!.shards[1]!].sort());
  });

  it('merge proves every file ran exactly once and learns their times and the job clock', async () => {
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(
      /Coverage verified: all 4 planned files ran exactly once across 2 shard\(s\)/,
    );
    const store = await readStore(dir);
    const ran = (await readReports(reports)).flatMap((r) => r.files);
    expect(Object.fromEntries([...store.files].map(([k, v]) => [k, v.durationMs]))).toEqual(
      Object.fromEntries(ran.map((f) => [f.file, f.durationMs])),
    );
    expect([...(store.models?.keys() ?? [])]).toEqual(['node-test']);
  });

  it('the next plan uses the learned times and model', async () => {
    const plan = await shard(dir, ['plan', '--shards', '2', '--json', '--runner', 'node-test']);
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as {
      unknownFiles: string[];
      totalMs: number;
      wall?: { startupMs: number };
      shards: { files: string[] }[];
    };
    const store = await readStore(dir);
    expect(json.unknownFiles).toEqual([]);
    expect(json.totalMs).toBe([...store.files.values()].reduce((sum, f) => sum + f.durationMs, 0));
    expect(json.wall?.startupMs).toBe(store.models?.get('node-test')?.startupMs);
    expect(json.shards.flatMap((s) => s.files).sort()).toEqual([...store.files.keys()].sort());
  });

  it('a run filtered by --test-name-pattern teaches no file time and no job clock', async () => {
    const before = await readStore(dir);
    await fs.rm(reports, { recursive: true });
    for (const spec of ['1/2', '2/2']) {
      const r = await runShard(dir, spec, ['--test-name-pattern=cart']);
      expect(r.code, r.stderr).toBe(0);
    }
    const files = (await readReports(reports)).flatMap((r) => r.files);
    expect(files.map((f) => [f.file, f.filtered]).sort()).toEqual(
      [...before.files.keys()].sort().map((k) => [k, true]),
    );
    const r = await shard(dir, ['merge', reports, '--no-history']);
    expect(r.code, r.stderr).toBe(0);
    const after = await readStore(dir);
    for (const [key, entry] of before.files) expect(after.files.get(key)?.durationMs).toBe(entry.durationMs);
    expect(after.models?.get('node-test')).toEqual(before.models?.get('node-test'));
  });
});
