import path from 'node:path';
import { observeJob, readStoreFile, type RunReport } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, readReports, removeFixtures, shardCli, sleepOf } from './helpers.js';

// What the store learns from a worker's first file, end to end: the real `jest` on a fixture whose longest
// file spends 1,200 ms importing and 1,200 ms in its test (beside three 100 ms files), on two workers, run
// and merged twice (the second run orders it first on its worker, from the store).

/** Each file's own time in the fixture: its import and its tests' sleep. */
const OWN_MS: Record<string, number> = { 'tests/heavy-1200.test.cjs': 2400 };
const ownMs = (file: string) => OWN_MS[file] ?? sleepOf(file);

let dir: string;
const reports: RunReport[] = [];

beforeAll(async () => {
  dir = await copyFixture('imports');
  for (const round of [1, 2]) {
    const reportsDir = path.join(dir, `reports-${round}`);
    const run = await jest(dir, ['--maxWorkers=2'], { SHARDWISE_REPORTS_DIR: reportsDir });
    expect(run.code, run.stderr).toBe(0);
    reports.push(...(await readReports(reportsDir)));
    const history = ['--history', path.join(dir, 'shard-history.json')];
    const merged = await shardCli([
      'merge',
      ...history,
      '--timings',
      path.join(dir, 'shard-timings.json'),
      reportsDir,
    ]);
    expect(merged.code, merged.stderr).toBe(0);
  }
}, 120_000);

afterAll(removeFixtures);

describe('a file that imports for half its time, first on its worker', () => {
  it('is recorded whole, its import outside the environment time', () => {
    for (const report of reports) {
      const heavy = report.files.find((f) => f.file === 'tests/heavy-1200.test.cjs')!;
      expect(heavy.durationMs).toBeGreaterThanOrEqual(2400 - 2);
      // Jest's own marks: the environment and setup files end before the file's import.
      expect(heavy.environmentMs).toBeGreaterThanOrEqual(0);
      expect(heavy.setupMs! - heavy.environmentMs!).toBeGreaterThanOrEqual(1200 - 2);
    }
    // The second run planned it longest first: it started a worker.
    expect(observeJob(reports[1]!)!.firstFiles.has('tests/heavy-1200.test.cjs')).toBe(true);
  });

  it('is stored at no less than its import and its tests, and so is every file', async () => {
    const store = (await readStoreFile(path.join(dir, 'shard-timings.json')))!;
    for (const [file, entry] of store.files) expect(entry.durationMs).toBeGreaterThanOrEqual(ownMs(file) - 2);
    // Worker start-up is learned from Jest's environment marks, never from the file's import.
    expect(store.models!.get('jest')!.workerStartupMs).toBeLessThan(1200);
  });
});
