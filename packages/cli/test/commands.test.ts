import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { main } from '../src/main.js';
import { runMain, storeText, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// In-process: the commands' output, colour and GitHub integration, without spawning.

const FILES = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'e.test.ts', 'f.test.ts'];
const STORE = storeText({
  'a.test.ts': 6000,
  'b.test.ts': 5000,
  'c.test.ts': 4000,
  'd.test.ts': 3000,
  'e.test.ts': 2000,
});
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

async function project(): Promise<string> {
  return tempDir({ 'list.txt': FILES.join('\n'), 'shard-timings.json': STORE });
}

describe('colour', () => {
  async function plan(isTTY: boolean, env: Record<string, string>): Promise<string> {
    const cwd = await project();
    let out = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (out += s), isTTY },
      stderr: { write: () => true, isTTY },
      readStdin: () => Promise.resolve(''),
      env,
      cwd,
    };
    expect(await main(['plan', '--shards', '2', '--files-from', 'list.txt'], io)).toBe(0);
    return out;
  }

  it.each<{ name: string; isTTY: boolean; env: Record<string, string>; coloured: boolean }>([
    { name: 'on a TTY', isTTY: true, env: {}, coloured: true },
    { name: 'not on a TTY', isTTY: false, env: {}, coloured: false },
    { name: 'never with NO_COLOR', isTTY: true, env: { NO_COLOR: '1' }, coloured: false },
    { name: 'FORCE_COLOR off a TTY', isTTY: false, env: { FORCE_COLOR: '1' }, coloured: true },
  ])('$name', async ({ isTTY, env, coloured }) => {
    expect(ANSI.test(await plan(isTTY, env))).toBe(coloured);
  });
});

