import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyProject, playwright, removeProjects } from './helpers.js';

afterAll(removeProjects);

// `shard quarantine check` judges a Playwright run's failures by the quarantine file: the reporter reads
// it on every run, so a broken one fails the run that would be judged by it, even when every test passes.
describe('the quarantine file is checked on every Playwright run that may be judged by it', () => {
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
    const dir = await copyProject('units');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), '{"version":1,"tests":[{"file":"tests/a');
    const result = await playwright(dir, ['tests/plain.spec.cjs', ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(line);
  });
});
