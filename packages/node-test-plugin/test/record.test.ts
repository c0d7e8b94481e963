import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  nodeTest,
  readReports,
  removeFixtures,
  REPORTER,
  withoutTimes,
  type Result,
} from './helpers.js';

afterAll(removeFixtures);

describe('node --test --test-reporter=@shardwise/node-test, unsharded', () => {
  let dir: string;
  let run: Result;

  beforeAll(async () => {
    dir = await copyFixture('basic');
    run = await nodeTest(dir, [REPORTER]);
  });

  it("prints Node's own spec output", async () => {
    expect(run.code, run.stderr).toBe(0);
    const spec = await nodeTest(dir, ['--test-reporter=spec'], { SHARDWISE_RECORD: '0' });
    expect(withoutTimes(run.stdout)).toBe(withoutTimes(spec.stdout));
    expect(run.stdout).toMatch(/^ℹ tests 10$/m);
  });

  it('records every file with its process time, outcome and tests by their full names', async () => {
    const [report, ...others] = await readReports(path.join(dir, '.shardwise/reports'));
    expect(others).toEqual([]);
    expect(report).toMatchObject({ runner: 'node-test', job: { workers: expect.any(Number) } });
    expect(report!.shard).toBeUndefined();
    expect(report!.files.map((f) => [f.file, f.status])).toEqual([
      ['test/also-fast.test.mjs', 'passed'],
      ['test/fast.test.mjs', 'passed'],
      ['test/medium.test.mjs', 'passed'],
      ['test/slow.test.mjs', 'passed'],
    ]);
    const medium = report!.files[2]!;
    // Subtests are the tests; a test with subtests is their group, as a suite is.
    expect(medium.tests?.map((t) => t.name)).toEqual([
      'cart adds',
      'cart removes > one item',
      'cart removes > all items',
    ]);
    const slow = report!.files[3]!;
    expect(slow.tests?.map((t) => [t.name, t.status])).toEqual([
      ['slow > waits', 'passed'],
      ['slow > is skipped', 'skipped'],
      ['slow > is to do', 'skipped'],
    ]);
    for (const file of report!.files) {
      // A file's time is its process's, so it holds its tests'; it lies on the job's timeline.
      const tests = file.tests!.reduce((sum, t) => sum + t.durationMs, 0);
      expect(file.durationMs).toBeGreaterThanOrEqual(tests);
      expect(file.startMs).toBeLessThanOrEqual(file.endMs!);
      expect(file.endMs).toBeLessThanOrEqual(report!.job!.wallMs);
    }
  });

  it('writes no report with SHARDWISE_RECORD=0', async () => {
    const bare = await copyFixture('basic');
    const r = await nodeTest(bare, [REPORTER], { SHARDWISE_RECORD: '0' });
    expect(r.code, r.stderr).toBe(0);
    await expect(readReports(path.join(bare, '.shardwise/reports'))).rejects.toThrow(/ENOENT/);
  });

  it('ends the run with one line and exit 2 on an invalid setting', async () => {
    const r = await nodeTest(dir, [REPORTER], { SHARDWISE_RECORD: 'maybe' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^shardwise: SHARDWISE_RECORD/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
