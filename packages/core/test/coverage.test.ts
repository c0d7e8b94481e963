import { describe, expect, it } from 'vitest';
import { checkCoverage, describeCoverage, type ReportPlan, type RunReport } from '../src/index.js';

const plan: ReportPlan = {
  fingerprint: 'aaaa1111',
  shardCount: 3,
  shards: [['a.test.ts', 'b.test.ts'], ['c.test.ts'], ['d.test.ts', 'e.test.ts']],
};

function shardReport(index: number, files: string[], p: ReportPlan = plan): RunReport {
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'jest',
    shard: { index, count: p.shardCount },
    plan: p,
    files: files.map((file) => ({ file, durationMs: 10, status: 'passed' })),
  };
}
const complete = [
  shardReport(1, ['a.test.ts', 'b.test.ts']),
  shardReport(2, ['c.test.ts']),
  shardReport(3, ['d.test.ts', 'e.test.ts']),
];

describe('checkCoverage', () => {
  it('ok: every planned file ran exactly once, under one plan', () => {
    const result = checkCoverage([...complete].reverse());
    expect(result).toEqual({
      ok: true,
      checked: true,
      shardCount: 3,
      plan: complete[0]!.plan,
      fingerprints: [{ fingerprint: 'aaaa1111', shards: [1, 2, 3] }],
      missingShards: [],
      notRun: [],
      duplicated: [],
      unplanned: [],
      testsRunTwice: [],
      testsRunByNone: [],
    });
    expect(describeCoverage(result)).toEqual([]);
  });

  it('a missing shard names its files', () => {
    const result = checkCoverage([complete[0]!, complete[1]!]);
    expect(result.ok).toBe(false);
    expect(result.missingShards).toEqual([{ index: 3, files: ['d.test.ts', 'e.test.ts'] }]);
    expect(result.notRun).toEqual([]);
    expect(describeCoverage(result)).toEqual([
      'shard 3/3 sent no report; its 2 planned file(s) are unverified: d.test.ts, e.test.ts',
    ]);
  });

  it('a file run twice', () => {
    const result = checkCoverage([complete[0]!, shardReport(2, ['c.test.ts', 'a.test.ts']), complete[2]!]);
    expect(result.ok).toBe(false);
    expect(result.duplicated).toEqual([{ file: 'a.test.ts', shards: [1, 2] }]);
    expect(describeCoverage(result)).toEqual(['a.test.ts: run by 2 shards (1, 2)']);
  });

  it('a file never run', () => {
    const result = checkCoverage([complete[0]!, complete[1]!, shardReport(3, ['d.test.ts'])]);
    expect(result.ok).toBe(false);
    expect(result.notRun).toEqual([{ file: 'e.test.ts', shard: 3 }]);
    expect(describeCoverage(result)).toEqual(['e.test.ts: planned for shard 3 but run by no shard']);
  });

  it('a file that ran but was planned nowhere', () => {
    const result = checkCoverage([complete[0]!, shardReport(2, ['c.test.ts', 'x.test.ts']), complete[2]!]);
    expect(result.ok).toBe(false);
    expect(result.unplanned).toEqual([{ file: 'x.test.ts', shard: 2 }]);
  });

  it('different fingerprints: the plan most shards used is the reference', () => {
    const other: ReportPlan = { ...plan, fingerprint: 'bbbb2222' };
    const result = checkCoverage([
      complete[0]!,
      complete[1]!,
      shardReport(3, ['d.test.ts', 'e.test.ts'], other),
    ]);
    expect(result.ok).toBe(false);
    expect(result.fingerprints).toEqual([
      { fingerprint: 'aaaa1111', shards: [1, 2] },
      { fingerprint: 'bbbb2222', shards: [3] },
    ]);
    expect(describeCoverage(result)[0]).toBe(
      'shards planned with different fingerprints (different file lists, stores or versions): aaaa1111 by shard 1, 2; bbbb2222 by shard 3',
    );
  });

  it('no plan in any report: nothing checked', () => {
    const { plan: _plan, ...bare } = complete[0]!;
    expect(checkCoverage([bare])).toMatchObject({ ok: true, checked: false });
    expect(checkCoverage([])).toMatchObject({ ok: true, checked: false });
  });

  it('names every file of a missing shard in the message', () => {
    const many = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}.test.ts`);
    const p: ReportPlan = { fingerprint: 'x', shardCount: 2, shards: [['a.test.ts'], many] };
    const [line] = describeCoverage(checkCoverage([shardReport(1, ['a.test.ts'], p)]));
    expect(line).toBe(`shard 2/2 sent no report; its 12 planned file(s) are unverified: ${many.join(', ')}`);
  });
});
