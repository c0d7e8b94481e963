import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseStore } from '@shardwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, runMain, tempDir } from './helpers.js';

afterAll(removeTempDirs);

type Outcome = 'passed' | 'failed';

/** A one-shard report as the plugins write it, with these test outcomes per file. */
function reportText(tests: Record<string, Record<string, Outcome>>, extra: object = {}): string {
  const files = Object.keys(tests);
  return JSON.stringify({
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    shard: { index: 1, count: 1 },
    plan: { fingerprint: 'f', shardCount: 1, shards: [files] },
    ...extra,
    files: files.map((file) => {
      const outcomes = Object.entries(tests[file]!);
      return {
        file,
        durationMs: 100,
        status: outcomes.some(([, o]) => o === 'failed') ? 'failed' : 'passed',
        hash: 'aaaaaaaaaaaa',
        tests: outcomes.map(([name, status]) => ({ name, durationMs: 10, status })),
      };
    }),
  });
}

const today = new Date().toISOString().slice(0, 10);

describe('shard quarantine (spawned): the one command for a runner whose exit code no plugin decides', () => {
  it('add, list, check: exit 0 when every failure is quarantined, 1 otherwise; an expired entry says so loudly', async () => {
    const dir = await tempDir({
      'src/clock.test.ts': '',
      'reports/quarantined.json': reportText({
        'src/clock.test.ts': { 'clock > races': 'failed', ok: 'passed' },
      }),
    });
    // The history knows the test (`quarantine add` refuses a name it does not know).
    expect((await runBin(['flaky', '--record', 'reports'], { cwd: dir })).code).toBe(0);
    const add = await runBin(
      [
        'quarantine',
        'add',
        'src/clock.test.ts',
        'clock > races',
        '--reason',
        'races the clock',
        '--owner',
        '@ana',
      ],
      { cwd: dir },
    );
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('quarantined src/clock.test.ts › clock > races in shard-quarantine.json');
    const list = await runBin(['quarantine', 'list', '--json'], { cwd: dir });
    expect(JSON.parse(list.stdout)).toEqual({
      tests: [
        {
          file: 'src/clock.test.ts',
          name: 'clock > races',
          reason: 'races the clock',
          added: today,
          owner: '@ana',
          expired: false,
        },
      ],
    });

    const green = await runBin(['quarantine', 'check', 'reports'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(green.stderr).toContain(
      '::warning title=shardwise::quarantined test failed (not failing the job): src/clock.test.ts › clock > races (races the clock; owner @ana)',
    );
    expect(green.code).toBe(0);

    await fs.writeFile(
      path.join(dir, 'reports/bug.json'),
      reportText({ 'src/cart.test.ts': { adds: 'failed' } }),
    );
    const red = await runBin(['quarantine', 'check', 'reports'], { cwd: dir });
    expect(red.stderr).toContain('failed (not quarantined): src/cart.test.ts › adds');
    expect(red.code).toBe(1);

    await fs.rm(path.join(dir, 'reports/bug.json'));
    const expired = JSON.stringify({
      version: 1,
      tests: [
        {
          file: 'src/clock.test.ts',
          name: 'clock > races',
          reason: 'r',
          added: '2020-01-01',
          expires: '2020-02-01',
        },
      ],
    });
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), expired);
    const stale = await runBin(['quarantine', 'check', 'reports'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(stale.stderr).toContain(
      '::error title=shardwise quarantine::quarantine EXPIRED on 2020-02-01 for src/clock.test.ts › clock > races: it no longer protects',
    );
    expect(stale.code).toBe(1);
  });

  it('--json: add, remove and check print what they did as JSON on stdout', async () => {
    const dir = await tempDir({
      'reports/r.json': reportText({
        'src/clock.test.ts': { 'clock > races': 'failed' },
        'src/cart.test.ts': { adds: 'failed' },
      }),
      'src/clock.test.ts': '',
    });
    // --force: no store or history here knows the test's name.
    const argv = [
      'quarantine',
      'add',
      'src/clock.test.ts',
      'clock > races',
      '--reason',
      'r',
      '--force',
      '--json',
    ];
    const add = await runMain(argv, { cwd: dir });
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toEqual({
      added: { file: 'src/clock.test.ts', name: 'clock > races', reason: 'r', added: today },
    });
    const check = await runMain(['quarantine', 'check', 'reports', '--json'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toEqual({
      pass: false,
      quarantined: [
        {
          file: 'src/clock.test.ts',
          name: 'clock > races',
          entry: { file: 'src/clock.test.ts', name: 'clock > races', reason: 'r', added: today },
        },
      ],
      expired: [],
      blocking: [{ file: 'src/cart.test.ts', name: 'adds' }],
      blockingFiles: [],
    });
    const remove = await runMain(['quarantine', 'remove', 'src/clock.test.ts', 'clock > races', '--json'], {
      cwd: dir,
    });
    expect(JSON.parse(remove.stdout)).toEqual({
      removed: { file: 'src/clock.test.ts', name: 'clock > races' },
    });
  });

  it.each([
    ['no action', ['quarantine'], 'shard quarantine: expected add, remove, list or check'],
    ['no reason', ['quarantine', 'add', 'a.test.ts', 't'], 'shard quarantine add: --reason is required'],
    [
      'a bad expiry',
      ['quarantine', 'add', 'a.test.ts', 't', '--reason', 'r', '--expires', 'tomorrow'],
      'Expected --expires to be the last day the entry protects, a real date as YYYY-MM-DD, got "tomorrow"',
    ],
    [
      'removing what is not there',
      ['quarantine', 'remove', 'a.test.ts', 't'],
      'no entry for "t" in a.test.ts',
    ],
  ])('%s: exit 2, one line', async (_name, argv, message) => {
    const result = await runMain(argv, { cwd: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an invalid quarantine file is one line naming the entry and field, exit 2', async () => {
    const dir = await tempDir({
      'shard-quarantine.json':
        '{"version":1,"tests":[{"file":"a.test.ts","name":"t","reason":"r","added":"soon"}]}',
    });
    const result = await runBin(['quarantine', 'list'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error shard-quarantine.json: tests[0].added: expected a date as YYYY-MM-DD, got "soon"; each entry is {"file": "src/a.test.ts", "name": "suite > test", "reason": "…", "added": "2026-12-01"} with optional "expires" and "owner"\n',
    );
  });

  it('a truncated quarantine file fails a shard job before anything runs, not on the day a test fails', async () => {
    const dir = await tempDir({
      'a.test.ts': '',
      'shard-quarantine.json': '{"version":1,"tests":[{"file":"a.test.ts",',
    });
    const result = await runBin(['files', '--shard', '1/2', 'a.test.ts'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error shard-quarantine\.json: .*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});

describe('shard files --failed (spawned)', () => {
  it('prints the files that failed, without project prefixes; --json adds their failed tests', async () => {
    const dir = await tempDir({
      'r/a.json': reportText({
        'src/a.test.ts': { one: 'failed', two: 'passed' },
        'src/ok.test.ts': { fine: 'passed' },
      }),
      'r/b.json': reportText({ 'unit|src/b.test.ts': { 'b > x': 'failed' } }),
      'r/notes.json': '{"other":"json"}',
    });
    const plain = await runBin(['files', '--failed', 'r'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('src/a.test.ts\nsrc/b.test.ts\n');
    const json = await runBin(['files', '--failed', '--json', 'r'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual([
      { file: 'src/a.test.ts', tests: ['one'] },
      { file: 'src/b.test.ts', tests: ['b > x'] },
    ]);
  });

  it('names the file of a Playwright unit, whose key also holds its project and titles', async () => {
    const dir = await tempDir({
      'r/p.json': reportText({
        'api|tests/cart.spec.ts › checkout': { 'checkout › pays': 'failed' },
        'api|tests/cart.spec.ts › refunds': { 'refunds › undo': 'failed', 'refunds › ok': 'passed' },
      }),
    });
    const json = await runBin(['files', '--failed', '--json', 'r'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { file: 'tests/cart.spec.ts', tests: ['checkout › pays', 'refunds › undo'] },
    ]);
  });
});

describe('flaky history through shard merge', () => {
  it('a merge run again over the same reports applies nothing twice: not the store, not the history', async () => {
    const dir = await tempDir();
    const reports = path.join(dir, '.shardwise/reports');
    await fs.mkdir(reports, { recursive: true });
    await fs.writeFile(
      path.join(reports, 'jest-shard-1-of-1.json'),
      reportText({ 'src/a.test.ts': { t: 'passed' } }, { createdAt: '2026-12-01T10:00:00.000Z' }),
    );
    const first = await runBin(['merge', '--timings', 'shard-timings.json'], { cwd: dir });
    expect(first.code).toBe(0);
    const store = await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8');
    const history = await fs.readFile(path.join(dir, 'shard-history.json'), 'utf8');
    const again = await runBin(['merge', '--timings', 'shard-timings.json'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('1 report(s) were merged before');
    expect(again.stdout).toContain('nothing new');
    expect(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8')).toBe(store);
    expect(await fs.readFile(path.join(dir, 'shard-history.json'), 'utf8')).toBe(history);
    // Into a store that does not exist yet (a moved or mistyped path): every report, never an empty store.
    const elsewhere = await runBin(['merge', '--timings', 'other-timings.json'], { cwd: dir });
    expect(elsewhere.code).toBe(0);
    const other = parseStore(await fs.readFile(path.join(dir, 'other-timings.json'), 'utf8'));
    expect([...other.files.keys()]).toEqual(['src/a.test.ts']);
    expect(await fs.readFile(path.join(dir, 'shard-history.json'), 'utf8')).toBe(history);
  });

  it('merge appends each run; the run a test becomes flaky in is named on the terminal and in the step summary', async () => {
    const dir = await tempDir();
    const reports = path.join(dir, '.shardwise/reports');
    await fs.mkdir(reports, { recursive: true });
    // Twelve pipelines of new commits: "rare" fails once (run 5), "steady" never; "new bug" fails from run 12.
    for (let run = 1; run <= 12; run++) {
      const outcomes: Record<string, Outcome> = {
        rare: run === 5 ? 'failed' : 'passed',
        steady: 'passed',
        'new bug': run === 12 ? 'failed' : 'passed',
      };
      const commit = `c0ffee${String(run).padStart(4, '0')}`;
      const at = `2026-11-${String(run).padStart(2, '0')}T10:00:00.000Z`;
      await fs.writeFile(
        path.join(reports, 'jest-shard-1-of-1.json'),
        reportText({ 'src/a.test.ts': outcomes }, { commit, createdAt: at }),
      );
      const summary = path.join(dir, `summary-${run}.md`);
      const merged =
        run < 12
          ? await runMain(['merge', '--timings', 'shard-timings.json'], { cwd: dir })
          : await runBin(['merge', '--timings', 'shard-timings.json'], {
              cwd: dir,
              env: { GITHUB_STEP_SUMMARY: summary },
            });
      expect(merged.code).toBe(0);
      if (run === 10) {
        // The tenth run of one file hash: one failure in ten runs crosses the failure-rate rule.
        expect(merged.stdout).toContain(
          'Became flaky in this run: 1 test(s)\n  src/a.test.ts › rare  (1 of 10 runs failed; failure-rate)',
        );
      } else {
        expect(merged.stdout).not.toContain('Became flaky');
      }
      if (run === 12) {
        const markdown = await fs.readFile(summary, 'utf8');
        expect(markdown).toContain('#### Flaky tests');
        expect(markdown).toContain('No test became flaky in this run (1 flaky, 1 broken in the history).');
      }
    }
    // Outcomes never reach the store: its tests keep timings and the last status only.
    const store = await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8');
    expect(store).not.toContain('attempts');
    const flaky = await runBin(['flaky', '--json'], { cwd: dir });
    expect(flaky.code).toBe(0);
    expect(JSON.parse(flaky.stdout)).toMatchObject({
      tests: [
        {
          file: 'src/a.test.ts',
          name: 'new bug',
          status: 'broken',
          runs: 12,
          failures: 1,
          lastFailingCommit: 'c0ffee0012',
        },
        {
          file: 'src/a.test.ts',
          name: 'rare',
          status: 'flaky',
          runs: 12,
          failures: 1,
          lastFailingCommit: 'c0ffee0005',
        },
      ],
    });
  });
});
