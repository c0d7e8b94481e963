import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byFile, copyFixture, readReports, removeFixtures, vitest } from './helpers.js';

afterAll(removeFixtures);

const today = new Date().toISOString().slice(0, 10);
const quarantine = JSON.stringify({
  version: 1,
  tests: [
    { file: 'tests/clock.test.ts', name: 'clock > races the clock', reason: 'known flake', added: today },
  ],
});

// Real Vitest 4.1 with `retry`, the plugin's one-line setup, and a quarantine file: two runs.
describe('flaky tests and the quarantine, with real Vitest', () => {
  it('records a pass on retry as flaky, with the commit and file hash; a quarantined failure leaves the job green', async () => {
    const dir = await copyFixture('flaky');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), quarantine);
    const result = await vitest(dir, ['run', '--shard=1/1'], { CI_COMMIT_SHA: 'abcdef1234567' });
    expect(result.stdout + result.stderr).toContain('clock > races the clock');
    expect(result.stderr).toContain(
      'shardwise: warning: quarantined test failed (not failing the job): tests/clock.test.ts › clock > races the clock (known flake)',
    );
    expect(result.stderr).toContain('every failure (1) is a quarantined test: this job passes');
    expect(result.code).toBe(0);

    const [report] = [...(await readReports(dir)).values()];
    expect(report!.commit).toBe('abcdef1234567');
    const files = byFile(report!);
    const retried = files.get('tests/retried.test.ts')!;
    expect(retried.tests).toEqual([
      {
        name: 'passes on the second attempt',
        durationMs: expect.any(Number),
        status: 'passed',
        attempts: 2,
        flaky: true,
      },
    ]);
    expect(retried.hash).toMatch(/^[0-9a-f]{12}$/);
    // Quarantined tests still run and are reported as they ended.
    expect(files.get('tests/clock.test.ts')!.tests!.map((t) => t.status)).toEqual(['failed', 'passed']);
  });

  it('a failure the quarantine does not name still fails the job', async () => {
    const dir = await copyFixture('flaky');
    await fs.writeFile(path.join(dir, 'shard-quarantine.json'), quarantine);
    const result = await vitest(dir, ['run', '--shard=1/1'], { REAL_BUG: '1' });
    expect(result.stderr).toContain('1 quarantined test(s) failed, but 1 other failure(s) fail this job');
    expect(result.code).toBe(1);
  });
});
