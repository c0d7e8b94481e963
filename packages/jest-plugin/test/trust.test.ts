import { spawnSync } from 'node:child_process';
import { closeSync, openSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileCountsForLearning, parsePlanText } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  jestBin,
  filesRun,
  jest,
  lines,
  readReports,
  removeFixtures,
  repo,
  shardCli,
  sleepOf,
  writeStore,
  type Result,
} from './helpers.js';

// Issue 10, end to end with the real Jest: a pinned plan runs exactly its shard, a store missing at a named
// path is loud (or an error), shardwise never changes how Jest executes tests, a skipped file keeps its
// real cost, and the plugin uses the project's own Jest 29 or 30.

afterAll(removeFixtures);

const WORKER_FILES = ['tests/w-1.test.cjs', 'tests/w-2.test.cjs', 'tests/w-3.test.cjs', 'tests/w-4.test.cjs'];

describe('a pinned plan (SHARDWISE_PLAN)', () => {
  let dir: string;
  let planFile: string;
  let pinned: string[][];

  beforeAll(async () => {
    dir = await copyFixture('basic');
    const store = path.join(dir, 'shard-timings.json');
    const list = await jest(dir, ['--listTests']);
    const files = lines(list.stdout).map((f) => path.relative(dir, f).split(path.sep).join('/'));
    await writeStore(store, Object.fromEntries(files.map((f) => [f, sleepOf(f)])));
    planFile = path.join(dir, 'plan.json');
    const planned = await shardCli(
      ['plan', '--shards', '3', '--root', dir, '--timings', store, '--files-from', '-', '--out', planFile],
      list.stdout,
    );
    expect(planned.code, planned.stderr).toBe(0);
    pinned = parsePlanText(await fs.readFile(planFile, 'utf8'), 'plan.json').shards.map((s) => [...s].sort());
    // The merge after the first attempt changed the store: one file is now far the longest.
    await writeStore(store, Object.fromEntries(files.map((f) => [f, f.includes('short-01') ? 100_000 : 10])));
  });

  it('runs exactly that shard of it after the store changed, and says so', async () => {
    const replanned = await shardCli(
      ['files', '--shard', '2/3', '--root', dir, '--files-from', '-'],
      pinned.flat().join('\n'),
    );
    expect(lines(replanned.stdout).sort(), 'the new store plans differently').not.toEqual(pinned[1]);

    const json = path.join(dir, 'rerun.json');
    const r = await jest(dir, ['--shard=2/3', '--json', `--outputFile=${json}`], {
      SHARDWISE_PLAN: 'plan.json',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await filesRun(json, dir)).toEqual(pinned[1]);
    expect(r.stderr).toMatch(
      /^shardwise: shard 2\/3: \d+ of 18 file\(s\), .*pinned by SHARDWISE_PLAN plan\.json\)$/m,
    );
  });

  it('a run narrowed by a path filter is told so, not that the plan is stale', async () => {
    const r = await jest(dir, ['--shard=2/3', 'tests/long'], { SHARDWISE_PLAN: 'plan.json' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^shardwise: SHARDWISE_PLAN plan\.json: a pinned plan runs the whole suite, but this run was narrowed/,
      ),
    ]);
  });

  it('fails with one line when the files no longer match the plan', async () => {
    await fs.copyFile(
      path.join(dir, 'tests/short-01-80.test.cjs'),
      path.join(dir, 'tests/added-80.test.cjs'),
    );
    const r = await jest(dir, ['--shard=2/3'], { SHARDWISE_PLAN: 'plan.json' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^shardwise: SHARDWISE_PLAN plan\.json: the pinned plan does not match the test files: 1 test file\(s\) not in the plan \(tests\/added-80\.test\.cjs\); .*shard plan --out/,
      ),
    ]);
  });
});

describe('a timing store at an explicit path (SHARDWISE_TIMINGS)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('workers');
  });

  it('warns loudly when the file is missing: a ::warning:: annotation on GitHub Actions', async () => {
    const r = await jest(dir, ['--shard=1/2'], {
      SHARDWISE_TIMINGS: 'ci/missing.json',
      GITHUB_ACTIONS: 'true',
    });
    await fs.mkdir(path.join(dir, 'ci'), { recursive: true });
    const again = await jest(dir, ['--shard=1/2'], {
      SHARDWISE_TIMINGS: 'ci/missing.json',
      GITHUB_ACTIONS: 'true',
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /^::warning title=shardwise::no timing store at ci\/missing\.json, the path you named; planned 4 files by estimate/m,
    );
    // Whose folder does not exist: an error.
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^shardwise: SHARDWISE_TIMINGS ci\/missing\.json: the folder ci does not exist; check the path/,
      ),
    ]);
  });

  it('fails with one line when SHARDWISE_REQUIRE_TIMINGS=1 and there is no store', async () => {
    const r = await jest(dir, ['--shard=1/2'], { SHARDWISE_REQUIRE_TIMINGS: '1' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^shardwise: shard-timings\.json: no timing store, and one is required; restore the store/,
      ),
    ]);
  });
});

