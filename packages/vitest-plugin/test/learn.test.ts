/**
 * What the store learns from a worker's first file, end to end: the real Vitest on a fixture whose longest
 * file spends 1,200 ms importing and 1,200 ms in its test (beside three 100 ms files), on two workers, run
 * and merged twice (the second run orders it first, from the store).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeJob, readStoreFile, type RunReport } from '@shardwise/core';
import { byFile, copyFixture, ok, readReports, removeFixtures, shard, vitest } from './helpers.js';

/** Each file's own time: its import and its test's sleep. */
const OWN_MS: Record<string, number> = {
  'tests/heavy.test.ts': 2400,
  'tests/light-a.test.ts': 100,
  'tests/light-b.test.ts': 100,
  'tests/light-c.test.ts': 100,
};

let dir: string;
const reports: RunReport[] = [];

beforeAll(async () => {
  dir = await copyFixture('imports');
  for (const round of [1, 2]) {
    const reportsDir = path.join(dir, `reports-${round}`);
    ok(await vitest(dir, ['run', '--maxWorkers', '2'], { SHARDWISE_REPORTS_DIR: reportsDir }));
    reports.push(...(await readReports(dir, reportsDir)).values());
    ok(await shard(dir, ['merge', '--timings', 'shard-timings.json', reportsDir]));
  }
}, 120_000);

afterAll(removeFixtures);

describe('a file that imports for half its time', () => {
  it('sits on the job’s timeline from before its import to its end', () => {
    for (const report of reports) {
      const heavy = byFile(report).get('tests/heavy.test.ts')!;
      expect(heavy.durationMs).toBeGreaterThanOrEqual(2400 - 2);
      // Vitest's own onTestModuleStart comes after the import: the timeline starts before it.
      expect(heavy.endMs! - heavy.startMs!).toBeGreaterThanOrEqual(2400 - 2);
      expect(heavy.setupMs! - heavy.environmentMs!).toBeGreaterThanOrEqual(1200 - 2);
    }
    expect(observeJob(reports[1]!)!.firstFiles.has('tests/heavy.test.ts')).toBe(true);
  });

  it('is stored at no less than its import and its tests, and so is every file', async () => {
    const store = (await readStoreFile(path.join(dir, 'shard-timings.json')))!;
    for (const [file, own] of Object.entries(OWN_MS))
      expect(store.files.get(file)!.durationMs).toBeGreaterThanOrEqual(own - 2);
    // A job whose files sit on its clock leaves little start-up: not the import of its longest file.
    const model = store.models!.get('vitest')!;
    expect(model.workerStartupMs).toBeLessThan(1200);
  });
});
