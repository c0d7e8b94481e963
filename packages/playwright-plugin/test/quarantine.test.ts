import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyProject, playwright, removeProjects } from './helpers.js';

afterAll(removeProjects);

const today = new Date().toISOString().slice(0, 10);
const quarantine = (name: string) =>
  JSON.stringify({
    version: 1,
    tests: [{ file: 'api|tests/fails.spec.cjs', name, reason: 'known flake', added: today }],
  });

// Real Playwright, the reporter's one-line setup and a quarantine file: the run's failures are judged as
// Jest's and Vitest's are (core's finishRun), and the reporter returns the verdict from onEnd.
describe('Playwright judges a failed run by the quarantine', () => {
  it.each([
    ['unsharded', []],
    ['sharded', ['--shard=1/1']],
  ])('%s: a quarantined failure leaves the run green', async (_name, args) => {
    const dir = await copyProject('units');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), quarantine('fails'));
    const result = await playwright(dir, ['tests/fails.spec.cjs', 'tests/plain.spec.cjs', ...args], {
      FAIL: '1',
    });
    expect(result.stdout).toContain('1 failed');
    expect(result.stderr).toContain(
      'shardwise: warning: quarantined test failed (not failing the job): api|tests/fails.spec.cjs › fails (known flake)',
    );
    expect(result.stderr).toContain('every failure (1) is a quarantined test: this job passes');
    expect(result.code).toBe(0);
  });

  it('a failure the quarantine does not name still fails the run', async () => {
    const dir = await copyProject('units');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), quarantine('another test'));
    const result = await playwright(dir, ['tests/fails.spec.cjs', 'tests/plain.spec.cjs'], { FAIL: '1' });
    expect(result.stdout).toContain('1 failed');
    expect(result.stderr).not.toContain('this job passes');
    expect(result.code).toBe(1);
  });
});
