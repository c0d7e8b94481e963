/**
 * Without shardwise's test runner in its config, Jest stays file-level: with a store whose per-test times
 * say splitting would pay, the Jest plugin runs the file whole and says once what splitting would have
 * gained and how to get it; a pinned plan that splits a file by test is refused. (pieces.test.ts runs
 * pieces with the runner.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, removeFixtures, shardCli, sleepOf } from './helpers.js';

afterAll(removeFixtures);

const BIG = 'tests/long-a-900.test.cjs';

describe('Jest and a file that sets the floor', () => {
  let dir: string;
  let files: string[];

  beforeAll(async () => {
    dir = await copyFixture('basic');
    files = (await fs.readdir(path.join(dir, 'tests'))).map((f) => `tests/${f}`).sort();
    // long-a as a store would record a slow file of two slow tests and a cheap import: splitting pays.
    const entries: Record<string, unknown> = {};
    for (const f of files) entries[f] = { durationMs: sleepOf(f), samples: 1 };
    entries[BIG] = {
      durationMs: 8100,
      samples: 1,
      tests: [
        { name: 'sleeps as long as its name says', durationMs: 4000, status: 'passed' },
        { name: 'and checks something quick', durationMs: 4000, status: 'passed' },
      ],
    };
    await fs.writeFile(path.join(dir, 'shard-timings.json'), JSON.stringify({ version: 1, files: entries }));
  });

  it('runs the file whole, and says what a split would have gained', async () => {
    const result = await jest(dir, ['--shard=1/3', '--json', `--outputFile=${path.join(dir, 'out.json')}`]);
    expect(result.code).toBe(0);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'out.json'), 'utf8')) as {
      testResults: { name: string; assertionResults: { status: string }[] }[];
    };
    const big = json.testResults.find((r) => r.name.endsWith('long-a-900.test.cjs'));
    expect(big?.assertionResults.map((a) => a.status)).toEqual(['passed', 'passed']);
    expect(result.stderr).toMatch(
      /tests\/long-a-900\.test\.cjs holds the plan back: split by test \(2 pieces\), the slowest shard would take 4\.\d s instead of 8\.1 s, but Jest runs whole files: add `testRunner: '@shardwise\/jest\/runner'` beside the sequencer in the Jest config to run pieces/,
    );
  });

  it('refuses a pinned plan that splits a file by test: exit 2, one line', async () => {
    const plan = path.join(dir, 'plan.json');
    const made = await shardCli(
      [
        'plan',
        '--root',
        dir,
        '--timings',
        path.join(dir, 'shard-timings.json'),
        '--shards',
        '3',
        '--split-tests',
        '--out',
        plan,
        '--files-from',
        '-',
      ],
      files.join('\n') + '\n',
    );
    expect(made.code).toBe(0);
    const result = await jest(dir, ['--shard=1/3'], { SHARDWISE_PLAN: plan });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /the pinned plan splits tests\/long-a-900\.test\.cjs by test, which this runner cannot run/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
