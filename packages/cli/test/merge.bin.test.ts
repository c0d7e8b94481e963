import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin, runMain, storeText, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// End-to-end: the built bin, spawned as a user would, on real files in temp directories.

const FILES = Array.from({ length: 12 }, (_, i) => `src/m${String(i).padStart(2, '0')}/unit-${i}.test.ts`);
const DURATIONS = Object.fromEntries(FILES.slice(0, 9).map((f, i) => [f, 500 + ((i * 3779) % 9000)]));

async function fixture(): Promise<string> {
  return tempDir({ 'list.txt': FILES.join('\n') + '\n', 'shard-timings.json': storeText(DURATIONS) });
}

describe('shard merge (spawned)', () => {
  /** Reports as the plugins write them, from the plan `shard plan --json` prints. */
  async function shardReports(dir: string, tamper?: (shards: string[][]) => string[][]): Promise<void> {
    const plan = await runMain(['plan', '--shards', '3', '--files-from', 'list.txt', '--json'], { cwd: dir });
    const json = JSON.parse(plan.stdout) as { fingerprint: string; shards: { files: string[] }[] };
    const planned = json.shards.map((s) => s.files);
    const ran = tamper ? tamper(planned.map((s) => [...s])) : planned;
    await fs.mkdir(path.join(dir, '.shardwise/reports'), { recursive: true });
    await fs.writeFile(path.join(dir, '.shardwise/reports/README.json'), '{"not":"a report"}');
    for (const [i, files] of ran.entries()) {
      const report = {
        format: 'shardwise-report',
        version: 1,
        runner: 'jest',
        shard: { index: i + 1, count: 3 },
        plan: { fingerprint: json.fingerprint, shardCount: 3, shards: planned },
        files: files.map((file) => ({ file, durationMs: 1234, status: 'passed' })),
      };
      await fs.writeFile(
        path.join(dir, `.shardwise/reports/jest-shard-${i + 1}-of-3.json`),
        JSON.stringify(report),
      );
    }
  }

  it('merges, proves coverage and writes the store', async () => {
    const dir = await fixture();
    await shardReports(dir);
    const result = await runBin(['merge', '--timings', 'shard-timings.json', '.shardwise/reports'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`all ${FILES.length} planned files ran exactly once across 3 shard(s)`);
    const store = JSON.parse(await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8')) as {
      files: object;
    };
    expect(Object.keys(store.files).sort()).toEqual([...FILES].sort());
  });

  it('catches a skipped file and a duplicated one: exit 1, naming them', async () => {
    const dir = await fixture();
    let skipped = '';
    let duplicated = '';
    await shardReports(dir, (shards) => {
      skipped = shards[1]!.shift()!;
      duplicated = shards[0]![0]!;
      shards[2]!.push(duplicated);
      return shards;
    });
    const result = await runBin(['merge', '--timings', 'shard-timings.json', '.shardwise/reports'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${skipped}: planned for shard 2 but run by no shard`);
    expect(result.stderr).toContain(`${duplicated}: run by 2 shards (1, 3)`);
  });

  it('names the files of a shard whose report is missing', async () => {
    const dir = await fixture();
    await shardReports(dir);
    await fs.rm(path.join(dir, '.shardwise/reports/jest-shard-2-of-3.json'));
    const result = await runBin(['merge'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /::error title=shardwise coverage::shard 2\/3 sent no report; its \d+ planned file\(s\) are unverified/,
    );
    const summary = await fs.readFile(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('Coverage check failed');
    expect(summary).toContain('no report');
  });
});

describe('plan, import and check (spawned)', () => {
  it('runs through the committed bin/shard.js that npm links as `shard`', async () => {
    const shim = fileURLToPath(new URL('../bin/shard.js', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [shim, '--version'], (error, stdout) =>
        resolve({ code: error ? 1 : 0, stdout }),
      );
    });
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('plan --json prints exactly the documented keys, in order', async () => {
    const dir = await fixture();
    const result = await runBin(['plan', '--shards', '2', '--files-from', 'list.txt', '--json'], {
      cwd: dir,
    });
    const json = JSON.parse(result.stdout) as Record<string, unknown> & { shards: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual([
      'shardCount',
      'fingerprint',
      'totalMs',
      'makespanMs',
      'lowerBoundMs',
      'unknownFiles',
      'shards',
    ]);
    expect(Object.keys(json.shards[0]!)).toEqual(['index', 'estimatedMs', 'files']);
  });

  it('plan for people: the table, the comparison, the sizing and a loud warning on a mismatched store', async () => {
    const dir = await tempDir({
      'list.txt': FILES.join('\n'),
      'shard-timings.json': storeText(
        Object.fromEntries(FILES.map((f, i) => [`packages/app/${f}`, 1000 + i])),
      ),
    });
    const result = await runBin(
      [
        'plan',
        '--shards',
        '3',
        '--files-from',
        'list.txt',
        '--compare',
        '--max-shards',
        '4',
        '--overhead',
        '10',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${FILES.length} test files in 3 shards`);
    expect(result.stdout).toMatch(/jest --shard\s/);
    expect(result.stdout).toMatch(/plain LPT\s/);
    expect(result.stdout).toContain('Recommended:');
    expect(result.stderr).toContain(`only 0 of ${FILES.length} test files have a time in shard-timings.json`);
    expect(result.stderr).toContain(
      `the store has "packages/app/${FILES[0]}" where the file is "${FILES[0]}"`,
    );
  });

  it('import junit builds a store; check validates it and lists stale and untimed files', async () => {
    const dir = await tempDir({
      'src/a.test.ts': '',
      'src/b.test.ts': '',
      'reports/one.xml': `<?xml version="1.0"?><testsuites><testsuite name="s" time="2.5"><testcase name="t" file="src/a.test.ts" time="2.5"/></testsuite><testsuite name="g" time="1"><testcase name="t" file="src/gone.test.ts" time="1"/></testsuite></testsuites>`,
    });
    const imported = await runBin(['import', 'junit', 'reports'], { cwd: dir });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('2 added');
    const check = await runMain(['check', '--json'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      valid: true,
      entries: 2,
      matched: 1,
      stale: ['src/gone.test.ts'],
      untimed: ['src/b.test.ts'],
    });
    await fs.writeFile(path.join(dir, 'shard-timings.json'), '{"version":2,"files":{}}');
    const invalid = await runBin(['check'], { cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      'error shard-timings.json: format version 2, written by a newer shardwise (this one reads version 1); upgrade @shardwise/* to read it\n',
    );
  });
});
