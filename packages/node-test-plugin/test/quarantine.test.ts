import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, nodeTest, removeFixtures, REPORTER } from './helpers.js';

afterAll(removeFixtures);

/** The crash fixture with `test/fails.test.mjs › fails` quarantined. */
async function quarantined(): Promise<string> {
  const dir = await copyFixture('crash');
  const entry = { file: 'test/fails.test.mjs', name: 'fails', reason: 'flaky', added: '2026-01-01' };
  await fs.writeFile(path.join(dir, 'shard-quarantine.json'), JSON.stringify({ version: 1, tests: [entry] }));
  return dir;
}

describe('the quarantine under node --test', () => {
  it('passes a run whose every failure is a quarantined test', async () => {
    const dir = await quarantined();
    const r = await nodeTest(dir, [REPORTER, 'test/fails.test.mjs', 'test/passes.test.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /quarantined test failed \(not failing the job\): test\/fails\.test\.mjs › fails/,
    );
    expect(r.stderr).toMatch(/^shardwise: every failure \(1\) is a quarantined test: this job passes$/m);
  });

  it('never forgives a file that did not finish', async () => {
    const dir = await quarantined();
    const r = await nodeTest(dir, [REPORTER, 'test/fails.test.mjs', 'test/killed.test.mjs']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/quarantine/);
  });

  it('says a broken quarantine file in one line before any test runs (exit 2)', async () => {
    const dir = await copyFixture('crash');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), '{"version":1,"tests":[{"file":"tes');
    const r = await nodeTest(dir, [REPORTER, 'test/passes.test.mjs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shardwise: shard-quarantine\.json: invalid JSON at .*\n$/);
    expect(r.stdout).toBe('');
  });
});
