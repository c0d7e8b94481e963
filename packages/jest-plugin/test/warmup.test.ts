import path from 'node:path';
import { observeJob, readStoreFile, type RunReport } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, readReports, removeFixtures, shardCli, sleepOf } from './helpers.js';

// A worker's warming up that Jest runs after its setup files: the fixture's `setupFilesAfterEnv` takes
// 1,500 ms the first time in a process and nothing after, as loading a test framework into a cold worker
// does. In band (one worker, `--runInBand`) and on two workers, the file that paid it is stored without it.

/** The warm-up the fixture's `setupFilesAfterEnv` costs a process's first file. */
const WARM_UP_MS = 1500;

afterAll(removeFixtures);

describe.each([
  { name: 'in band', args: ['--runInBand'] },
  { name: 'on two workers', args: ['--maxWorkers=2'] },
])('a worker warming up in setupFilesAfterEnv, $name', ({ args }) => {
  let dir: string;
  let report: RunReport;

  beforeAll(async () => {
    dir = await copyFixture('warmup');
    const run = await jest(dir, args);
    expect(run.code, run.stderr).toBe(0);
    report = (await readReports(path.join(dir, '.shardwise', 'reports')))[0]!;
    const history = ['--history', path.join(dir, 'shard-history.json')];
    const timings = ['--timings', path.join(dir, 'shard-timings.json')];
    const merged = await shardCli(['merge', ...history, ...timings, path.join(dir, '.shardwise', 'reports')]);
    expect(merged.code, merged.stderr).toBe(0);
  }, 60_000);

  it('records the warm-up as the runner’s share of the first file, not as its import', () => {
    const firsts = observeJob(report)!.firstFiles;
    expect(firsts.size).toBe(report.job!.workers);
    for (const f of report.files.filter((f) => firsts.has(f.file))) {
      expect(f.environmentMs).toBeGreaterThanOrEqual(WARM_UP_MS);
      // What is left before its first test is the file's own import: a require of a small helper.
      expect(f.setupMs! - f.environmentMs!).toBeLessThan(WARM_UP_MS);
    }
  });

  it('stores each first file without the warm-up, and every file at no less than its own sleep', async () => {
    const store = (await readStoreFile(path.join(dir, 'shard-timings.json')))!;
    const firsts = observeJob(report)!.firstFiles;
    for (const f of report.files) {
      const stored = store.files.get(f.file)!.durationMs;
      expect(stored).toBeGreaterThanOrEqual(sleepOf(f.file) - 2);
      if (firsts.has(f.file)) expect(stored).toBeLessThan(f.durationMs - WARM_UP_MS / 2);
    }
    expect(store.models!.get('jest')!.workerStartupMs).toBeGreaterThanOrEqual(WARM_UP_MS / 2);
  });
});
