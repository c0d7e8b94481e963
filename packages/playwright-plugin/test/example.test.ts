import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  copyProject,
  mergeReports,
  playwright,
  readReports,
  removeProjects,
  repo,
  shard,
  testsInJsonReport,
  type JsonReport,
} from './helpers.js';

afterAll(removeProjects);

describe('examples/playwright-basic, three shards at once', () => {
  it('every test runs exactly once (by Playwright’s own JSON report), the blobs merge, and `shard merge` proves it per unit', async () => {
    const dir = await copyProject(path.join(repo, 'examples/playwright-basic'));
    const listed = await playwright(dir, ['--list', '--reporter=json']);
    expect(listed.code, listed.stderr).toBe(0);
    const all = testsInJsonReport(JSON.parse(listed.stdout) as JsonReport, true).sort();
    expect(all.length).toBeGreaterThan(40);

    const runs = await Promise.all(
      [1, 2, 3].map((i) =>
        // Each job its own output folder: Playwright empties it at start, which would race with the others.
        playwright(
          dir,
          [`--shard=${i}/3`, `--output=results-${i}`, '--reporter=@shardwise/playwright,json,blob'],
          {
            PLAYWRIGHT_JSON_OUTPUT_FILE: `json/shard-${i}.json`,
            PLAYWRIGHT_BLOB_OUTPUT_DIR: 'blobs',
            PWTEST_BLOB_DO_NOT_REMOVE: '1',
          },
        ),
      ),
    );
    for (const run of runs) expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const run of runs) expect(run.stderr).toMatch(/^shardwise: shard \d\/3: /m);

    const ran: string[] = [];
    for (const i of [1, 2, 3]) {
      const json = JSON.parse(
        await fs.readFile(path.join(dir, `json/shard-${i}.json`), 'utf8'),
      ) as JsonReport;
      ran.push(...testsInJsonReport(json));
    }
    expect(ran.sort()).toEqual(all);

    // Playwright's own merge of the shards' blobs sees every test once.
    const merged = await mergeReports(dir, ['--reporter=json', 'blobs']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(testsInJsonReport(JSON.parse(merged.stdout) as JsonReport).sort()).toEqual(all);

    const reports = [...(await readReports(path.join(dir, '.shardwise/reports'))).values()];
    expect(reports).toHaveLength(3);
    for (const report of reports) {
      expect(report.job).toMatchObject({ workers: 1, wallMs: expect.any(Number) });
      expect(report.plan?.shards.flat()).toContain('tests/checkout.spec.ts › pays by card');
    }
    const result = await shard(dir, ['merge', '--timings', 'shard-timings.json', '.shardwise/reports']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Coverage verified: all \d+ planned files ran exactly once across 3 shard\(s\)/,
    );
  });
});
