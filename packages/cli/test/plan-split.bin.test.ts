/**
 * `shard plan` and test-level splits, as a user runs it: the floor file named, the gain said, and
 * `--split-tests --json` listing pieces beside whole files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const tests = (count: number, ms: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `big > test ${i}`, durationMs: ms, status: 'passed' }));

/** A store: big.test.ts (30 tests of 60 ms, 40 ms import) and `heavy` (mostly import), plus small files. */
function store(big: 'cheap' | 'heavy'): string {
  const entry =
    big === 'cheap'
      ? { durationMs: 1840, samples: 1, tests: tests(30, 60) }
      : { durationMs: 1840, samples: 1, tests: tests(4, 60) };
  const files: Record<string, unknown> = { 'big.test.ts': entry };
  for (let i = 0; i < 6; i++) files[`s${i}.test.ts`] = { durationMs: 100, samples: 1 };
  return JSON.stringify({ version: 1, files });
}
const list = ['big.test.ts', ...Array.from({ length: 6 }, (_, i) => `s${i}.test.ts`)].join('\n') + '\n';

describe('shard plan with a file that sets the floor (spawned)', () => {
  it('names the floor file and says what splitting gains; --split-tests --json lists the pieces', async () => {
    const dir = await tempDir({ 'shard-timings.json': store('cheap') });
    const text = await runBin(['plan', '--shards', '3', '--files-from', '-'], { cwd: dir, input: list });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /Floor +big\.test\.ts \(1\.8s\) sets it for whole files; splitting big\.test\.ts into 3 pieces by test would make the slowest shard \d+ms instead of 1\.8s \(−\d+\.\d%\): --split-tests plans it/,
    );
    const json = await runBin(['plan', '--shards', '3', '--split-tests', '--json', '--files-from', '-'], {
      cwd: dir,
      input: list,
    });
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as {
      makespanMs: number;
      shards: { files: string[]; pieces?: { file: string; piece: number; of: number; tests: string[] }[] }[];
    };
    expect(plan.shards.flatMap((s) => s.files)).not.toContain('big.test.ts');
    const pieces = plan.shards.flatMap((s) => s.pieces ?? []);
    expect(pieces.map((p) => [p.file, p.piece, p.of]).sort()).toEqual([
      ['big.test.ts', 1, 3],
      ['big.test.ts', 2, 3],
      ['big.test.ts', 3, 3],
    ]);
    expect(pieces.flatMap((p) => p.tests).sort()).toEqual(
      tests(30, 60)
        .map((t) => t.name)
        .sort(),
    );
    expect(plan.makespanMs).toBeLessThan(1840 / 2);
  });

  it('a file whose time is mostly import is named as the floor and not split', async () => {
    const dir = await tempDir({ 'shard-timings.json': store('heavy') });
    const text = await runBin(['plan', '--shards', '3', '--split-tests', '--files-from', '-'], {
      cwd: dir,
      input: list,
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /Floor +big\.test\.ts \(1\.8s\) sets it for whole files; splitting it would not help/,
    );
    const json = await runBin(['plan', '--shards', '3', '--split-tests', '--json', '--files-from', '-'], {
      cwd: dir,
      input: list,
    });
    const plan = JSON.parse(json.stdout) as { shards: { pieces?: unknown }[] };
    expect(plan.shards.some((s) => s.pieces)).toBe(false);
  });
});
