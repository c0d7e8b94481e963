import { promises as fs } from 'node:fs';
import path from 'node:path';
import { observeJob, readStoreFile, type RunReport } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  filesRun,
  jest,
  lines,
  readReports,
  removeFixtures,
  shardCli,
  sleepOf,
} from './helpers.js';

// End-to-end, as CI runs it: the real `jest` on a fixture whose 18 test files sleep known amounts (six long
// files of 400–900 ms, twelve short ones of 80 ms), the plugin set up by its one line in jest.config.json.

const SHARDS = [1, 2, 3] as const;
let dir: string;
let store: string;
let fullRun: { code: number | null; stderr: string };
let fullReport: RunReport;

beforeAll(async () => {
  dir = await copyFixture('basic');
  store = path.join(dir, 'shard-timings.json');
  const result = await jest(dir, []);
  fullRun = result;
  expect(await fs.readdir(path.join(dir, '.shardwise', 'reports'))).toEqual(['jest-full.json']);
  const reports = await readReports(path.join(dir, '.shardwise', 'reports'));
  fullReport = reports[0]!;
});

afterAll(removeFixtures);

describe('a full run writes a report that `shard merge` turns into a store', () => {
  it('records every file with its wall time, its tests and its outcome', () => {
    expect(fullRun.code).toBe(0);
    expect(fullReport.runner).toBe('jest');
    expect(fullReport.shard).toBeUndefined();
    expect(fullReport.files).toHaveLength(18);
    expect(fullReport.plan).toMatchObject({ shardCount: 1 });
    expect(fullReport.plan!.shards[0]).toHaveLength(18);
    for (const f of fullReport.files) {
      expect(f.file).toMatch(/^tests\/[a-z0-9-]+\.test\.cjs$/); // POSIX, relative to rootDir
      expect(f.status).toBe('passed');
      // Timers may fire a millisecond early; the setup and a loaded machine only add time.
      expect(f.durationMs).toBeGreaterThanOrEqual(sleepOf(f.file) - 2);
      expect(f.tests!.map((t) => t.status)).toEqual(['passed', 'passed']);
      expect(f.tests![0]!.durationMs).toBeGreaterThanOrEqual(sleepOf(f.file) - 2);
    }
  });

  it("records the job's wall clock and each file's place on it", () => {
    const job = fullReport.job!;
    expect(job.workers).toBeGreaterThanOrEqual(1);
    for (const f of fullReport.files) {
      // From its environment's load to its end, inside the job's wall, its fixed cost before its first test.
      expect(f.endMs! - f.startMs!).toBe(f.durationMs);
      expect(f.endMs).toBeLessThanOrEqual(job.wallMs);
      expect(f.setupMs).toBeGreaterThanOrEqual(0);
      expect(f.setupMs).toBeLessThanOrEqual(f.durationMs);
    }
    // Each file's span is its own (not counted from the job's or its worker's start): never more files
    // are running at one moment than the job has workers.
    const moments = fullReport.files.flatMap((f) => [
      { at: f.startMs!, change: 1 },
      { at: f.endMs!, change: -1 },
    ]);
    moments.sort((a, b) => a.at - b.at || a.change - b.change);
    let running = 0;
    let most = 0;
    for (const m of moments) most = Math.max(most, (running += m.change));
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(job.workers);
  });

  it('merges into a store with those durations', async () => {
    // The CLI runs in the repository: its flaky history goes to the fixture, not there.
    const history = ['--history', path.join(dir, 'shard-history.json')];
    const merged = await shardCli([
      'merge',
      ...history,
      '--timings',
      store,
      path.join(dir, '.shardwise', 'reports'),
    ]);
    expect(merged.stderr).not.toMatch(/error/i);
    expect(merged.code).toBe(0);
    const timings = await readStoreFile(store);
    expect(timings).toBeDefined();
    expect([...timings!.files.keys()].sort()).toEqual(fullReport.files.map((f) => f.file).sort());
    // A worker's first file gives back the environment time it took beyond the other files (its worker
    // warming up), never more: every file is stored at no less than its sleep.
    const job = observeJob(fullReport)!;
    for (const f of fullReport.files) {
      const stored = timings!.files.get(f.file)!;
      expect(stored.samples).toBe(1);
      expect(stored.durationMs).toBeGreaterThanOrEqual(sleepOf(f.file) - 2);
      if (job.firstFiles.has(f.file)) {
        expect(stored.durationMs).toBeGreaterThanOrEqual(f.durationMs - f.environmentMs!);
        expect(stored.durationMs).toBeLessThanOrEqual(f.durationMs);
      } else expect(stored.durationMs).toBe(f.durationMs);
    }
    expect(timings!.models?.get('jest')).toMatchObject({ workers: fullReport.job!.workers });
  });
});

