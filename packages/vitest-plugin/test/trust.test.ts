/**
 * Issue 10, end to end with the real Vitest: a pinned plan runs exactly its shard, a store missing at a
 * named path is loud (or an error), user errors are one line and exit 2, every form of `projects` is
 * either planned as one or refused with the fix, each sharded run says it was planned, and a skipped file
 * keeps its real cost.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parsePlanText } from '@shardwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  filesRun,
  lines,
  ok,
  readReports,
  removeFixtures,
  shard,
  sleepOf,
  testFiles,
  vitest,
  writeStore,
  type Result,
} from './helpers.js';

afterAll(removeFixtures);

/** A user error: exit 2, exactly one line on stderr, no "Unhandled Errors" box and no stack anywhere. */
function expectOneLine(result: Result, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(lines(result.stderr)).toEqual([expect.stringMatching(pattern)]);
  expect(result.stdout).not.toMatch(/Unhandled|Error|\bat /);
}

describe('a pinned plan (SHARDWISE_PLAN)', () => {
  let dir: string;
  let pinned: string[][];

  beforeAll(async () => {
    dir = await copyFixture('basic');
    const files = await testFiles(dir);
    const store = path.join(dir, 'shard-timings.json');
    await writeStore(store, Object.fromEntries(files.map((f) => [f, sleepOf(f)])));
    ok(
      await shard(
        dir,
        ['plan', '--shards', '3', '--files-from', '-', '--out', 'plan.json'],
        files.join('\n'),
      ),
    );
    pinned = parsePlanText(await fs.readFile(path.join(dir, 'plan.json'), 'utf8'), 'plan.json').shards.map(
      (s) => [...s].sort(),
    );
    // The merge after the first attempt changed the store: one file is now far the longest.
    await writeStore(
      store,
      Object.fromEntries(files.map((f) => [f, f.includes('sleep-50-a') ? 100_000 : 10])),
    );
  });

  it('runs exactly that shard of it after the store changed, and says so', async () => {
    const replanned = ok(
      await shard(dir, ['files', '--shard', '2/3', '--files-from', '-'], pinned.flat().join('\n')),
    );
    expect(lines(replanned.stdout).sort(), 'the new store plans differently').not.toEqual(pinned[1]);

    const r = ok(
      await vitest(dir, ['run', '--shard=2/3', '--reporter=json', '--outputFile=rerun.json'], {
        SHARDWISE_PLAN: 'plan.json',
      }),
    );
    expect((await filesRun(dir, 'rerun.json')).sort()).toEqual(pinned[1]);
    expect(r.stderr).toMatch(
      /^shardwise: shard 2\/3: \d+ of 15 file\(s\), .*pinned by SHARDWISE_PLAN plan\.json\)$/m,
    );
  });

  it('fails with one line when the files no longer match the plan', async () => {
    await fs.copyFile(path.join(dir, 'tests/sleep-50-a.test.ts'), path.join(dir, 'tests/added.test.ts'));
    const r = await vitest(dir, ['run', '--shard=2/3'], { SHARDWISE_PLAN: 'plan.json' });
    expectOneLine(
      r,
      /^shardwise: SHARDWISE_PLAN plan\.json: the pinned plan does not match the test files: 1 test file\(s\) not in the plan \(tests\/added\.test\.ts\); .*shard plan --out/,
    );
    await fs.rm(path.join(dir, 'tests/added.test.ts'));
  });
});

describe('settings shared with the other front ends', () => {
  it('SHARDWISE_RECORD=0 writes no report; DEBUG=shardwise shows the planning internals', async () => {
    const dir = await copyFixture('basic');
    ok(await vitest(dir, ['run', '--shard=1/2'], { SHARDWISE_RECORD: '0' }));
    expect(await readReports(dir)).toEqual(new Map());
    const debug = ok(await vitest(dir, ['run', '--shard=1/2'], { DEBUG: 'shardwise' }));
    expect(debug.stderr).toMatch(/^shardwise: debug: planned 15 files into 2 shards in \d+ ms/m);
  });
});

describe('every sharded run', () => {
  it('prints one stderr line that shardwise planned it: shard, files, predicted time, plan', async () => {
    const dir = await copyFixture('basic');
    const r = ok(await vitest(dir, ['run', '--shard=1/2']));
    expect(lines(r.stderr).filter((l) => l.startsWith('shardwise: shard '))).toEqual([
      expect.stringMatching(
        /^shardwise: shard 1\/2: \d+ of 15 file\(s\), ~\d+\.\d s of ~\d+\.\d s in total, 15 estimated \(plan [0-9a-f]{8}\)$/,
      ),
    ]);
  });
});