/** Whether every fixture file that ran recorded a process other than Jest's main one (a worker). */
async function inWorkers(probeDir: string, run: Result): Promise<boolean> {
  const pids = await Promise.all(
    (await fs.readdir(probeDir)).map(async (f) => Number(await fs.readFile(path.join(probeDir, f), 'utf8'))),
  );
  expect(pids.length).toBeGreaterThan(0);
  const workers = pids.filter((pid) => pid !== run.pid).length;
  expect([0, pids.length], 'all files in band or all in workers').toContain(workers);
  return workers > 0;
}

describe('how Jest executes the tests', () => {
  /** One shard of the workers fixture, with a store of fast files, and how its files ran. */
  async function runShard(dir: string, native: boolean, version: 29 | 30 = 30, workers = 2) {
    const probe = await fs.mkdtemp(path.join(dir, 'probe-'));
    const args = [
      '--shard=1/2',
      `--maxWorkers=${workers}`,
      ...(native ? ['--testSequencer=@jest/test-sequencer'] : []),
    ];
    const r = await jest(dir, args, { PROBE_DIR: probe }, version);
    expect(r.code, r.stderr).toBe(0);
    return inWorkers(probe, r);
  }

  async function fixtureWithStore(): Promise<string> {
    const dir = await copyFixture('workers');
    // Fast files: from these durations Jest would run a shard of them in band.
    await writeStore(
      path.join(dir, 'shard-timings.json'),
      Object.fromEntries(WORKER_FILES.map((f) => [f, 50])),
    );
    return dir;
  }

  // A fresh CI runner: Jest has no timing cache, so native Jest uses workers; the store must not change that.
  // (With a warm cache both go by Jest's own recorded times, which vary with the machine's load.)
  it.each([30, 29] as const)(
    'Jest %i: uses workers on a fresh runner, as native Jest does',
    async (version) => {
      const [mine, native] = await Promise.all([fixtureWithStore(), fixtureWithStore()]);
      const fresh = await Promise.all([runShard(mine, false, version), runShard(native, true, version)]);
      expect(fresh).toEqual([true, true]);
    },
  );

  // Jest's default `maxWorkers` is the cores minus one: one worker on a 2-core runner, and then Jest runs in
  // band, with the plugin as without it (the README says so).
  it('one worker (the default on a 2-core runner): in band, as native Jest does', async () => {
    const [mine, native] = await Promise.all([fixtureWithStore(), fixtureWithStore()]);
    const fresh = await Promise.all([runShard(mine, false, 30, 1), runShard(native, true, 30, 1)]);
    expect(fresh).toEqual([false, false]);
  });
});

/** A test file whose tests are all skipped, but whose import takes 300 ms: that is its real cost on a shard. */
const SKIPPED = `/* global test, describe */
const until = Date.now() + 300;
while (Date.now() < until) {
  // a slow import
}
test.skip('skipped', () => {});
describe.skip('skipped too', () => {
  test('never runs', () => {});
});
`;

