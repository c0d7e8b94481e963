/**
 * Group 3 of the issue: recording survives a `--reporter` flag on the command line, a workspace of two
 * projects shards and records both, and a truncated store fails with one clear line.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, ok, readReports, removeFixtures, vitest } from './helpers.js';

afterAll(removeFixtures);

describe('--reporter=dot on the command line', () => {
  it('replaces the configured reporters but not the recording, next to a blob report', async () => {
    const dir = await copyFixture('basic');
    const result = ok(await vitest(dir, ['run', '--shard=1/2', '--reporter=dot', '--reporter=blob']));
    expect(result.stdout).not.toMatch(/✓ tests\//); // the default reporter is gone
    const reports = [...(await readReports(dir)).values()];
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ runner: 'vitest', shard: { index: 1, count: 2 } });
    expect(reports[0]!.files.length).toBe(reports[0]!.plan!.shards[0]!.length);
    expect(reports[0]!.files.every((f) => f.status === 'passed' && f.durationMs > 0)).toBe(true);

    // Merging the blobs re-reports recorded results: it neither plans nor writes a report.
    const merged = ok(await vitest(dir, ['--merge-reports', '--reporter=dot']));
    expect(merged.stderr).not.toMatch(/shardwise:/);
    expect([...(await readReports(dir)).values()]).toEqual(reports);
  });
});

describe('a workspace of two projects', () => {
  const all = [
    'alpha|alpha/tests/sleep-100-a.test.ts',
    'alpha|alpha/tests/sleep-100-b.test.ts',
    'alpha|alpha/tests/sleep-300.test.ts',
    'beta|beta/tests/sleep-150.test.ts',
    'beta|beta/tests/sleep-250.test.ts',
    'beta|beta/tests/sleep-50.test.ts',
  ];

  it('keys files by project and path from the Vitest root, and shards and records both projects', async () => {
    const dir = await copyFixture('workspace');
    const results = await Promise.all([1, 2].map((i) => vitest(dir, ['run', `--shard=${i}/2`])));
    results.forEach(ok);
    const reports = [...(await readReports(dir)).values()];
    expect(reports.map((r) => r.shard!.index).sort()).toEqual([1, 2]);
    const ran = reports.flatMap((r) => r.files.map((f) => f.file));
    expect(ran.sort()).toEqual(all);
    // Both jobs planned the same thing, and each ran its own part of it.
    expect(reports[0]!.plan).toEqual(reports[1]!.plan);
    for (const r of reports) {
      expect(r.files.map((f) => f.file)).toEqual(r.plan!.shards[r.shard!.index - 1]!.slice().sort());
    }
  });
});

describe('a truncated store', () => {
  it('fails the run with one clear line and writes no report', async () => {
    const dir = await copyFixture('basic');
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      '{\n  "version": 1,\n  "files": {\n    "tests/sleep-600.test.ts": { "durationMs": 6',
    );
    const result = await vitest(dir, ['run', '--shard=1/3']);
    expect(result.code).toBe(2);
    const output = result.stdout + result.stderr;
    const lines = output.split('\n').filter((line) => line.includes('shard-timings.json'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^shardwise: .*shard-timings\.json: invalid JSON at line 4, column \d+: .*; fix it, or delete it to plan by estimate$/,
    );
    expect(output).not.toMatch(/❯|\bat .*sequencer|Unhandled/); // no stack frames, no error box
    expect(await readReports(dir)).toEqual(new Map());
  });
});