describe('the shard line with a store that kept recent measurements', () => {
  it('shows how far the prediction may be off: "~… s ± … s"', async () => {
    const dir = await copyFixture('basic');
    const files = await testFiles(dir);
    const entry = (ms: number) => ({ durationMs: ms, samples: 3, recentMs: [ms, ms + 200, ms + 400] });
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      JSON.stringify({ version: 1, files: Object.fromEntries(files.map((f) => [f, entry(sleepOf(f))])) }),
    );
    const r = ok(await vitest(dir, ['run', '--shard=1/2']));
    expect(lines(r.stderr).filter((l) => l.startsWith('shardwise: shard '))).toEqual([
      expect.stringMatching(
        /^shardwise: shard 1\/2: \d+ of 15 file\(s\), ~\d+\.\d s ± \d+\.\d s of ~\d+\.\d s in total \(plan [0-9a-f]{8}\)$/,
      ),
    ]);
  });
});

describe('a timing store at an explicit path (SHARDWISE_TIMINGS)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('basic');
  });

  it('warns loudly when the file is missing: a ::warning:: annotation on GitHub Actions', async () => {
    await fs.mkdir(path.join(dir, 'ci'));
    const r = ok(
      await vitest(dir, ['run', '--shard=1/3'], {
        SHARDWISE_TIMINGS: 'ci/missing.json',
        GITHUB_ACTIONS: 'true',
      }),
    );
    expect(r.stderr).toMatch(
      /^::warning title=shardwise::no timing store at ci\/missing\.json, the path you named; planned 15 files by estimate/m,
    );
  });

  it('fails with one line when its folder does not exist', async () => {
    const r = await vitest(dir, ['run', '--shard=1/3'], { SHARDWISE_TIMINGS: 'nowhere/timings.json' });
    expectOneLine(
      r,
      /^shardwise: SHARDWISE_TIMINGS nowhere\/timings\.json: the folder nowhere does not exist; check the path/,
    );
  });

  it('fails with one line when SHARDWISE_REQUIRE_TIMINGS=1 and there is no store', async () => {
    const r = await vitest(dir, ['run', '--shard=1/3'], { SHARDWISE_REQUIRE_TIMINGS: '1' });
    expectOneLine(
      r,
      /^shardwise: shard-timings\.json: no timing store, and one is required; restore the store/,
    );
  });
});

describe('user errors are one line and exit 2', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('basic');
  });

  it.each([
    [
      'a truncated store',
      { SHARDWISE_TIMINGS: 'truncated.json' },
      /^shardwise: .*truncated\.json: invalid JSON at line 1, column \d+.*; fix it, or delete it/,
    ],
    [
      'a bad variable',
      { SHARDWISE_ESTIMATOR: 'bogus' },
      /^shardwise: SHARDWISE_ESTIMATOR: expected mean, median, p90 or a whole number/,
    ],
  ])('%s', async (_name, env, pattern) => {
    await fs.writeFile(path.join(dir, 'truncated.json'), '{"version": 1, "files": {"tests/sleep');
    expectOneLine(await vitest(dir, ['run', '--shard=1/2'], env), pattern);
  });

  it('a bad option in the config', async () => {
    await fs.writeFile(
      path.join(dir, 'bad.config.ts'),
      "import { shardwise } from '@shardwise/vitest';\nexport default { plugins: [shardwise({ stability: 'plan.json' } as never)] };\n",
    );
    const r = await vitest(dir, ['run', '-c', 'bad.config.ts', '--shard=1/2']);
    expectOneLine(
      r,
      /^shardwise: shardwise\(\{ stability \}\): renamed; write shardwise\(\{ previous \}\) instead$/,
    );
  });
});

