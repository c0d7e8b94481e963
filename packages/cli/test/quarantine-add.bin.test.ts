import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, runMain, storeText, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const today = new Date().toISOString().slice(0, 10);

/** A project with two test files; the flaky history knows the tests of `src/a.test.ts`. */
async function project(): Promise<string> {
  const report = {
    format: 'shardwise-report',
    version: 1,
    runner: 'vitest',
    createdAt: '2026-12-01T10:00:00.000Z',
    files: [
      {
        file: 'src/a.test.ts',
        durationMs: 10,
        status: 'passed',
        tests: ['a > one', 'a > two'].map((name) => ({ name, durationMs: 5, status: 'passed' })),
      },
    ],
  };
  const dir = await tempDir({
    'src/a.test.ts': '',
    'src/b.test.ts': '',
    'reports/vitest.json': JSON.stringify(report),
  });
  expect((await runMain(['flaky', '--record', 'reports'], { cwd: dir })).code).toBe(0);
  return dir;
}

const add = (dir: string, ...args: string[]) =>
  runMain(['quarantine', 'add', ...args, '--reason', 'races'], { cwd: dir });
const entries = async (dir: string) =>
  (JSON.parse(await fs.readFile(path.join(dir, 'shard-quarantine.json'), 'utf8')) as { tests: object[] })
    .tests;

describe('shard quarantine add: an entry that can match', () => {
  it.each([
    ['relative to the root', (_dir: string) => 'src/a.test.ts'],
    ['absolute', (dir: string) => path.join(dir, 'src/a.test.ts')],
    ['with ./ and backslashes', (_dir: string) => '.\\src\\a.test.ts'],
  ])('a file path %s is stored relative to the root, as reports name it', async (_name, file) => {
    const dir = await project();
    const result = await add(dir, file(dir), 'a > one');
    expect(result.code).toBe(0);
    expect(await entries(dir)).toEqual([
      { file: 'src/a.test.ts', name: 'a > one', reason: 'races', added: today },
    ]);
  });

  it.each([
    ['a file outside the root', ['../elsewhere/x.test.ts', 'a > one'], 'is not a test file inside the root'],
    ['a file that does not exist', ['src/gone.test.ts', 'a > one'], 'no test file src/gone.test.ts'],
    [
      'a test name the history does not know',
      ['src/a.test.ts', 'a > three'],
      'no test "a > three" in src/a.test.ts in shard-history.json or shard-timings.json (known: "a > one", "a > two")',
    ],
    [
      'a file no run has recorded a test of',
      ['src/b.test.ts', 'b > one'],
      'no test of src/b.test.ts is recorded in shard-history.json or shard-timings.json, so "b > one" cannot be checked',
    ],
    ['an impossible date', ['src/a.test.ts', 'a > one', '--expires', '2027-02-30'], 'got "2027-02-30"'],
    [
      'a month that does not exist',
      ['src/a.test.ts', 'a > one', '--expires', '2027-13-01'],
      'got "2027-13-01"',
    ],
  ])('refuses %s: exit 2, one line, nothing written', async (_name, args, message) => {
    const dir = await project();
    const result = await add(dir, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    await expect(fs.stat(path.join(dir, 'shard-quarantine.json'))).rejects.toThrow(/ENOENT/);
  });

  it('--force keeps an unknown test, with a warning', async () => {
    const dir = await project();
    const result = await add(dir, 'src/a.test.ts', 'a > three', '--force');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning no test "a > three" in src/a.test.ts');
    expect(result.stderr).toContain('kept (--force)');
    expect(await entries(dir)).toHaveLength(1);
  });

  it('knows the names the store records too', async () => {
    const dir = await project();
    const store = JSON.parse(storeText({ 'src/b.test.ts': 10 })) as { files: Record<string, object> };
    store.files['src/b.test.ts'] = {
      ...store.files['src/b.test.ts'],
      tests: [{ name: 'b > one', durationMs: 5, status: 'passed' }],
    };
    await fs.writeFile(path.join(dir, 'shard-timings.json'), JSON.stringify(store));
    expect((await add(dir, 'src/b.test.ts', 'b > one')).code).toBe(0);
  });

  it('replacing an entry says so and keeps its added day, expiry and owner unless given anew', async () => {
    const dir = await project();
    const first = await runMain(
      [
        'quarantine',
        'add',
        'src/a.test.ts',
        'a > one',
        '--reason',
        'old',
        '--expires',
        '2099-01-31',
        '--owner',
        '@ana',
      ],
      { cwd: dir },
    );
    expect(first.code).toBe(0);
    const again = await runBin(['quarantine', 'add', 'src/a.test.ts', 'a > one', '--reason', 'new'], {
      cwd: dir,
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      `replaced the entry for src/a.test.ts › a > one in shard-quarantine.json (until 2099-01-31): kept its added ${today}, expires 2099-01-31, owner @ana`,
    );
    expect(await entries(dir)).toEqual([
      {
        file: 'src/a.test.ts',
        name: 'a > one',
        reason: 'new',
        added: today,
        expires: '2099-01-31',
        owner: '@ana',
      },
    ]);
    const renewed = await runMain(
      ['quarantine', 'add', 'src/a.test.ts', 'a > one', '--reason', 'new', '--expires', '2099-02-28'],
      { cwd: dir },
    );
    expect(renewed.stderr).toContain('(until 2099-02-28): kept its added');
    expect(await entries(dir)).toMatchObject([{ expires: '2099-02-28', owner: '@ana' }]);
  });
});

describe('a quarantine file named by --quarantine or SHARDWISE_QUARANTINE must exist', () => {
  it.each([
    ['shard quarantine list', ['quarantine', 'list', '--quarantine', 'ci/q.json'], '--quarantine ci/q.json'],
    [
      'shard quarantine check',
      ['quarantine', 'check', 'reports', '--quarantine', 'ci/q.json'],
      '--quarantine ci/q.json',
    ],
    ['shard files', ['files', '--shard', '1/2', 'src/a.test.ts'], 'SHARDWISE_QUARANTINE ci/q.json'],
  ])('%s: exit 2, one line naming it', async (_name, argv, named) => {
    const dir = await project();
    const env: Record<string, string> = argv.includes('--quarantine')
      ? {}
      : { SHARDWISE_QUARANTINE: 'ci/q.json' };
    const result = await runBin(argv, { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^error ${named.replaceAll('.', '\\.')}: no such quarantine file; .*\\n$`),
    );
  });

  it('shard quarantine add creates it', async () => {
    const dir = await project();
    const result = await runMain(
      ['quarantine', 'add', 'src/a.test.ts', 'a > one', '--reason', 'r', '--quarantine', 'q.json'],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'q.json'), 'utf8'))).toMatchObject({
      tests: [{ name: 'a > one' }],
    });
  });
});
