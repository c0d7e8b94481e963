/**
 * Group 1 of the issue: a full run records every file's wall time in one report, and `shard merge`
 * turns that report into a store with those durations.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeJob, type RunReport } from '@shardwise/core';
import {
  byFile,
  copyFixture,
  ok,
  readReports,
  removeFixtures,
  shard,
  sleepOf,
  testFiles,
  vitest,
} from './helpers.js';

afterAll(removeFixtures);

describe('a full run', () => {
  let dir: string;
  let files: string[];
  let report: RunReport;

  beforeAll(async () => {
    dir = await copyFixture('basic');
    files = await testFiles(dir);
    ok(await vitest(dir, ['run']));
    const reports = await readReports(dir);
    expect([...reports.keys()]).toEqual(['vitest-full.json']);
    report = reports.get('vitest-full.json')!;
  });

  it('writes one report of every file, with no shard and its own one-shard plan', () => {
    expect(report).toMatchObject({ format: 'shardwise-report', version: 1, runner: 'vitest' });
    expect(report.shard).toBeUndefined();
    // Every runner's unsharded run records the same plan (core's unshardedPlan), so merge can check it.
    expect(report.plan?.shardCount).toBe(1);
    expect([...report.plan!.shards[0]!].sort()).toEqual([...files].sort());
    expect(Date.parse(report.createdAt!)).not.toBeNaN();
    expect(report.files.map((f) => f.file)).toEqual(files);
  });

  it("records the job's wall clock and each file's place on it", () => {
    const job = report.job!;
    expect(job.workers).toBeGreaterThanOrEqual(1);
    expect(Date.parse(job.startedAt!)).not.toBeNaN();
    for (const entry of report.files) {
      // Every file ran inside the job's wall, after the runner started, for at least its tests' sleep.
      expect(entry.startMs).toBeGreaterThan(0);
      expect(entry.endMs! - entry.startMs!).toBeGreaterThanOrEqual(sleepOf(entry.file) - 2);
      expect(entry.endMs).toBeLessThanOrEqual(job.wallMs);
      expect(entry.setupMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('records each file at least as long as its tests sleep, setup included', () => {
    for (const entry of report.files) {
      expect(entry.status).toBe('passed');
      expect(Number.isInteger(entry.durationMs)).toBe(true);
      expect(entry.durationMs).toBeGreaterThanOrEqual(sleepOf(entry.file) - 2);
      // The file's time is more than its tests': environment, import and collection count too.
      const testsMs = entry.tests!.reduce((sum, t) => sum + t.durationMs, 0);
      expect(entry.durationMs).toBeGreaterThanOrEqual(testsMs - 1); // each is rounded
    }
  });

  it('records every test by full name, with its duration and outcome', () => {
    const entry = byFile(report).get('tests/sleep-400.test.ts')!;
    expect(entry.tests!.map((t) => [t.name, t.status])).toEqual([
      ['sleeps 400 ms', 'passed'],
      ['returns at once', 'passed'],
    ]);
    expect(entry.tests![0]!.durationMs).toBeGreaterThanOrEqual(398);
  });

  it('is folded by `shard merge` into a store with those durations', async () => {
    const store = path.join(dir, 'shard-timings.json');
    const merged = ok(await shard(dir, ['merge', '--timings', store, '.shardwise/reports']));
    expect(merged.stdout + merged.stderr).toMatch(/15 added/);
    const stored = JSON.parse(await fs.readFile(store, 'utf8')) as {
      files: Record<string, { durationMs: number; samples: number }>;
    };
    expect(Object.keys(stored.files).sort()).toEqual(files);
    // A worker's first file gives back the environment time it took beyond the other files (the worker
    // warming up, which the wall model keeps per job instead), never more; every other file is stored as
    // measured (one sample: no smoothing yet).
    const job = observeJob(report)!;
    expect(job.firstFiles.size).toBeGreaterThan(0);
    for (const entry of report.files) {
      const { durationMs, samples } = stored.files[entry.file]!;
      expect(samples).toBe(1);
      expect(durationMs).toBeGreaterThanOrEqual(sleepOf(entry.file) - 2);
      if (job.firstFiles.has(entry.file)) {
        expect(durationMs).toBeGreaterThanOrEqual(entry.durationMs - entry.environmentMs!);
        expect(durationMs).toBeLessThanOrEqual(entry.durationMs);
      } else expect(durationMs).toBe(entry.durationMs);
    }
    // The job's fixed costs, learned into the store's wall model.
    const model = (JSON.parse(await fs.readFile(store, 'utf8')) as { model: Record<string, unknown> }).model;
    expect(model['vitest']).toMatchObject({ workers: report.job!.workers, samples: 1 });
  });
});

describe('a run with failures', () => {
  it('records each file and test with its outcome', async () => {
    const dir = await copyFixture('basic');
    await fs.writeFile(
      path.join(dir, 'tests/outcomes.test.ts'),
      [
        "import { expect, test } from 'vitest';",
        "test('passes', () => expect(1).toBe(1));",
        "test('fails', () => expect(1).toBe(2));",
        "test.skip('is skipped', () => {});",
        '',
      ].join('\n'),
    );
    const result = await vitest(dir, ['run', 'tests/outcomes.test.ts', 'tests/sleep-50-a.test.ts']);
    expect(result.code).toBe(1);
    const report = (await readReports(dir)).get('vitest-full.json')!;
    const files = byFile(report);
    expect(files.get('tests/sleep-50-a.test.ts')!.status).toBe('passed');
    const outcomes = files.get('tests/outcomes.test.ts')!;
    expect(outcomes.status).toBe('failed');
    expect(outcomes.tests!.map((t) => [t.name, t.status])).toEqual([
      ['passes', 'passed'],
      ['fails', 'failed'],
      ['is skipped', 'skipped'],
    ]);
  });
});