describe('Vitest projects', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyFixture('projects');
  });

  it('inline projects without `extends: true`: no hook reaches the plugin, so the run fails with the fix', async () => {
    const r = await vitest(dir, ['run', '-c', 'inline.config.ts', '--shard=1/2']);
    expectOneLine(
      r,
      /^shardwise: shardwise\(\) is in the root config, but no project of test.projects has it, .*: add `extends: true` to the inline project\(s\) "alpha", "beta" so they inherit it$/,
    );
  });

  it("projects by folder where none has the plugin (`--project` leaves out alpha's): the run fails with the fix", async () => {
    const r = await vitest(dir, [
      'run',
      '-c',
      'folders.config.ts',
      '--project',
      'beta',
      '--project',
      'gamma',
      '--shard=1/2',
    ]);
    expectOneLine(
      r,
      /^shardwise: .*: add shardwise\(\) to the plugins of the config file of every project that "packages\/\*" names/,
    );
  });

  it('`--project` leaves out the only project with the plugin: Vitest’s count split, said in one line', async () => {
    const r = ok(await vitest(dir, ['run', '-c', 'files.config.ts', '--project', 'beta', '--shard=1/2']));
    expect(r.stderr.split('\n').filter((l) => l.startsWith('shardwise:'))).toEqual([
      'shardwise: --project left out every project that has shardwise() ("alpha"), so Vitest split this run by its file count and recorded no timing; add shardwise() to the projects you run (their config\'s plugins, or `extends: true` on an inline project)',
    ]);
    // Without a shard there is no split to speak of.
    const unsharded = ok(await vitest(dir, ['run', '-c', 'files.config.ts', '--project', 'beta']));
    expect(unsharded.stderr).not.toContain('shardwise:');
  });

  it.each([
    [
      'by folder (`packages/*`), a folder without a config among them',
      'folders.config.ts',
      ['alpha', 'beta', 'gamma'],
    ],
    ['by config file, the plugin in one of them', 'files.config.ts', ['alpha', 'beta']],
  ])('projects %s: one plan across all projects', async (_name, config, projects) => {
    const reportsDir = path.join(dir, `reports-${config}`);
    const runs = await Promise.all(
      [1, 2].map((i) =>
        vitest(dir, ['run', '-c', config, `--shard=${i}/2`], { SHARDWISE_REPORTS_DIR: reportsDir }),
      ),
    );
    runs.forEach(ok);
    const reports = [...(await readReports(dir, reportsDir)).values()];
    expect(reports.map((r) => r.shard!.index).sort()).toEqual([1, 2]);
    expect(reports[0]!.plan).toEqual(reports[1]!.plan);
    const all = projects.flatMap((p) =>
      (p === 'gamma' ? [1] : [1, 2]).map((n) => `${p}|packages/${p}/tests/${p}-${n}.test.ts`),
    );
    expect(reports.flatMap((r) => r.files.map((f) => f.file)).sort()).toEqual(all);
  });
});

describe('a file whose tests are all skipped', () => {
  it('is reported with its real cost (setup and import), as skipped', async () => {
    const dir = await copyFixture('basic');
    await fs.writeFile(
      path.join(dir, 'tests/skipped.test.ts'),
      [
        "import { describe, test } from 'vitest';",
        '// Every test is skipped, but the import takes 300 ms: that is its cost on a shard.',
        'const until = Date.now() + 300;',
        'while (Date.now() < until) {}',
        "test.skip('skipped', () => {});",
        "describe.skip('skipped too', () => { test('never runs', () => {}); });",
        '',
      ].join('\n'),
    );
    ok(await vitest(dir, ['run', 'tests/skipped']));
    const report = (await readReports(dir)).get('vitest-full.json');
    expect(report!.files).toEqual([
      expect.objectContaining({
        file: 'tests/skipped.test.ts',
        status: 'skipped',
        durationMs: expect.any(Number),
      }),
    ]);
    expect(report!.files[0]!.durationMs).toBeGreaterThanOrEqual(295);
  });
});

describe('a pinned plan for several projects', () => {
  it('`vitest list --filesOnly --json | shard plan --out` pins name|path keys; every shard runs its part', async () => {
    const dir = await copyFixture('workspace');
    const list = ok(await vitest(dir, ['list', '--filesOnly', '--json']));
    const pin = await shard(
      dir,
      ['plan', '--shards', '2', '--out', 'plan.json', '--files-from', '-'],
      list.stdout,
    );
    expect(pin.code, pin.stderr).toBe(0);
    const plan = parsePlanText(await fs.readFile(path.join(dir, 'plan.json'), 'utf8'), 'plan.json');
    expect(plan.shards.flat().every((key) => /^(alpha|beta)\|(alpha|beta)\//.test(key))).toBe(true);
    for (const i of [1, 2]) {
      const r = ok(await vitest(dir, ['run', `--shard=${i}/2`], { SHARDWISE_PLAN: 'plan.json' }));
      expect(r.stderr).toContain('pinned by SHARDWISE_PLAN plan.json');
    }
    const reports = [...(await readReports(dir)).values()];
    const ran = reports.flatMap((r) => r.files.map((f) => f.file)).sort();
    expect(ran).toEqual(plan.shards.flat().sort());
  });
});

// The README's quick start asks for `"type": "module"`: the config it shows is ESM, which Vite otherwise
// loads as CommonJS, with a warning on every run.
describe('the quick start config and `"type": "module"`', () => {
  it.each([
    { name: 'with it: no warning', type: true },
    { name: 'without it: Vite warns that it loads the config as CommonJS', type: false },
  ])('$name', async ({ type }) => {
    const dir = await copyFixture('basic');
    if (!type)
      await fs.writeFile(path.join(dir, 'package.json'), '{ "name": "fixture-basic", "private": true }');
    const r = ok(await vitest(dir, ['run', '--shard=1/2']));
    expect(/ESM syntax in a file loaded as CommonJS/.test(r.stdout + r.stderr)).toBe(!type);
  });
});
