import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyProject, playwright, readReports, removeProjects, shard, UNITS } from './helpers.js';

afterAll(removeProjects);

describe('recording', () => {
  it('records attempts and outcomes (flaky as an optional field), the job, and no setup project', async () => {
    const dir = await copyProject('units');
    const run = await playwright(dir, [], {
      RETRIES: '1',
      FLAKY: '1',
      FAIL: '1',
      SHARDWISE_COMMIT: 'c0ffee1234',
    });
    expect(run.code).toBe(1); // `fails` fails its two attempts
    const reports = await readReports(path.join(dir, '.shardwise/reports'));
    expect([...reports.keys()]).toEqual(['playwright-full.json']);
    const report = reports.get('playwright-full.json')!;
    expect(report.runner).toBe('playwright');
    // The commit under test, as Jest's and Vitest's reports name it: the flaky history's same-code rule needs it.
    expect(report.commit).toBe('c0ffee1234');
    expect(report.job).toEqual({ wallMs: expect.any(Number), workers: 1, startedAt: expect.any(String) });
    // Every unit of the `api` project and nothing of the setup project, which Playwright runs in every shard.
    expect(report.files.map((f) => f.file).sort()).toEqual(UNITS);
    const flaky = report.files.find((f) => f.file === 'api|tests/flaky.spec.cjs')!;
    expect(flaky.status).toBe('passed');
    expect(flaky.tests).toEqual([
      { name: 'flaky', durationMs: expect.any(Number), status: 'passed', attempts: 2, flaky: true },
      { name: 'skipped', durationMs: expect.any(Number), status: 'skipped' },
    ]);
    expect(report.files.find((f) => f.file === 'api|tests/fails.spec.cjs')).toMatchObject({
      status: 'failed',
      tests: [{ name: 'fails', durationMs: expect.any(Number), status: 'failed', attempts: 2 }],
    });
    const hooked = report.files.find((f) => f.file === 'api|tests/parallel.spec.cjs › hooked')!;
    expect(hooked).toMatchObject({ status: 'passed', worker: 1 });
    expect(hooked.endMs!).toBeGreaterThanOrEqual(hooked.startMs!);
    expect(hooked.tests!.map((t) => t.name)).toEqual(['hooked › one', 'hooked › two']);

    // The store keeps the final outcome only (readers of store format 1 know it); the retry goes to the
    // flaky history beside it.
    const merged = await shard(dir, ['merge', '--timings', 'store.json', '.shardwise/reports']);
    expect(merged.code, merged.stderr).toBe(0);
    const store = JSON.parse(await fs.readFile(path.join(dir, 'store.json'), 'utf8')) as {
      files: Record<string, { tests?: { name: string; status: string; flaky?: boolean }[] }>;
    };
    const tests = store.files['api|tests/flaky.spec.cjs']!.tests!;
    expect(tests.find((t) => t.name === 'flaky')).toEqual({
      name: 'flaky',
      durationMs: expect.any(Number),
      status: 'passed',
    });
    expect(await fs.readFile(path.join(dir, 'shard-history.json'), 'utf8')).toContain(
      'api|tests/flaky.spec.cjs',
    );
  });
});

describe('a pinned plan, in Playwright’s terms', () => {
  it('the pin line names no flag Playwright rejects, the lines say units, and a stale plan’s fix is a command that works', async () => {
    const dir = await copyProject('units');
    const pin = await playwright(dir, ['--list', '--shard=1/2'], { SHARDWISE_PLAN_OUT: 'plan.json' });
    expect(pin.code, pin.stderr).toBe(0);
    const said = pin.stderr.split('\n').filter((l) => l.startsWith('shardwise:'));
    expect(said).toEqual([
      expect.stringMatching(
        /^shardwise: pinned plan \w+ written to plan\.json: every job runs its shard of it with SHARDWISE_PLAN=plan\.json, re-runs included$/,
      ),
      expect.stringContaining('planned 8 units by estimate'),
      expect.stringMatching(/^shardwise: shard 1\/2: \d of 8 unit\(s\), /),
    ]);
    // `playwright test` takes no --plan: naming it would send the user to an error.
    expect(pin.stderr).not.toContain('--plan');

    await fs.writeFile(
      path.join(dir, 'tests/added.spec.cjs'),
      "const { test } = require('@playwright/test');\ntest('added', async () => {});\n",
    );
    const stale = await playwright(dir, ['--shard=1/2'], { SHARDWISE_PLAN: 'plan.json' });
    expect(stale.code).toBe(2);
    const error = stale.stderr.split('\n').filter((l) => l.startsWith('shardwise:'));
    expect(error).toEqual([
      'shardwise: SHARDWISE_PLAN plan.json: the pinned plan does not match the units: 1 unit(s) not in the plan (api|tests/added.spec.cjs); the plan is out of date: pin it again with `SHARDWISE_PLAN_OUT=plan.json npx playwright test --list --shard=1/2`',
    ]);
    // The fix as it is printed, run as a user would: it pins a plan the shard job then runs.
    const [assignment, ...command] = /`([^`]+)`$/.exec(error[0]!)![1]!.split(' ');
    expect(command.slice(0, 3)).toEqual(['npx', 'playwright', 'test']);
    const [name, value] = assignment!.split('=') as [string, string];
    const fixed = await playwright(dir, command.slice(3), { [name]: value });
    expect(fixed.code, fixed.stderr).toBe(0);
    const rerun = await playwright(dir, ['--shard=1/2'], { SHARDWISE_PLAN: 'plan.json' });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('pinned by SHARDWISE_PLAN plan.json');
  });
});

describe('user errors: one line, exit 2, no stack', () => {
  it.each([
    {
      name: 'a misspelt option',
      args: ['--config', 'bad-option.config.cjs'],
      env: {},
      line: "shardwise: ['@shardwise/playwright', { timngs }]: unknown option; expected one of timings, reportsDir, estimator, previous, plan",
    },
    {
      name: 'a broken store in a sharded run',
      args: ['--shard=1/2'],
      env: { SHARDWISE_TIMINGS: 'broken.json' },
      line: 'shardwise: broken.json: invalid JSON',
    },
  ] as { name: string; args: string[]; env: Record<string, string>; line: string }[])(
    '$name',
    async ({ args, env, line }) => {
      const dir = await copyProject('units');
      await fs.writeFile(path.join(dir, 'broken.json'), '{"version": 1,');
      const run = await playwright(dir, args, env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(line);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      await expect(fs.readdir(path.join(dir, 'test-results'))).rejects.toThrow(/ENOENT/);
    },
  );

  it('Playwright older than 1.62 says which version is needed and what to do', async () => {
    const dir = await copyProject('units', 'tooOld');
    const run = await playwright(dir, ['--shard=1/2']);
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('shardwise:'));
    expect(lines).toEqual([
      'shardwise: @shardwise/playwright needs Playwright 1.62 or newer (Reporter.preprocess), this is 1.61.1; upgrade (`npm i -D @playwright/test@latest`), or take the reporter out of the config and shard by file with `npx shard run --shard I/N -- npx playwright test`',
    ]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
