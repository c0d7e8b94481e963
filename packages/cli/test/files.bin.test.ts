import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin, runMain, storeText, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// End-to-end: the built bin, spawned as a user would, on real files in temp directories.

const FILES = Array.from({ length: 12 }, (_, i) => `src/m${String(i).padStart(2, '0')}/unit-${i}.test.ts`);
const DURATIONS = Object.fromEntries(FILES.slice(0, 9).map((f, i) => [f, 500 + ((i * 3779) % 9000)]));

async function fixture(): Promise<string> {
  return tempDir({ 'list.txt': FILES.join('\n') + '\n', 'shard-timings.json': storeText(DURATIONS) });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('shard files (spawned)', () => {
  it.each([
    { name: '1 shard', n: 1 },
    { name: '2 shards', n: 2 },
    { name: '3 shards', n: 3 },
    { name: '7 shards', n: 7 },
    { name: 'more shards than files', n: 15 },
  ])('$name: every file lands in exactly one shard, as in the plan', async ({ n }) => {
    const dir = await fixture();
    const args = (i: number) => ['files', '--shard', `${i}/${n}`, '--files-from', 'list.txt'];
    const indices = Array.from({ length: n }, (_, i) => i + 1);
    // The whole plan and every shard in-process (the same code as the bin), and the spawned bin for the
    // first and last shard: spawning dozens of processes would make this slow on two cores.
    const spawnedIndices = n === 1 ? [1] : [1, n];
    const [plan, inProcess, spawned] = await Promise.all([
      runMain(['plan', '--shards', String(n), '--files-from', 'list.txt', '--json'], { cwd: dir }),
      Promise.all(indices.map((i) => runMain(args(i), { cwd: dir }))),
      Promise.all(spawnedIndices.map((i) => runBin(args(i), { cwd: dir }))),
    ]);
    const planned = (JSON.parse(plan.stdout) as { shards: { files: string[] }[] }).shards.map((s) => s.files);
    // With more shards than files, the plan lists one shard per file; the rest are empty.
    expect(planned).toHaveLength(Math.min(n, FILES.length));
    expect(planned.flat().sort()).toEqual([...FILES].sort());
    for (const s of [...inProcess, ...spawned]) expect(s.code).toBe(0);
    expect(inProcess.map((s) => lines(s.stdout))).toEqual(indices.map((i) => planned[i - 1] ?? []));
    expect(spawned.map((s) => lines(s.stdout))).toEqual(spawnedIndices.map((i) => planned[i - 1] ?? []));
    if (n > FILES.length) {
      expect(inProcess.filter((s) => s.stdout === '')).toHaveLength(n - FILES.length);
      expect(spawned.at(-1)!.stdout).toBe('');
    }
  });

  it('gives the same shard for shuffled input and for ./, \\ and absolute spellings', async () => {
    const dir = await fixture();
    const reference = await runMain(['files', '--shard', '2/3', '--files-from', 'list.txt'], { cwd: dir });
    const shuffled = [...FILES]
      .reverse()
      .map((f, i) => (i % 3 === 0 ? `./${f}` : i % 3 === 1 ? f.replaceAll('/', '\\') : path.join(dir, f)));
    const other = await runBin(['files', '--shard', '2/3', '--files-from', '-'], {
      cwd: dir,
      input: [...shuffled, FILES[0]!].join('\r\n'),
    });
    expect(other.code).toBe(0);
    expect(other.stdout).toBe(reference.stdout);
    expect(lines(reference.stdout).length).toBeGreaterThan(0);
  });

  it('handles spaces, quotes, emoji and __proto__ in paths, in the list, the store and run', async () => {
    const odd = [
      'dir with space/a b.test.ts',
      `q/it's "quoted".test.ts`,
      'emoji/🚀 launch.test.ts',
      '__proto__.test.ts',
      'constructor.test.ts',
    ];
    const dir = await tempDir({
      'list.txt': odd.join('\n'),
      'shard-timings.json': storeText({
        '__proto__.test.ts': 9000,
        'emoji/🚀 launch.test.ts': 10,
        'constructor.test.ts': 20,
      }),
    });
    const plan = await runMain(['plan', '--shards', '2', '--files-from', 'list.txt', '--json'], { cwd: dir });
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout) as { shards: { files: string[] }[]; unknownFiles: string[] };
    // __proto__ is a real entry (9 s alone in shard 1), not the prototype.
    expect(json.shards[0]!.files).toEqual(['__proto__.test.ts']);
    expect(json.unknownFiles).toEqual(['dir with space/a b.test.ts', `q/it's "quoted".test.ts`]);

    const nul = await runBin(['files', '--shard', '2/2', '--files-from', 'list.txt', '-0'], { cwd: dir });
    expect(nul.stdout.split('\0').slice(0, -1).sort()).toEqual(
      odd.filter((f) => f !== '__proto__.test.ts').sort(),
    );
    const asJson = await runBin(['files', '--shard', '2/2', '--files-from', 'list.txt', '--json'], {
      cwd: dir,
    });
    expect((JSON.parse(asJson.stdout) as string[]).sort()).toEqual(
      nul.stdout.split('\0').slice(0, -1).sort(),
    );

    const script = 'console.log(JSON.stringify(process.argv.slice(1)))';
    const run = await runBin(
      ['run', '--shard', '2/2', '--files-from', 'list.txt', '--', process.execPath, '-e', script],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(asJson.stdout));
  });

  it('finds test files by the default patterns, skipping node_modules and build output', async () => {
    const dir = await tempDir({
      'src/a.test.ts': '',
      'src/__tests__/b.js': '',
      'lib/c.spec.mjs': '',
      'src/util.ts': '',
      'node_modules/x/d.test.js': '',
      'dist/e.test.js': '',
    });
    const result = await runBin(['files', '--shard', '1/1'], { cwd: dir });
    expect(lines(result.stdout).sort()).toEqual(['lib/c.spec.mjs', 'src/__tests__/b.js', 'src/a.test.ts']);
    expect(result.stderr).toContain('No timing store at shard-timings.json');
  });

  it('prints nothing for an empty shard (and [] with --json), exit 0', async () => {
    const dir = await tempDir({ 'list.txt': 'only.test.ts\n' });
    const empty = await runMain(['files', '--shard', '3/3', '--files-from', 'list.txt'], { cwd: dir });
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    const json = await runBin(['files', '--shard', '3/3', '--files-from', 'list.txt', '--json'], {
      cwd: dir,
    });
    expect(json).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});

describe('pipes (spawned)', () => {
  it('stops quietly when the reader goes away (shard files | head -1)', async () => {
    const many = Array.from({ length: 30_000 }, (_, i) => `t/file-${i}.test.ts`).join('\n');
    const dir = await tempDir({ 'list.txt': many });
    const child = spawn(
      process.execPath,
      [BIN, 'files', '--shard', '1/1', '--no-timings', '--files-from', 'list.txt'],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('errors (spawned)', () => {
  it.each([
    {
      name: '--shard 0/4',
      args: ['--shard', '0/4'],
      message: 'error --shard 0/4: index must be between 1 and 4',
    },
    {
      name: '--shard 5/4',
      args: ['--shard', '5/4'],
      message: 'error --shard 5/4: index must be between 1 and 4',
    },
    {
      name: '--shard a/b',
      args: ['--shard', 'a/b'],
      message: 'error --shard: expected I/N with whole numbers',
    },
  ])('$name → exit 2, one line, no stack', async ({ args, message }) => {
    const dir = await fixture();
    const result = await runBin(['files', ...args, '--files-from', 'list.txt'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([expect.stringContaining(message)]);
  });

  it('rejects a CI variable with an invalid value before printing anything', async () => {
    const dir = await fixture();
    const result = await runBin(['files', '--files-from', 'list.txt'], {
      cwd: dir,
      env: { CIRCLE_NODE_INDEX: 'four', CIRCLE_NODE_TOTAL: '4' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      expect.stringContaining('CIRCLE_NODE_INDEX must be a whole number'),
    ]);
  });

  it('refuses a truncated store: exit 2, one line naming the file, the place and the way out', async () => {
    const dir = await fixture();
    const text = await fs.readFile(path.join(dir, 'shard-timings.json'), 'utf8');
    await fs.writeFile(path.join(dir, 'shard-timings.json'), text.slice(0, text.length / 2));
    const result = await runBin(['files', '--shard', '1/2', '--files-from', 'list.txt'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [line, ...more] = lines(result.stderr);
    expect(more).toEqual([]);
    expect(line).toContain('shard-timings.json: invalid JSON at line 1');
    expect(line).toContain('truncated');
    expect(line).toContain('--no-timings');
    const ignored = await runBin(['files', '--shard', '1/2', '--files-from', 'list.txt', '--no-timings'], {
      cwd: dir,
    });
    expect(ignored.code).toBe(0);
  });
});

describe('shard run (spawned)', () => {
  it('forwards the exit code and stdio of the command', async () => {
    const dir = await fixture();
    const script = 'console.log("ran", process.argv.length - 1); console.error("to stderr"); process.exit(3)';
    const result = await runBin(
      ['run', '--shard', '1/2', '--files-from', 'list.txt', '--', process.execPath, '-e', script],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^ran [1-9]\d*\n$/);
    expect(result.stderr).toContain('to stderr');
  });

  it('forwards SIGTERM to the command and exits with 128 + 15', async () => {
    const dir = await fixture();
    const script = 'process.stdout.write("ready\\n"); setTimeout(() => {}, 30000)';
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--shard', '1/2', '--files-from', 'list.txt', '--', process.execPath, '-e', script],
      { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } },
    );
    child.stdout.once('data', () => child.kill('SIGTERM'));
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }).toEqual({ code: 143, signal: null });
  });

  it('tells the command its shard and plan, in a plan file removed once it exits', async () => {
    const dir = await fixture();
    const script =
      'const { SHARDWISE_RUN_SHARD: shard, SHARDWISE_RUN_PLAN: file } = process.env;' +
      'console.log(JSON.stringify({ shard, file, plan: JSON.parse(require("fs").readFileSync(file, "utf8")) }))';
    const result = await runBin(
      ['run', '--shard', '2/3', '--files-from', 'list.txt', '--', process.execPath, '-e', script],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout) as { shard: string; file: string; plan: { fingerprint: string } };
    const plan = await runBin(['plan', '--shards', '3', '--files-from', 'list.txt', '--json'], { cwd: dir });
    expect(seen.shard).toBe('2/3');
    expect(seen.plan).toMatchObject({ format: 'shardwise-plan', ...JSON.parse(plan.stdout) });
    await expect(fs.access(seen.file)).rejects.toThrow(/ENOENT/);
  });

  it('does not start the command for an empty shard', async () => {
    const dir = await tempDir({ 'list.txt': 'a.test.ts\n' });
    const result = await runBin(
      ['run', '--shard', '2/2', '--files-from', 'list.txt', '--', process.execPath, '-e', 'process.exit(9)'],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('shard 2/2 has no test files');
  });
});
