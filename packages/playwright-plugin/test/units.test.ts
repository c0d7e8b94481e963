import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyProject, playwright, readReports, removeProjects, shard, UNITS } from './helpers.js';

afterAll(removeProjects);

describe.each(['current', 'oldest'] as const)('units, Playwright %s', (version) => {
  it('a test of a parallel file is a unit; serial, beforeAll and default groups and plain files are one each; setup projects none', async () => {
    const dir = await copyProject('units', version);
    const plan = path.join(dir, 'plan.json');
    const listed = await playwright(dir, ['--list', '--shard=1/2'], { SHARDWISE_PLAN_OUT: plan });
    expect(listed.stderr).toContain('pinned plan');
    expect(listed.code).toBe(0);
    const pinned = JSON.parse(await fs.readFile(plan, 'utf8')) as { shards: { files: string[] }[] };
    expect(pinned.shards.flatMap((s) => s.files).sort()).toEqual(UNITS);
    // `--list` runs nothing, so it records nothing.
    await expect(fs.readdir(path.join(dir, '.shardwise/reports'))).rejects.toThrow(/ENOENT/);
  });
});

describe('a pinned plan of test units', () => {
  it('each shard runs exactly its units of the plan, and `shard merge` proves every unit ran once', async () => {
    const dir = await copyProject('units');
    const plan = path.join(dir, 'plan.json');
    const listed = await playwright(dir, ['--list', '--shard=1/2'], { SHARDWISE_PLAN_OUT: plan });
    expect(listed.code).toBe(0);
    const pinned = JSON.parse(await fs.readFile(plan, 'utf8')) as { shards: { files: string[] }[] };
    const runs = await Promise.all(
      // Each job its own output folder: Playwright empties it at start, which would race with the other.
      [1, 2].map((i) =>
        playwright(dir, [`--shard=${i}/2`, `--output=results-${i}`], { SHARDWISE_PLAN: plan }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr + run.stdout).toBe(0);
    const reports = [...(await readReports(path.join(dir, '.shardwise/reports'))).values()];
    expect(reports.map((r) => r.shard?.index).sort()).toEqual([1, 2]);
    for (const report of reports) {
      const planned = pinned.shards[report.shard!.index - 1]!.files;
      expect(report.files.map((f) => f.file).sort()).toEqual([...planned].sort());
    }
    const merged = await shard(dir, ['merge', '--timings', 'store.json', '.shardwise/reports']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`all ${UNITS.length} planned files ran exactly once across 2 shard(s)`);
  });
});
