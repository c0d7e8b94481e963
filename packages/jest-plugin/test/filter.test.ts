import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, readReports, removeFixtures, shardCli } from './helpers.js';

afterAll(removeFixtures);

/** Names without "net": the run leaves out the tests that need the network. */
const OFFLINE = '^(?!.*net)';

interface StoreFile {
  files: Record<string, { samples: number; provisional?: boolean; tests?: { name: string }[] }>;
}

// One filter, two spellings: they must record, and teach, the same.
describe.each([
  { spelling: 'the command line (-t)', args: ['-t', OFFLINE], config: {} },
  { spelling: 'the config (testNamePattern)', args: [], config: { testNamePattern: OFFLINE } },
])('a run filtered on $spelling', ({ args, config }) => {
  it('reports whole files as complete and the others as filtered, and the merge learns from both', async () => {
    const dir = await copyFixture('filter');
    const configFile = path.join(dir, 'jest.config.json');
    const base = JSON.parse(await fs.readFile(configFile, 'utf8')) as object;
    await fs.writeFile(configFile, JSON.stringify({ ...base, ...config }));
    const run = await jest(dir, args);
    expect(run.code, run.stderr).toBe(0);
    const reportsDir = path.join(dir, '.shardwise', 'reports');
    const [report] = await readReports(reportsDir);
    expect(report!.filter).toBe(`testNamePattern /${OFFLINE}/i`);
    expect(report!.files.map((f) => [f.file, f.status, f.filtered === true])).toEqual([
      ['tests/local.test.cjs', 'passed', false],
      ['tests/mixed.test.cjs', 'passed', true],
      ['tests/online.test.cjs', 'skipped', true],
    ]);
    // A filtered file lists the tests it ran, not the ones the filter left out.
    expect(report!.files[1]!.tests!.map((t) => t.name)).toEqual(['offline']);

    const store = path.join(dir, 'store.json');
    // The CLI runs in the repository: its flaky history goes to the fixture, not there.
    const history = ['--history', path.join(dir, 'shard-history.json')];
    const merged = await shardCli(['merge', ...history, '--timings', store, reportsDir]);
    expect(merged.code, merged.stderr).toBe(0);
    // Of the two filtered files, one ran a test the filter selected, the other none.
    expect(merged.stdout).toContain(
      `1 of them ran only the tests a filter selected (testNamePattern /${OFFLINE}/i)`,
    );
    expect(merged.stdout).toContain('1 ran no test: the filter selected none of theirs');
    // Slower or faster than its estimate, the slowest job's reason names the filter it ran under.
    expect(merged.stdout).toMatch(/^Slowest: .*the filter testNamePattern \//m);
    const files = (JSON.parse(await fs.readFile(store, 'utf8')) as StoreFile).files;
    // The complete file feeds the store as in an unfiltered run; the filtered one, its tests' times.
    expect(files['tests/local.test.cjs']).toMatchObject({ samples: 1 });
    expect(files['tests/local.test.cjs']!.provisional).toBeUndefined();
    expect(files['tests/local.test.cjs']!.tests!.map((t) => t.name)).toEqual(['one', 'group > two']);
    expect(files['tests/mixed.test.cjs']).toMatchObject({ provisional: true });
    expect(files['tests/mixed.test.cjs']!.tests!.map((t) => t.name)).toEqual(['offline']);
  });
});

describe('a run whose filter matched no test', () => {
  it('is reported, but the merge claims no proof: nothing ran', async () => {
    const dir = await copyFixture('filter');
    const run = await jest(dir, ['-t', 'no test is named like this']);
    expect(run.code, run.stderr).toBe(0);
    const reportsDir = path.join(dir, '.shardwise', 'reports');
    const history = ['--history', path.join(dir, 'shard-history.json')];
    const store = path.join(dir, 'store.json');
    const merged = await shardCli(['merge', ...history, '--timings', store, reportsDir]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).not.toContain('Coverage verified');
    expect(merged.stdout).toContain(
      'No test ran: the filter (testNamePattern /no test is named like this/i) selected none of the tests of the 3 planned file(s), so nothing is verified',
    );
  });
});
