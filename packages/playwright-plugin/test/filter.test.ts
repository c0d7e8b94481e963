import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  copyProject,
  playwright,
  readReports,
  removeProjects,
  shard,
  type PlaywrightVersion,
} from './helpers.js';

afterAll(removeProjects);

interface StoreFile {
  files: Record<string, { durationMs: number; provisional?: boolean; tests?: { name: string }[] }>;
}

// One filter, two spellings: they must record, and teach, the same.
describe.each([
  { spelling: 'the command line', args: ['--grep-invert', '@net'], env: {}, version: 'current' },
  { spelling: 'the config', args: [], env: { GREP_INVERT: '@net' }, version: 'current' },
  // The oldest Playwright shardwise supports: its loader keeps the declared tests the same way.
  { spelling: 'the command line of 1.62', args: ['--grep-invert', '@net'], env: {}, version: 'oldest' },
] as { spelling: string; args: string[]; env: Record<string, string>; version: PlaywrightVersion }[])(
  'a run filtered on $spelling',
  ({ args, env, version }) => {
    it('reports whole files as complete and the others as filtered, and the merge learns from both', async () => {
      const dir = await copyProject('filter', version);
      const run = await playwright(dir, args, env);
      expect(run.code, run.stderr).toBe(0);
      const report = (await readReports(path.join(dir, '.shardwise/reports'))).get('playwright-full.json')!;
      expect(report.filter).toContain('@net');
      expect(report.files.map((f) => [f.file, f.status, f.filtered === true])).toEqual([
        ['tests/local.spec.cjs', 'passed', false],
        ['tests/mixed.spec.cjs', 'passed', true],
      ]);
      expect(report.files[1]!.tests!.map((t) => t.name)).toEqual(['offline']);

      const merged = await shard(dir, ['merge', '--timings', 'store.json', '.shardwise/reports']);
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stdout).toContain('1 of them ran only the tests a filter selected');
      const store = JSON.parse(await fs.readFile(path.join(dir, 'store.json'), 'utf8')) as StoreFile;
      // The complete file feeds the store as in an unfiltered run; the filtered one, its tests' times.
      expect(store.files['tests/local.spec.cjs']).toMatchObject({ samples: 1 });
      expect(store.files['tests/local.spec.cjs']!.provisional).toBeUndefined();
      expect(store.files['tests/local.spec.cjs']!.tests!.map((t) => t.name)).toEqual(['one', 'group › two']);
      expect(store.files['tests/mixed.spec.cjs']).toMatchObject({ provisional: true });
      expect(store.files['tests/mixed.spec.cjs']!.tests!.map((t) => t.name)).toEqual(['offline']);

      // A run that stops at its first failure teaches nothing: the merge says so, in one line.
      const failing = await playwright(dir, [...args, '--max-failures=1'], { ...env, FAIL: '1' });
      expect(failing.code).toBe(1);
      const again = await shard(dir, ['merge', '--timings', 'store.json', '.shardwise/reports']);
      const lines = again.stderr.split('\n').filter((l) => l.includes('taught the store nothing'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('playwright-full.json');
      expect(lines[0]).toContain('cut short');
      // ... and proves nothing: the units --max-failures stopped before their end did not run.
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /tests\/mixed\.spec\.cjs: started by shard 1 but did not finish \(the run was cancelled\), so it did not run/,
      );
    });
  },
);
