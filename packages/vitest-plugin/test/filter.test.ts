import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, ok, readReports, removeFixtures, shard, vitest } from './helpers.js';

afterAll(removeFixtures);

/** Names without "net": the run leaves out the tests that need the network. */
const OFFLINE = '^(?!.*net)';

interface StoreFile {
  files: Record<string, { samples: number; provisional?: boolean; tests?: { name: string }[] }>;
}

// One filter, two spellings: they must record, and teach, the same.
describe.each([
  { spelling: 'the command line (-t)', args: ['-t', OFFLINE], env: {} },
  { spelling: 'the config (testNamePattern)', args: [], env: { NAME_PATTERN: OFFLINE } },
] as { spelling: string; args: string[]; env: Record<string, string> }[])(
  'a run filtered on $spelling',
  ({ args, env }) => {
    it('reports whole files as complete and the others as filtered, and the merge learns from both', async () => {
      const dir = await copyFixture('filter');
      ok(await vitest(dir, ['run', ...args], env));
      const report = (await readReports(dir)).get('vitest-full.json')!;
      expect(report.filter).toBe(`testNamePattern /${OFFLINE}/`);
      expect(report.files.map((f) => [f.file, f.status, f.filtered === true])).toEqual([
        ['tests/local.test.ts', 'passed', false],
        ['tests/mixed.test.ts', 'passed', true],
        ['tests/online.test.ts', 'skipped', true],
      ]);
      // A filtered file lists the tests it ran, not the ones the filter left out.
      expect(report.files[1]!.tests!.map((t) => t.name)).toEqual(['offline']);

      const store = path.join(dir, 'store.json');
      ok(await shard(dir, ['merge', '--timings', store, '.shardwise/reports']));
      const files = (JSON.parse(await fs.readFile(store, 'utf8')) as StoreFile).files;
      // The complete file feeds the store as in an unfiltered run; the filtered one, its tests' times.
      expect(files['tests/local.test.ts']).toMatchObject({ samples: 1 });
      expect(files['tests/local.test.ts']!.provisional).toBeUndefined();
      expect(files['tests/local.test.ts']!.tests!.map((t) => t.name)).toEqual(['one', 'group > two']);
      expect(files['tests/mixed.test.ts']).toMatchObject({ provisional: true });
      expect(files['tests/mixed.test.ts']!.tests!.map((t) => t.name)).toEqual(['offline']);
    });
  },
);