describe('shard plan', () => {
  it('reports the lower bound, the imbalance, unknown files and the store match', async () => {
    const cwd = await project();
    const result = await runMain(['plan', '--shards', '2', '--files-from', 'list.txt'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('6 test files in 2 shards');
    expect(result.stdout).toMatch(/Slowest shard\s+12\.0s\s+\(lower bound 12\.0s: optimal\)/);
    expect(result.stdout).toMatch(/No timing\s+1 of 6 files, planned at 4\.0s each \(mean\)/);
    expect(result.stdout).toMatch(/Store\s+5 of 5 entries match a current file/);
    expect(result.stderr).toBe('');
  });

  it('reads the store named by SHARDWISE_TIMINGS', async () => {
    const cwd = await tempDir({ 'list.txt': FILES.join('\n'), 'ci/store.json': STORE });
    const result = await runMain(['plan', '--shards', '2', '--files-from', 'list.txt', '--json'], {
      cwd,
      env: { SHARDWISE_TIMINGS: 'ci/store.json' },
    });
    expect(JSON.parse(result.stdout).unknownFiles).toEqual(['f.test.ts']);
  });

  it('--estimator and --no-timings change the estimate', async () => {
    const cwd = await project();
    const p90 = await runMain(
      ['plan', '--shards', '2', '--files-from', 'list.txt', '--estimator', 'p90', '--json'],
      { cwd },
    );
    expect(JSON.parse(p90.stdout).totalMs).toBe(20000 + 6000);
    const none = await runMain(
      ['plan', '--shards', '2', '--files-from', 'list.txt', '--no-timings', '--json'],
      { cwd },
    );
    expect(JSON.parse(none.stdout)).toMatchObject({ totalMs: 6000, unknownFiles: FILES });
  });

  it('takes the shard count from the CI and says so', async () => {
    const cwd = await project();
    const result = await runMain(['plan', '--files-from', 'list.txt', '--json'], {
      cwd,
      env: { BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '3' },
    });
    expect(JSON.parse(result.stdout).shardCount).toBe(3);
    expect(result.stderr).toContain('3 shards from Buildkite');
  });

  it('recommends a shard count without --shards', async () => {
    const cwd = await project();
    const result = await runMain(
      ['plan', '--files-from', 'list.txt', '--max-shards', '6', '--overhead', '1'],
      { cwd },
    );
    expect(result.code).toBe(0);
    // 6, 5, 4, 4 (estimated), 3, 2 s: the best wall time is 1 s + 6 s (the largest file), from 5 shards on;
    // 4 shards give 1 s + 7 s, more than 10% above it.
    expect(result.stdout).toContain('Recommended: 5 shards');
    expect(result.stdout).toContain('6 test files in 5 shards');
  });

  it('--previous starts from an earlier plan', async () => {
    const cwd = await project();
    const first = await runMain(['plan', '--shards', '3', '--files-from', 'list.txt', '--json'], { cwd });
    await fs.writeFile(path.join(cwd, 'plan.json'), first.stdout);
    const again = await runMain(
      ['plan', '--shards', '3', '--files-from', 'list.txt', '--json', '--previous', 'plan.json'],
      { cwd },
    );
    expect(JSON.parse(again.stdout).shards).toEqual(JSON.parse(first.stdout).shards);
    await fs.writeFile(path.join(cwd, 'bad.json'), '{"shards": 3}');
    const bad = await runMain(
      ['plan', '--shards', '3', '--files-from', 'list.txt', '--previous', 'bad.json'],
      { cwd },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--previous');
  });

  it('appends the shard table to the GitHub step summary and warns with annotations', async () => {
    const cwd = await tempDir({
      'list.txt': FILES.join('\n'),
      'shard-timings.json': storeText({
        'elsewhere/a.test.ts': 1,
        'elsewhere/b.test.ts': 2,
        'elsewhere/c.test.ts': 3,
      }),
    });
    const summary = path.join(cwd, 'summary.md');
    const result = await runMain(['plan', '--shards', '2', '--files-from', 'list.txt'], {
      cwd,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^::warning title=shardwise::only 0 of 6 test files have a time in shard-timings\.json \(3 entries\)/m,
    );
    expect(result.stderr).toContain('the store has "elsewhere/a.test.ts" where the file is "a.test.ts"');
    const markdown = await fs.readFile(summary, 'utf8');
    expect(markdown).toContain('| Shard | Files | Predicted |');
    expect(markdown).toContain('| 1/2 | 3 |');
  });
});

describe('shard files', () => {
  it('reads --files-from - and prints NUL-separated with -0', async () => {
    const cwd = await project();
    const result = await runMain(['files', '--shard', '1/2', '--files-from', '-', '-0'], {
      cwd,
      stdin: FILES.join('\n'),
    });
    expect(result.stdout.endsWith('\0')).toBe(true);
    expect(result.stdout.split('\0').filter(Boolean).length).toBeGreaterThan(0);
  });

  it('--verbose and DEBUG=shardwise show internals on stderr', async () => {
    const cwd = await project();
    for (const [argv, env] of [
      [['--verbose'], {}],
      [[], { DEBUG: 'shardwise' }],
    ] as const) {
      const result = await runMain(['files', '--shard', '1/2', '--files-from', 'list.txt', ...argv], {
        cwd,
        env,
      });
      expect(result.stderr).toMatch(/shardwise\s+\d+ms partition 6 files into 2 shards/);
    }
  });

  it('reports an unreadable --files-from as one line', async () => {
    const result = await runMain(['files', '--shard', '1/2', '--files-from', 'missing.txt'], {
      cwd: await project(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error --files-from .*missing\.txt: no such file list\n$/);
  });
});

describe('shard merge and check', () => {
  it('refuses a directory with no reports, and a file that is not one', async () => {
    const cwd = await tempDir({ 'reports/other.json': '{}', 'bad.json': '{"format":"x"}' });
    const none = await runMain(['merge', 'reports'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no shardwise reports in reports (1 other JSON file(s) skipped)');
    const bad = await runMain(['merge', 'bad.json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.json: not a shardwise report');
    const missing = await runMain(['merge'], { cwd });
    expect(missing.stderr).toContain('no reports given and no .shardwise/reports');
  });

  it('merges a report without a plan and says coverage was not verified', async () => {
    const report = {
      format: 'shardwise-report',
      version: 1,
      runner: 'jest',
      files: [{ file: 'a.test.ts', durationMs: 100, status: 'passed' }],
    };
    const cwd = await tempDir({ 'r.json': JSON.stringify(report) });
    const result = await runMain(['merge', 'r.json', '--out', 'out/store.json', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      added: ['a.test.ts'],
      coverage: { checked: false, ok: true },
    });
    expect(result.stderr).toContain('coverage was not verified');
    expect(await fs.readFile(path.join(cwd, 'out/store.json'), 'utf8')).toContain(
      '"a.test.ts": { "durationMs": 100',
    );
  });

  it('check lists stale entries and untimed files in text', async () => {
    const cwd = await tempDir({
      'list.txt': 'a.test.ts\nnew.test.ts\n',
      'shard-timings.json': storeText({ 'a.test.ts': 1, 'gone.test.ts': 2 }),
    });
    const result = await runMain(['check', '--files-from', 'list.txt'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 of 2 entries (50.0%) match the 2 test files');
    expect(result.stdout).toMatch(/Stale entries \(1\)[^\n]*\n {2}gone\.test\.ts/);
    expect(result.stdout).toMatch(/Files with no timing \(1\)[^\n]*\n {2}new\.test\.ts/);
    const none = await runMain(['check', '--files-from', 'list.txt', '--timings', 'nope.json'], { cwd });
    expect(none.code).toBe(1);
  });
});

describe('shard import', () => {
  it('shows a progress bar on a TTY for many reports, and imports them all', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 25; i++) {
      files[`reports/r${i}.json`] = JSON.stringify({
        testResults: [
          {
            name: `/elsewhere/repo/src/t${i}.test.ts`,
            startTime: 1000,
            endTime: 1000 + 10 * i,
            assertionResults: [],
          },
        ],
      });
    }
    const cwd = await tempDir(files);
    let stderr = '';
    let stdout = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s), isTTY: true, columns: 80 },
      readStdin: () => Promise.resolve(''),
      env: {},
      cwd,
    };
    // Absolute paths in the reports are made relative to --root; the store stays where --timings says.
    const code = await main(
      ['import', 'jest-json', 'reports', '--root', '/elsewhere/repo', '--timings', 'store.json'],
      io,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('Importing');
    expect(stdout).toContain('Imported 25 jest-json report(s) naming 25 test file(s)');
    const store = await fs.readFile(path.join(cwd, 'store.json'), 'utf8');
    expect(store).toContain('"src/t24.test.ts": { "durationMs": 240, "samples": 1 }');
  });
});
