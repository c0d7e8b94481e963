import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, lines, readReports, removeFixtures, shardCli, type Result } from './helpers.js';

// Issue 19: a file whose worker died did not run. The report says so, the exactly-once proof fails and
// names it, and `shard files --failed` lists it for the retry; a file that failed while loading ran.

afterAll(removeFixtures);

describe('a Jest worker killed in the middle of a file', () => {
  let dir: string;
  let reports: string;
  let merged: Result;

  beforeAll(async () => {
    dir = await copyFixture('crash');
    reports = path.join(dir, '.shardwise', 'reports');
    // Two workers: in band, the kill would take Jest's own process (and its report) with it.
    for (const shard of ['1/2', '2/2']) {
      const r = await jest(dir, [`--shard=${shard}`, '--maxWorkers=2']);
      expect(r.stderr).toMatch(/shardwise: shard \d\/2/);
    }
    merged = await shardCli(['merge', reports, '--timings', path.join(dir, 'store.json'), '--no-history']);
  });

  it('is reported interrupted because its worker crashed; a file that threw while loading is not', async () => {
    const files = (await readReports(reports)).flatMap((r) => r.files);
    expect(files.find((f) => f.file === 'tests/crash.test.cjs')).toMatchObject({
      status: 'interrupted',
      unfinished: 'crashed',
    });
    const throws = files.find((f) => f.file === 'tests/throws.test.cjs');
    expect(throws?.unfinished).toBeUndefined();
  });

  it('fails the proof: shard merge exits 1 and names the file', () => {
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).not.toMatch(/Coverage verified/);
    expect(lines(merged.stderr)).toEqual([
      expect.stringMatching(
        /^error tests\/crash\.test\.cjs: started by shard [12] but did not finish \(its worker crashed\), so it did not run$/,
      ),
    ]);
  });

  it('is listed by shard files --failed', async () => {
    const r = await shardCli(['files', '--failed', reports]);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toContain('tests/crash.test.cjs');
  });

  it('with one shard report missing, shard files --failed lists that shard planned files too', async () => {
    const all = await readReports(reports);
    const lost = all.find((r) => !r.files.some((f) => f.file === 'tests/crash.test.cjs'))!;
    const kept = path.join(dir, 'kept');
    await fs.mkdir(kept);
    const names = (await fs.readdir(reports)).sort();
    for (const name of names) {
      if (!name.includes(`shard-${lost.shard!.index}-of-2`))
        await fs.copyFile(path.join(reports, name), path.join(kept, name));
    }
    const r = await shardCli(['files', '--failed', kept]);
    expect(r.code, r.stderr).toBe(0);
    // The planned files of the shard that sent nothing, from the plan the other shard's report carries.
    const planned = lost.plan!.shards[lost.shard!.index - 1]!;
    expect(planned.length).toBeGreaterThan(0);
    const expected = new Set(['tests/crash.test.cjs', ...planned]);
    expect(lines(r.stdout).filter((f) => f !== 'tests/throws.test.cjs')).toEqual(
      [...expected].filter((f) => f !== 'tests/throws.test.cjs').sort(),
    );
  });
});
