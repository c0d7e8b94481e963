import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  lines,
  ok,
  readReports,
  removeFixtures,
  shard,
  vitest,
  type Result,
} from './helpers.js';

// Issue 19: a file whose fork died did not run. The report says so, the exactly-once proof fails and names
// it, and `shard files --failed` lists it for the retry; a file that failed while loading ran, and failed.

afterAll(removeFixtures);

describe('a Vitest fork killed in the middle of a file', () => {
  let dir: string;
  let merged: Result;

  beforeAll(async () => {
    dir = await copyFixture('crash');
    for (const spec of ['1/2', '2/2']) {
      const r = await vitest(dir, ['run', `--shard=${spec}`]);
      expect(r.stderr).toMatch(/shardwise: shard \d\/2/);
    }
    merged = await shard(dir, ['merge', '--no-history']);
  });

  it('is reported interrupted because its fork crashed; a file that threw while loading is a failure', async () => {
    const files = [...(await readReports(dir)).values()].flatMap((r) => r.files);
    expect(files.find((f) => f.file === 'tests/crash.test.ts')).toMatchObject({
      status: 'interrupted',
      unfinished: 'crashed',
    });
    expect(files.find((f) => f.file === 'tests/throws.test.ts')).toMatchObject({ status: 'failed' });
    expect(files.find((f) => f.file === 'tests/throws.test.ts')?.unfinished).toBeUndefined();
  });

  it('fails the proof: shard merge exits 1 and names the file', () => {
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).not.toMatch(/Coverage verified/);
    expect(lines(merged.stderr)).toEqual([
      expect.stringMatching(
        /^error tests\/crash\.test\.ts: started by shard [12] but did not finish \(its worker crashed\), so it did not run$/,
      ),
    ]);
  });

  it('is listed by shard files --failed, with the file that failed to load', async () => {
    const r = await shard(dir, ['files', '--failed', path.join(dir, '.shardwise/reports')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(['tests/crash.test.ts', 'tests/throws.test.ts']);
  });
});

describe('a local unsharded run whose report lies among the shards', () => {
  it('is named in a warning and left out of the merge (Vitest writes it with no plan)', async () => {
    const dir = await copyFixture('basic');
    for (const spec of ['1/2', '2/2']) ok(await vitest(dir, ['run', `--shard=${spec}`]));
    ok(await vitest(dir, ['run']));
    const reports = [...(await readReports(dir)).keys()];
    expect(reports).toContain('vitest-full.json');
    const r = await shard(dir, ['merge', '--no-history']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Merged 2 report\(s\)/);
    expect(r.stdout).toContain('Coverage verified');
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^warning \.shardwise\/reports\/vitest-full\.json is the report of an unsharded run .*: left out of this merge/,
      ),
    ]);
  });
});

describe('a shard that runs a piece of a split file', () => {
  it('says under the summary how many of the skipped tests are the other pieces', async () => {
    const dir = await copyFixture('split');
    // A first, unsharded run records per-test times; with them the plan splits tests/big.test.ts. Planned
    // by the files' sums (no wall model learned from one job on a loaded machine), as split.test.ts does.
    ok(await vitest(dir, ['run']));
    ok(await shard(dir, ['merge', '--no-history']));
    const storeFile = path.join(dir, 'shard-timings.json');
    const store = JSON.parse(await fs.readFile(storeFile, 'utf8')) as { model?: unknown };
    delete store.model;
    await fs.writeFile(storeFile, JSON.stringify(store));
    await fs.rm(path.join(dir, '.shardwise'), { recursive: true });

    const seen: number[] = [];
    for (const i of [1, 2, 3]) {
      const r = ok(
        await vitest(dir, ['run', `--shard=${i}/3`, '--reporter=json', `--outputFile=s${i}.json`]),
      );
      const json = JSON.parse(await fs.readFile(path.join(dir, `s${i}.json`), 'utf8')) as {
        numPendingTests: number;
      };
      const report = [...(await readReports(dir)).values()].find((x) => x.shard?.index === i)!;
      const piece = report.files.find((f) => f.piece !== undefined);
      const said = lines(r.stderr).filter((l) => l.includes('belong to the other pieces'));
      if (!piece) {
        expect(said).toEqual([]);
        continue;
      }
      const others = piece.otherTests!.length;
      // The fixture skips no test of its own: every skip Vitest counts here is another piece's test.
      expect(json.numPendingTests).toBe(others);
      expect(said).toEqual([
        `shardwise: ${others} of the skipped tests above belong to the other pieces of tests/big.test.ts (piece ${piece.piece}/${piece.of}), which other shards run: left to them, not skipped`,
      ]);
      seen.push(i);
    }
    expect(seen.length).toBeGreaterThan(1);
  });
});