describe('a file whose tests are all skipped', () => {
  it('is reported with its real cost (setup and import), as skipped', async () => {
    const dir = await copyFixture('workers');
    await fs.writeFile(path.join(dir, 'tests/skipped.test.cjs'), SKIPPED);
    const r = await jest(dir, ['tests/skipped']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = await readReports(path.join(dir, '.shardwise', 'reports'));
    expect(report!.files).toEqual([
      expect.objectContaining({
        file: 'tests/skipped.test.cjs',
        status: 'skipped',
        durationMs: expect.any(Number),
      }),
    ]);
    expect(report!.files[0]!.durationMs).toBeGreaterThanOrEqual(295);
  });
});

describe("the project's own Jest", () => {
  it('is a peer dependency (Jest 29 or 30), so npm installs no second Jest tree', async () => {
    const pkg = JSON.parse(
      await fs.readFile(path.join(repo, 'packages/jest-plugin/package.json'), 'utf8'),
    ) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['@shardwise/core']);
    expect(pkg.peerDependencies).toMatchObject({
      '@jest/test-sequencer': '^29.0.0 || ^30.0.0',
      jest: '^29.0.0 || ^30.0.0',
    });
  });

  it('Jest 29 shards the suite by the plugin and records every file once', async () => {
    const dir = await copyFixture('workers');
    const reportsDir = path.join(dir, 'reports');
    const results = await Promise.all(
      [1, 2].map((i) => jest(dir, [`--shard=${i}/2`], { SHARDWISE_REPORTS_DIR: reportsDir }, 29)),
    );
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^shardwise: shard [12]\/2: /m);
    }
    const reports = await readReports(reportsDir);
    expect(reports.map((r) => r.shard!.index)).toEqual([1, 2]);
    expect(reports.flatMap((r) => r.files.map((f) => f.file)).sort()).toEqual(WORKER_FILES);
  });
});

describe('a run filtered by test name (-t)', () => {
  it.each([
    ['-t', 30],
    ['--testNamePattern', 30],
    ['-t', 29],
  ] as const)(
    '%s on Jest %i: no file is reported as a full measurement (every file is filtered)',
    async (flag, version) => {
      const dir = await copyFixture('workers');
      const r = await jest(dir, ['--shard=1/2', flag, 'no such test name at all'], {}, version);
      expect(r.code, r.stderr).toBe(0);
      const reports = await readReports(path.join(dir, '.shardwise', 'reports'));
      const files = reports.flatMap((report) => report.files);
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((f) => f.filtered === true && !fileCountsForLearning(f))).toBe(true);
    },
  );
});

describe('a pinned plan for several projects (SHARDWISE_PLAN_OUT)', () => {
  it('the plugin pins the plan it made (keys name|path); every shard then runs exactly its part of it', async () => {
    const dir = await copyFixture('multi');
    const planFile = path.join(dir, 'plan.json');
    const pin = await jest(dir, ['--listTests', '--shard=1/2'], { SHARDWISE_PLAN_OUT: planFile });
    expect(pin.code, pin.stderr).toBe(0);
    expect(pin.stderr).toContain('pinned plan');
    const plan = parsePlanText(await fs.readFile(planFile, 'utf8'), 'plan.json');
    expect(plan.shards.flat().every((key) => /^(one|two)\|tests\//.test(key))).toBe(true);
    const ran: string[] = [];
    for (const i of [1, 2]) {
      const r = await jest(dir, [`--shard=${i}/2`], { SHARDWISE_PLAN: planFile });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`pinned by SHARDWISE_PLAN`);
    }
    for (const report of await readReports(path.join(dir, '.shardwise', 'reports'))) {
      expect(report.files.map((f) => f.file).sort()).toEqual(
        [...plan.shards[report.shard!.index - 1]!].sort(),
      );
      ran.push(...report.files.map((f) => f.file));
    }
    expect(ran.sort()).toEqual(plan.shards.flat().sort());
  });
});

describe('a broken store in an unsharded run', () => {
  it('is a loud warning; the tests still run in full in Jest’s own order (a sharded run fails)', async () => {
    const dir = await copyFixture('workers');
    await fs.writeFile(path.join(dir, 'shard-timings.json'), '{"version":1,');
    const r = await jest(dir, []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^shardwise: warning: shard-timings\.json: invalid JSON .*; running in Jest's own order$/m,
    );
    const sharded = await jest(dir, ['--shard=1/2']);
    expect(sharded.code).toBe(2);
  });
});

describe('a user error’s exit code', () => {
  it('is 2 whatever stdout and stderr are (files here; pipes in the other tests)', async () => {
    const dir = await copyFixture('workers');
    const log = path.join(dir, 'err.log');
    const fd = openSync(log, 'w');
    const r = spawnSync(
      process.execPath,
      [jestBin, '--rootDir', dir, '--config', path.join(dir, 'jest.config.json'), '--shard=1/2'],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', SHARDWISE_PLAN: 'no-such-plan.json' },
        stdio: ['ignore', fd, fd],
      },
    );
    closeSync(fd);
    expect(r.status).toBe(2);
    expect(lines(await fs.readFile(log, 'utf8'))).toEqual([
      expect.stringMatching(/^shardwise: SHARDWISE_PLAN no-such-plan\.json: no such plan file/),
    ]);
  });
});
