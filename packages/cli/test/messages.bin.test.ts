/**
 * What `shard plan` and `shard check` say about a store that does not fit the files they list, run as a
 * user runs the CLI (the built bin, real files).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runBin, storeText, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** A Vitest suite whose files are `tests/<name>/test.ts` (the default patterns miss them), and 13 that match. */
const NESTED = Array.from({ length: 20 }, (_, i) => `tests/t${i}/test.ts`);
const MATCHED = Array.from({ length: 13 }, (_, i) => `tests/m${i}.test.ts`);
const nestedSuite = () =>
  tempDir({
    ...Object.fromEntries([...NESTED, ...MATCHED].map((f) => [f, ''])),
    'shard-timings.json': storeText(Object.fromEntries([...NESTED, ...MATCHED].map((f) => [f, 1000]))),
  });

describe('default globs that miss most of the suite', () => {
  it('plan and check warn, naming the patterns and the fix; a full list is quiet', async () => {
    const dir = await nestedSuite();
    const plan = await runBin(['plan', '--shards', '3'], { cwd: dir });
    const check = await runBin(['check'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('13 of 33 entries match a current file');
    for (const r of [plan, check]) {
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        'shard-timings.json knows 20 test files that exist under ' +
          dir +
          ' but the default test patterns (**/*.{test,spec}.{js,jsx,ts,tsx,mjs,cjs,mts,cts}, **/__tests__/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}) did not list (e.g. tests/t0/test.ts): only 13 of its 33 entries match one of the 13 listed files',
      );
      expect(warnings[0]).toContain("pass the runner's own patterns, or its list");
    }
    const all = await runBin(['plan', '--shards', '3', '--files-from', '-'], {
      cwd: dir,
      input: [...NESTED, ...MATCHED].join('\n'),
    });
    expect(all.stderr).toBe('');
  });

  it('entries of files deleted since are no warning: the patterns missed nothing', async () => {
    const dir = await nestedSuite();
    await fs.rm(path.join(dir, 'tests'), { recursive: true });
    for (const f of MATCHED) {
      await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await fs.writeFile(path.join(dir, f), '');
    }
    const plan = await runBin(['plan', '--shards', '3'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe('');
  });
});

describe('shard plan on a Playwright store', () => {
  it('says in one line how Playwright plans it, exit 2', async () => {
    const dir = await tempDir({
      'tests/cart.spec.ts': '',
      'shard-timings.json': JSON.stringify({
        version: 1,
        model: { playwright: { startupMs: 1500, workerStartupMs: 400, workers: 2 } },
        files: {
          'chromium|tests/cart.spec.ts': { durationMs: 4000, samples: 3 },
          'chromium|tests/search.spec.ts › filters': { durationMs: 2000, samples: 3 },
        },
      }),
    });
    for (const argv of [
      ['plan', '--shards', '4'],
      ['files', '--shard', '1/4'],
    ]) {
      const r = await runBin(argv, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^error this timing store is Playwright’s: .*; plan with `SHARDWISE_PLAN_OUT=plan\.json npx playwright test --list --shard=1\/4`/,
        ),
      ]);
    }
  });
});
