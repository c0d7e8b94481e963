import { afterAll, describe, expect, it } from 'vitest';
import type { ReportedFile, ReportPlan, RunReport } from '@shardwise/core';
import { removeTempDirs, runBin, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// Issue 19: what `shard merge` prints about the shards describes what it found.

const FILES = ['t/a.test.ts', 't/b.test.ts', 't/c.test.ts', 't/d.test.ts', 't/e.test.ts', 't/f.test.ts'];

function plan(fingerprint: string, shards: string[][]): ReportPlan {
  return { fingerprint, shardCount: 3, shards, wallMs: [3000, 3000, 3000], estimatedMs: [3000, 3000, 3000] };
}
/** Two plans of one suite (the store changed between the jobs): the same files, split differently. */
const A = plan('a'.repeat(16), [FILES.slice(0, 2), FILES.slice(2, 4), FILES.slice(4)]);
const B = plan('b'.repeat(16), [FILES.slice(0, 3), FILES.slice(3, 5), FILES.slice(5)]);

/** A job's report: its files one after the other on one worker from `startMs`, its wall `wallMs`. */
function job(index: number, p: ReportPlan, wallMs: number, startMs: number): RunReport {
  let at = startMs;
  const files: ReportedFile[] = p.shards[index - 1]!.map((file) => {
    const entry: ReportedFile = { file, durationMs: 500, status: 'passed', startMs: at, endMs: at + 500 };
    at += 500;
    return entry;
  });
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    shard: { index, count: 3 },
    plan: p,
    job: { wallMs, workers: 1 },
    files,
  };
}

describe('a merge of shards run under two plans', () => {
  it('shows the report a shard sent under the other plan, and judges the slowest job from the same reports', async () => {
    const reports = {
      // Shard 1 ran only under plan B; shard 2 under both (a re-run job); shard 3 under A. Two shards each:
      // A, first in code-unit order, is the reference.
      'reports/jest-shard-1-of-3-bbbbbbbb.json': job(1, B, 4000, 1000),
      'reports/jest-shard-2-of-3-aaaaaaaa.json': job(2, A, 10_000, 6000),
      'reports/jest-shard-2-of-3-bbbbbbbb.json': job(2, B, 8000, 5000),
      'reports/jest-shard-3-of-3-aaaaaaaa.json': job(3, A, 4000, 1000),
    };
    const store = {
      version: 1,
      files: Object.fromEntries(FILES.map((f) => [f, { durationMs: 500, samples: 1 }])),
    };
    const dir = await tempDir({
      'shard-timings.json': JSON.stringify(store),
      ...Object.fromEntries(Object.entries(reports).map(([name, r]) => [name, JSON.stringify(r)])),
    });
    const r = await runBin(['merge', '--no-history', '--json', 'reports'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      shards: {
        index: number;
        files: number;
        ran: number | null;
        wallMs: number | null;
        otherPlan?: string;
      }[];
      slowest: { index: number; wallMs: number; reason: string; ms: number };
    };
    expect(
      out.shards.map(({ index, files, ran, wallMs, otherPlan }) => ({
        index,
        files,
        ran,
        wallMs,
        otherPlan,
      })),
    ).toEqual([
      { index: 1, files: 3, ran: 3, wallMs: 4000, otherPlan: B.fingerprint },
      { index: 2, files: 2, ran: 2, wallMs: 10_000, otherPlan: undefined },
      { index: 3, files: 2, ran: 2, wallMs: 4000, otherPlan: undefined },
    ]);
    // Its files ran 6 s into a 10 s job: 9 s of start-up in a 10 s job would be the two jobs of shard 2 summed.
    expect(out.slowest).toEqual({ index: 2, wallMs: 10_000, error: 7 / 3, reason: 'startup', ms: 9000 });

    const text = await runBin(['merge', '--no-history', 'reports'], { cwd: dir });
    expect(text.stdout).not.toContain('no report');
    expect(text.stdout).toMatch(/^ +1\/3 +3 +3 \(plan bbbbbbbb\) +3\.0s +4\.0s +\+33%$/m);
    expect(text.stdout).toContain(
      "Shard 1/3 ran under plan bbbbbbbb, not the reference plan aaaaaaaa: its row shows that plan's files and prediction.",
    );
  });
});

describe('a whole-file plan of a suite a plugin splits', () => {
  const tests = Array.from({ length: 30 }, (_, i) => ({
    name: `big > test ${i}`,
    durationMs: 60,
    status: 'passed',
  }));
  const store = JSON.stringify({
    version: 1,
    files: {
      'big.test.ts': { durationMs: 1840, samples: 1, tests },
      ...Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [`s${i}.test.ts`, { durationMs: 100, samples: 1 }]),
      ),
    },
  });
  const list = ['big.test.ts', ...Array.from({ length: 6 }, (_, i) => `s${i}.test.ts`)].join('\n') + '\n';
  const rest =
    ' big\\.test\\.ts in 3 pieces by test, so (it runs|they run) another plan than this whole-file one: `shard plan --shards 3 --split-tests` shows it$';
  const vitest = 'the Vitest plugin \\(Vitest ≥ 4\\.1\\)';
  const jest = "the Jest plugin with its test runner \\(`testRunner: '@shardwise/jest/runner'`\\)";

  it.each([
    { name: 'shard plan', args: ['plan', '--shards', '3'], who: `^${vitest} and ${jest} run` },
    { name: 'shard files', args: ['files', '--shard', '1/3'], who: `^${vitest} and ${jest} run` },
    {
      name: 'shard files --runner vitest',
      args: ['files', '--shard', '1/3', '--runner', 'vitest'],
      who: `^${vitest} runs`,
    },
    {
      name: 'shard files --runner jest',
      args: ['files', '--shard', '1/3', '--runner', 'jest'],
      who: `^${jest} runs`,
    },
  ])('$name says in one line on stderr that a plugin splits, and how to see it', async ({ args, who }) => {
    const dir = await tempDir({ 'shard-timings.json': store });
    const r = await runBin([...args, '--files-from', '-'], { cwd: dir, input: list });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(new RegExp(who + rest))]);
  });

  it.each([
    { name: 'the plan that splits (--split-tests)', args: ['plan', '--shards', '3', '--split-tests'] },
  ])('says nothing for $name', async ({ args }) => {
    const dir = await tempDir({ 'shard-timings.json': store });
    const r = await runBin([...args, '--files-from', '-'], { cwd: dir, input: list });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
