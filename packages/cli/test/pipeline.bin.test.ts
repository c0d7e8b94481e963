/**
 * A real pipeline's mistakes, run as a user runs the CLI (the built bin, real files): re-runs of a shard
 * job with a pinned plan, and every way a build could go green having run nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createReport, serializeReport, type Plan } from '@shardwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, storeText, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const FILES = Array.from({ length: 9 }, (_, i) => `tests/t${i}.test.ts`);
const DURATIONS = Object.fromEntries(FILES.map((f, i) => [f, (i + 1) * 1000]));
const suite = () =>
  tempDir({
    ...Object.fromEntries(FILES.map((f) => [f, ''])),
    'shard-timings.json': storeText(DURATIONS),
  });

/** What a shard job's plugin writes: the plan it ran under and the files it ran, with their times. */
async function writeShardReport(
  dir: string,
  plan: Plan,
  index: number,
  files: string[],
  msOf: (f: string) => number,
) {
  const report = createReport({
    runner: 'jest',
    shard: { index, count: plan.shardCount },
    plan,
    partial: false,
    testsFiltered: false,
    createdAt: new Date().toISOString(),
    files: files.map((file) => ({ file, durationMs: msOf(file), status: 'passed' as const })),
  });
  await fs.mkdir(path.join(dir, 'reports'), { recursive: true });
  await fs.writeFile(path.join(dir, 'reports', `jest-shard-${index}.json`), serializeReport(report));
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('a pinned plan', () => {
  it('a re-run of shard 2 after the merge runs its original files, and the next merge verifies', async () => {
    const dir = await suite();
    // The plan job: pins the plan once, before the matrix starts.
    const pinned = await runBin(['plan', '--shards', '3', '--out', 'plan.json'], { cwd: dir });
    expect(pinned.code).toBe(0);
    expect(pinned.stderr).toContain('Pinned plan');
    const planText = JSON.parse(await fs.readFile(path.join(dir, 'plan.json'), 'utf8')) as Plan & {
      format: string;
    };
    expect(planText.format).toBe('shardwise-plan');

    // Attempt 1: every shard job runs its files of the pinned plan.
    const attempt1: string[][] = [];
    for (const i of [1, 2, 3]) {
      const r = await runBin(['files', '--shard', `${i}/3`, '--plan', 'plan.json'], { cwd: dir });
      expect(r.code).toBe(0);
      attempt1.push(lines(r.stdout));
    }
    expect(attempt1.flat().sort()).toEqual([...FILES].sort());
    // The real durations differ a lot from the store (the reverse order, twice as far apart), so the merge
    // moves them past one another.
    const real = (f: string) => 2 * (10_000 - DURATIONS[f]!);
    const plan = { ...planText, emptyShards: [], unknownEstimateMs: 1000 } as Plan;
    for (const i of [1, 2, 3]) await writeShardReport(dir, plan, i, attempt1[i - 1]!, real);
    const merged = await runBin(['merge', 'reports'], { cwd: dir });
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('Coverage verified');

    // Without the pin, the updated store now plans shard 2 differently: that is the bug pinning prevents.
    const replanned = await runBin(['files', '--shard', '2/3'], { cwd: dir });
    expect(lines(replanned.stdout).sort()).not.toEqual([...attempt1[1]!].sort());

    // "Re-run failed jobs": shard 2 restores the updated store, but runs its original files.
    const rerun = await runBin(['files', '--shard', '2/3'], {
      cwd: dir,
      env: { SHARDWISE_PLAN: 'plan.json' },
    });
    expect(rerun.code).toBe(0);
    expect(lines(rerun.stdout)).toEqual(attempt1[1]);
    await writeShardReport(dir, plan, 2, lines(rerun.stdout), real);
    const again = await runBin(['merge', 'reports'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'Coverage verified: all 9 planned files ran exactly once across 3 shard(s)',
    );
  });

  it.each([
    {
      name: 'a planned file is gone',
      change: (dir: string) => fs.rm(path.join(dir, FILES[0]!)),
      says: `1 planned file(s) not found (${FILES[0]})`,
    },
    {
      name: 'a new test file',
      change: (dir: string) => fs.writeFile(path.join(dir, 'tests/new.test.ts'), ''),
      says: '1 test file(s) not in the plan (tests/new.test.ts)',
    },
  ])(
    'no longer matching the files ($name) is exit 2 naming them, never a silent re-plan',
    async ({ change, says }) => {
      const dir = await suite();
      expect((await runBin(['plan', '--shards', '3', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
      await change(dir);
      for (const args of [
        ['files', '--shard', '1/3'],
        ['run', '--shard', '1/3'],
        ['plan', '--shards', '3'],
      ]) {
        const extra = args[0] === 'run' ? ['--', process.execPath, '-e', ''] : [];
        const r = await runBin([...args, '--plan', 'plan.json', ...extra], { cwd: dir });
        expect(r.code).toBe(2);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(
          `--plan plan.json: the pinned plan does not match the test files: ${says}`,
        );
        expect(r.stderr).toContain('plan again');
      }
    },
  );

  it('a pinned job needs no store: a missing, required or broken store does not fail it', async () => {
    const dir = await suite();
    await runBin(['plan', '--shards', '3', '--out', 'plan.json'], { cwd: dir });
    const expected = await runBin(['files', '--shard', '2/3', '--plan', 'plan.json'], { cwd: dir });
    await fs.rm(path.join(dir, 'shard-timings.json'));
    const required = await runBin(['files', '--shard', '2/3', '--plan', 'plan.json', '--require-timings'], {
      cwd: dir,
    });
    expect(required).toMatchObject({ code: 0, stdout: expected.stdout });
    await fs.writeFile(path.join(dir, 'shard-timings.json'), '{"version":1,');
    const broken = await runBin(['files', '--shard', '2/3'], {
      cwd: dir,
      env: { SHARDWISE_PLAN: 'plan.json' },
    });
    expect(broken).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
  });

  it('another shard count than the pinned plan is exit 2', async () => {
    const dir = await suite();
    await runBin(['plan', '--shards', '3', '--out', 'plan.json'], { cwd: dir });
    const r = await runBin(['files', '--shard', '1/4', '--plan', 'plan.json'], { cwd: dir });
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toContain('the pinned plan has 3 shards, this job runs 4');
  });
});

describe('nothing goes green by mistake', () => {
  it.each([
    {
      name: 'a glob typo',
      args: ['tests/**/*.tset.ts'],
      says: 'no test files found (from tests/**/*.tset.ts in',
    },
    {
      name: 'an empty --files-from',
      args: ['--files-from', 'empty.txt'],
      says: 'no test files found (from empty.txt in',
    },
    { name: 'a --root that does not exist', args: ['--root', 'nope'], says: 'nope: no such directory' },
  ])('$name: exit 2, one line', async ({ args, says }) => {
    const dir = await suite();
    await fs.writeFile(path.join(dir, 'empty.txt'), '\n');
    for (const command of [
      ['files', '--shard', '1/2'],
      ['plan', '--shards', '2'],
      ['run', '--shard', '1/2'],
    ]) {
      const extra = command[0] === 'run' ? ['--', process.execPath, '-e', 'process.exit(0)'] : [];
      const r = await runBin([...command, ...args, ...extra], { cwd: dir });
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(says);
    }
  });

  it('an explicit --timings whose folder does not exist is exit 2', async () => {
    const dir = await suite();
    for (const how of [
      { args: ['--timings', 'cache/t.json'] },
      { args: [], env: { SHARDWISE_TIMINGS: 'cache/t.json' } },
    ]) {
      const r = await runBin(['files', '--shard', '1/2', ...how.args], { cwd: dir, env: how.env ?? {} });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^error (--timings|SHARDWISE_TIMINGS) cache\/t\.json: the folder cache does not exist; /,
      );
    }
  });

  it('a missing store at an explicit path is a loud warning (an annotation on GitHub), an error when required', async () => {
    const dir = await suite();
    await fs.mkdir(path.join(dir, 'cache'));
    const warned = await runBin(['files', '--shard', '1/2', '--timings', 'cache/t.json'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(
      /^::warning title=shardwise::No timing store at cache\/t\.json, the path you named/m,
    );
    for (const how of [
      { args: ['--require-timings'], env: {} as Record<string, string> },
      { args: [], env: { SHARDWISE_REQUIRE_TIMINGS: '1' } },
    ]) {
      const r = await runBin(['files', '--shard', '1/2', '--timings', 'cache/t.json', ...how.args], {
        cwd: dir,
        env: how.env,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cache/t.json: no timing store, and one is required');
    }
  });
});

describe('bad input says what and where', () => {
  it.each([
    { name: 'a NUL byte', text: 'tests/t0.test.ts\n\u0000\u0001junk\n', says: 'line 2 holds a NUL byte' },
    {
      name: 'bytes that are not UTF-8',
      bytes: Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]),
      says: 'line 2 holds bytes that are not UTF-8',
    },
  ])('--files-from with $name is exit 2 naming the line', async ({ text, bytes, says }) => {
    const dir = await suite();
    await fs.writeFile(path.join(dir, 'list.txt'), bytes ?? text);
    const r = await runBin(['files', '--shard', '1/2', '--files-from', 'list.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error --files-from list.txt: ${says}; expected text, one test file path per line (is it a binary file?)\n`,
    );
  });

  it.each(['-1/3', '-0', '-2/-3'])('--shard %s says the value is invalid', async (value) => {
    const dir = await suite();
    const r = await runBin(['files', '--shard', value], { cwd: dir });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    if (value.startsWith('--')) expect(r.stderr).toContain('unknown option');
    else
      expect(r.stderr).toContain(
        `--shard: expected I/N with whole numbers and 1 ≤ I ≤ N (e.g. 2/4), got "${value}"`,
      );
  });
});

describe('huge shard counts', () => {
  it('--shard I/100000000 answers as fast as the files allow, and empty shards collapse into one row', async () => {
    const dir = await suite();
    const first = await runBin(['files', '--shard', '1/100000000'], { cwd: dir });
    expect(first.code).toBe(0);
    // The longest file alone.
    expect(lines(first.stdout)).toEqual(['tests/t8.test.ts']);
    const last = await runBin(['files', '--shard', '100000000/100000000'], { cwd: dir });
    expect(last).toMatchObject({ code: 0, stdout: '' });
    expect(last.stderr).toContain('shard 100000000/100000000 is empty');
    const plan = await runBin(['plan', '--shards', '100000000'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^\s+10–100000000\s+0\s+0ms\s*$/m);
    expect(plan.stdout).toContain('Empty shards   99999991: 10–100000000');
    const json = JSON.parse(
      (await runBin(['plan', '--shards', '100000000', '--json'], { cwd: dir })).stdout,
    ) as {
      shardCount: number;
      shards: unknown[];
    };
    expect(json.shardCount).toBe(100000000);
    expect(json.shards).toHaveLength(9);
  });
});

describe('merge and import over imperfect artifacts', () => {
  /** A pinned 3-shard plan with every shard's report written, as the jobs would. */
  async function threeShards() {
    const dir = await suite();
    await runBin(['plan', '--shards', '3', '--out', 'plan.json'], { cwd: dir });
    const plan = JSON.parse(await fs.readFile(path.join(dir, 'plan.json'), 'utf8')) as Plan;
    for (const i of [1, 2, 3]) {
      await writeShardReport(dir, plan, i, plan.shards[i - 1]!.files, (f) => DURATIONS[f]!);
    }
    return { dir, plan };
  }

  it('a local unsharded report among the shards is named and left out, never "run by 2 shards"', async () => {
    const { dir, plan } = await threeShards();
    const full = createReport({
      runner: 'jest',
      shard: undefined,
      plan: {
        ...plan,
        shardCount: 1,
        fingerprint: 'f'.repeat(16),
        shards: [{ index: 1, estimatedMs: 0, files: FILES }],
      },
      partial: false,
      testsFiltered: false,
      createdAt: new Date().toISOString(),
      files: FILES.map((file) => ({ file, durationMs: 5, status: 'passed' as const })),
    });
    await fs.writeFile(path.join(dir, 'reports', 'jest-full.json'), serializeReport(full));
    const r = await runBin(['merge', 'reports'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Coverage verified');
    expect(r.stderr).toContain('reports/jest-full.json is the report of an unsharded run');
    expect(r.stderr).not.toContain('run by 2 shards');
  });

  it('one unreadable report: the merge names it; --skip-invalid merges the rest and counts its shard missing', async () => {
    const { dir, plan } = await threeShards();
    await fs.writeFile(
      path.join(dir, 'reports', 'jest-shard-2.json'),
      '{"format":"shardwise-report","version":1,',
    );
    const failed = await runBin(['merge', 'reports'], { cwd: dir });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^error reports\/jest-shard-2\.json: invalid JSON at line 1/);
    const skipped = await runBin(['merge', '--skip-invalid', 'reports'], { cwd: dir });
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toContain('--skip-invalid: left out 1 invalid report(s)');
    expect(skipped.stderr).toContain('skipped: reports/jest-shard-2.json: invalid JSON');
    expect(skipped.stderr).toContain(
      `shard 2/3 sent no report; its ${plan.shards[1]!.files.length} planned file(s) are unverified`,
    );
  });

  it('import of JUnit that names no test file exits 2 with the fix for that runner', async () => {
    const dir = await suite();
    // What `node --test --test-reporter=junit` writes: no file attribute anywhere.
    await fs.writeFile(
      path.join(dir, 'node.xml'),
      '<?xml version="1.0"?><testsuites><testsuite name="math"><testcase name="adds" time="0.1"/></testsuite></testsuites>',
    );
    const r = await runBin(['import', 'junit', 'node.xml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(
      'shard import junit: 1 report(s) read, but the JUnit reports name no test files',
    );
    expect(r.stderr).toContain('node --test --test-reporter=junit` writes no file attribute');
  });
});

describe('a shard too big for one command line', () => {
  it('shard run is exit 2 with the xargs pointer, never an internal error', async () => {
    const dir = await tempDir();
    const list = Array.from({ length: 60_000 }, (_, i) => `packages/some/long/path/tests/file-${i}.test.ts`);
    await fs.writeFile(path.join(dir, 'list.txt'), list.join('\n'));
    const r = await runBin(
      ['run', '--shard', '1/1', '--files-from', 'list.txt', '--no-timings', '--', process.execPath, '-e', ''],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('shard run: shard 1/1 has 60000 files, too many for one command line');
    // The pointer repeats this job's inputs, so it lists the same shard.
    expect(r.stderr).toContain(
      `shard files --shard 1/1 --files-from list.txt --no-timings -0 | xargs -0 ${process.execPath} -e ''`,
    );
  });
});

describe('plan and check agree on how the store matches', () => {
  it('a store keyed by project: the same rate and the same hint, and no entry called stale', async () => {
    const dir = await suite();
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      storeText(Object.fromEntries(FILES.map((f) => [`unit|${f}`, 1000]))),
    );
    const plan = await runBin(['plan', '--shards', '2'], { cwd: dir });
    const check = await runBin(['check', '--json'], { cwd: dir });
    const checkText = await runBin(['check'], { cwd: dir });
    expect(plan.stdout).toContain('0 of 9 entries match a current file');
    expect(JSON.parse(check.stdout)).toMatchObject({
      entries: 9,
      matched: 0,
      projectKeyed: 9,
      stale: [],
      unlisted: [],
    });
    for (const r of [plan, checkText]) {
      expect(r.stderr).toContain('only 0 of 9 test files have a time in shard-timings.json (9 entries)');
      expect(r.stderr).toContain('The store is keyed by project ("name|path")');
    }
  });

  it('tests of a listed file (Playwright units, "path › title"): counted apart, never stale, the file not untimed', async () => {
    const dir = await suite();
    const [first, ...rest] = FILES;
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      storeText({
        ...Object.fromEntries(rest.map((f) => [f, 1000])),
        [`${first} › checkout › pays`]: 500,
        [`${first} › GET http://x//y`]: 300,
      }),
    );
    const check = await runBin(['check', '--json'], { cwd: dir });
    expect(JSON.parse(check.stdout)).toMatchObject({ matched: 8, testKeyed: 2, stale: [], untimed: [] });
    const text = await runBin(['check'], { cwd: dir });
    expect(text.stdout).toContain('2 more are tests or groups of listed files ("path › title")');
  });

  it('files the patterns did not find: the patterns hint, not "pass --root", and never stale', async () => {
    const dir = await suite();
    // The runner's include is `spec/**/*.check.js`; the CLI's default patterns find other files.
    const specs = Array.from({ length: 6 }, (_, i) => `spec/s${i}.check.js`);
    for (const f of specs) {
      await fs.mkdir(path.join(dir, 'spec'), { recursive: true });
      await fs.writeFile(path.join(dir, f), '');
    }
    await fs.writeFile(
      path.join(dir, 'shard-timings.json'),
      storeText(Object.fromEntries(specs.map((f) => [f, 500]))),
    );
    const plan = await runBin(['plan', '--shards', '2'], { cwd: dir });
    const check = await runBin(['check', '--json'], { cwd: dir });
    expect(plan.stderr).toContain('the test file patterns did not list them');
    expect(plan.stderr).not.toContain('--root');
    expect(JSON.parse(check.stdout)).toMatchObject({ matched: 0, stale: [], unlisted: specs });
    const listed = await runBin(['check', 'spec/**/*.check.js', '--json'], { cwd: dir });
    expect(JSON.parse(listed.stdout)).toMatchObject({ matched: 6, stale: [], unlisted: [] });
  });
});

describe('shard plan names the files it planned by estimate', () => {
  it('lists untimed files by name (all with --verbose), not only their count', async () => {
    const dir = await suite();
    const added = Array.from({ length: 25 }, (_, i) => `tests/new-${String(i).padStart(2, '0')}.test.ts`);
    for (const f of added) await fs.writeFile(path.join(dir, f), '');
    const r = await runBin(['plan', '--shards', '2'], { cwd: dir });
    expect(r.stdout).toContain('Files with no timing (25), planned by estimate:');
    expect(r.stdout).toContain('  tests/new-00.test.ts');
    expect(r.stdout).toContain('… and 5 more (--verbose lists all)');
    const all = await runBin(['plan', '--shards', '2', '--verbose'], { cwd: dir });
    for (const f of added) expect(all.stdout).toContain(`  ${f}`);
  });
});

describe('messages that say what happened', () => {
  it('a bad store under merge, import or check never suggests --no-timings, which they reject', async () => {
    const dir = await suite();
    await fs.writeFile(path.join(dir, 'shard-timings.json'), '{"version":1,"files":{');
    await fs.mkdir(path.join(dir, 'reports'));
    await fs.writeFile(path.join(dir, 'reports', 'r.json'), '{}');
    for (const args of [['merge', 'reports'], ['check'], ['import', 'jest-json', 'reports/r.json']]) {
      const r = await runBin(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain('--no-timings');
    }
    const planning = await runBin(['files', '--shard', '1/2'], { cwd: dir });
    expect(planning.stderr).toContain('plan without it (--no-timings)');
  });

  it('merge says what "kept" means', async () => {
    const dir = await suite();
    await runBin(['plan', '--shards', '1', '--out', 'plan.json'], { cwd: dir });
    const plan = JSON.parse(await fs.readFile(path.join(dir, 'plan.json'), 'utf8')) as Plan;
    const report = createReport({
      runner: 'jest',
      shard: { index: 1, count: 1 },
      plan,
      partial: false,
      testsFiltered: false,
      createdAt: new Date().toISOString(),
      files: FILES.map((file) => ({ file, durationMs: 1, status: 'failed' as const })),
    });
    await fs.mkdir(path.join(dir, 'reports'));
    await fs.writeFile(path.join(dir, 'reports', 'r.json'), serializeReport(report));
    const r = await runBin(['merge', 'reports'], { cwd: dir });
    expect(r.stdout).toContain('9 kept');
    expect(r.stdout).toContain(
      'kept: 9 file(s) failed, were skipped or were cut short, so their recorded durations stay as they were',
    );
  });
});

describe('--files-from takes the runners’ JSON lists', () => {
  it.each([
    {
      name: 'jest --listTests --json',
      json: (dir: string) => JSON.stringify(FILES.map((f) => path.join(dir, f))),
      key: FILES[0]!,
    },
    {
      name: 'vitest list --filesOnly --json, several projects',
      json: (dir: string) =>
        JSON.stringify(
          FILES.map((f, i) => ({ file: path.join(dir, f), projectName: i % 2 ? 'unit' : 'e2e' })),
        ),
      key: `e2e|${FILES[0]}`,
    },
  ])('$name', async ({ json, key }) => {
    const dir = await suite();
    const r = await runBin(['plan', '--shards', '2', '--json', '--files-from', '-'], {
      cwd: dir,
      input: json(dir),
    });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { shards: { files: string[] }[] };
    expect(plan.shards.flatMap((s) => s.files)).toHaveLength(FILES.length);
    expect(plan.shards.flatMap((s) => s.files)).toContain(key);
  });

  it('a JSON list that is neither is exit 2, saying what it expects', async () => {
    const dir = await suite();
    const r = await runBin(['files', '--shard', '1/2', '--files-from', '-'], {
      cwd: dir,
      input: '[{"path":"x"}]',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'expected the JSON of `jest --listTests --json` (paths) or `vitest list --filesOnly --json`',
    );
  });
});
