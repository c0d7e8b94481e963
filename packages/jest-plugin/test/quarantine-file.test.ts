import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, jest, removeFixtures } from './helpers.js';

afterAll(removeFixtures);

// The quarantine file is read on every run, not only when a test fails: real Jest, every test passing.
describe('the quarantine file is checked on every Jest run that may judge by it', () => {
  it.each([
    ['a truncated file, unsharded', [], {}, /^shardwise: shard-quarantine\.json: invalid JSON at .*\n$/],
    [
      'a truncated file, sharded',
      ['--shard=1/2'],
      {},
      /^shardwise: shard-quarantine\.json: invalid JSON at .*\n$/,
    ],
    [
      'a named file that does not exist',
      [],
      { SHARDWISE_QUARANTINE: 'ci/quarantine.json' },
      /^shardwise: SHARDWISE_QUARANTINE ci\/quarantine\.json: no such quarantine file; .*\n$/,
    ],
  ])('%s fails the run before any test, in one line', async (_name, args, env, line) => {
    const dir = await copyFixture('basic');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), '{"version":1,"tests":[{"file":"tests/a');
    const result = await jest(dir, ['short-0[12]', ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(line);
  });
});