describe('`--shard=i/3` with the store', () => {
  const runs = new Map<number, string[]>();
  let reportsDir: string;

  beforeAll(async () => {
    reportsDir = path.join(dir, 'shard-reports');
    // Concurrently, as CI matrix jobs would; what they run is checked, not how long they take.
    await Promise.all(
      SHARDS.map(async (i) => {
        const json = path.join(dir, `shard-${i}.json`);
        const r = await jest(dir, [`--shard=${i}/3`, '--json', `--outputFile=${json}`], {
          SHARDWISE_REPORTS_DIR: reportsDir,
        });
        expect(r.code, r.stderr).toBe(0);
        runs.set(i, await filesRun(json, dir));
      }),
    );
  });

  it('runs every file exactly once', () => {
    const all = [...runs.values()].flat().sort();
    expect(all).toEqual(fullReport.files.map((f) => f.file).sort());
  });

  it('balances the shards: the slowest is within 10% of the ideal', () => {
    // A file's cost is its sleep plus Jest's per-file overhead (environment, module registry), measured in
    // the recording run. The overhead is real time a shard spends: a shard of many short files takes as
    // long as one with a few long ones of the same total, and the plan rightly treats them so.
    const overhead =
      fullReport.files.reduce((sum, f) => sum + f.durationMs - sleepOf(f.file), 0) / fullReport.files.length;
    const cost = (file: string) => sleepOf(file) + overhead;
    const loads = SHARDS.map((i) => runs.get(i)!.reduce((sum, f) => sum + cost(f), 0));
    const ideal = loads.reduce((a, b) => a + b, 0) / 3;
    expect(Math.max(...loads)).toBeLessThanOrEqual(1.1 * ideal);
  });

  it('runs exactly the files `shard files --shard i/3` prints for the same file list and store', async () => {
    const list = await jest(dir, ['--listTests']);
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toHaveLength(18);
    for (const i of SHARDS) {
      const files = await shardCli(
        ['files', '--shard', `${i}/3`, '--root', dir, '--timings', store, '--files-from', '-'],
        list.stdout,
      );
      expect(files.code, files.stderr).toBe(0);
      expect(lines(files.stdout).sort()).toEqual(runs.get(i));
    }
  });

  it('lists the shard with `--listTests --shard=i/3`', async () => {
    const listed = await Promise.all(SHARDS.map((i) => jest(dir, ['--listTests', `--shard=${i}/3`])));
    SHARDS.forEach((i, n) => {
      const files = lines(listed[n]!.stdout).map((f) => path.relative(dir, f).split(path.sep).join('/'));
      expect(files.sort()).toEqual(runs.get(i));
    });
  });

  it('writes one report per shard, under one plan, that `shard merge` verifies', async () => {
    const reports = await readReports(reportsDir);
    expect(reports.map((r) => r.shard)).toEqual(SHARDS.map((index) => ({ index, count: 3 })));
    expect(new Set(reports.map((r) => r.plan!.fingerprint)).size).toBe(1);
    for (const r of reports) {
      expect(r.files.map((f) => f.file).sort()).toEqual(runs.get(r.shard!.index));
      expect(r.plan!.shards.map((s) => [...s].sort())).toEqual(SHARDS.map((i) => runs.get(i)));
    }
    const merged = await shardCli([
      'merge',
      '--history',
      path.join(dir, 'shard-history.json'),
      '--timings',
      store,
      '--out',
      path.join(dir, 'next.json'),
      reportsDir,
    ]);
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
  });

  it('treats the same file in two projects as two units', async () => {
    const multi = await copyFixture('multi');
    const reportsDir = path.join(multi, 'reports');
    const results = await Promise.all(
      [1, 2].map((i) => jest(multi, [`--shard=${i}/2`], { SHARDWISE_REPORTS_DIR: reportsDir })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ran = (await readReports(reportsDir)).flatMap((r) => r.files.map((f) => f.file)).sort();
    const files = [
      'tests/a-300.test.cjs',
      'tests/b-200.test.cjs',
      'tests/c-100.test.cjs',
      'tests/d-100.test.cjs',
    ];
    expect(ran).toEqual([...files.map((f) => `one|${f}`), ...files.map((f) => `two|${f}`)]);
  });
});

describe('robustness', () => {
  it('still records when `--reporters=default` replaces the configured reporters', async () => {
    const reportsDir = path.join(dir, 'override-reports');
    const r = await jest(dir, ['--shard=2/3', '--reporters=default'], { SHARDWISE_REPORTS_DIR: reportsDir });
    expect(r.code, r.stderr).toBe(0);
    const [report, ...rest] = await readReports(reportsDir);
    expect(rest).toEqual([]);
    expect(report!.shard).toEqual({ index: 2, count: 3 });
    expect(report!.files.length).toBeGreaterThan(0);
    expect(report!.files.every((f) => f.status === 'passed')).toBe(true);
  });

  it('fails on a truncated store with one clear line and no stack trace', async () => {
    const text = await fs.readFile(store, 'utf8');
    const truncated = path.join(dir, 'truncated.json');
    await fs.writeFile(truncated, text.slice(0, Math.floor(text.length / 2)));
    const r = await jest(dir, ['--shard=1/3'], { SHARDWISE_TIMINGS: truncated });
    expect(r.code).toBe(2);
    const errors = lines(r.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^shardwise: .*truncated\.json: invalid JSON at line \d+, column \d+/);
    expect(errors[0]).toMatch(/fix it, or delete it/);
  });

  it('explains --passWithNoTests when a shard is empty', async () => {
    // A path filter leaves one file for three shards.
    const [failing, passing] = await Promise.all([
      jest(dir, ['--shard=3/3', 'long-a-900']),
      jest(dir, ['--shard=3/3', 'long-a-900', '--passWithNoTests']),
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(
      /^shardwise: shard 3\/3 is empty \(1 test file\(s\) for 3 shards\); .* pass --passWithNoTests to let an empty shard succeed$/m,
    );
    expect(passing.code).toBe(0);
    expect(passing.stderr).toMatch(/^shardwise: shard 3\/3 is empty .*; nothing to run$/m);
  });

  it('runs every file once by estimate when the store is missing, and says so', async () => {
    const missing = path.join(dir, 'no-such-store.json');
    const results = await Promise.all(
      SHARDS.map(async (i) => {
        const json = path.join(dir, `missing-${i}.json`);
        const r = await jest(dir, [`--shard=${i}/3`, '--json', `--outputFile=${json}`], {
          SHARDWISE_TIMINGS: missing,
          SHARDWISE_REPORTS_DIR: path.join(dir, 'missing-reports'),
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(
          /^shardwise: warning: no timing store at .*no-such-store\.json, the path you named; planned 18 files by estimate/m,
        );
        return filesRun(json, dir);
      }),
    );
    expect(results.flat().sort()).toEqual(fullReport.files.map((f) => f.file).sort());
    // By estimate every file weighs the same, so the shards hold 6 files each.
    expect(results.map((files) => files.length)).toEqual([6, 6, 6]);
  });
});
