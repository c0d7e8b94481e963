import { describe, expect, it } from 'vitest';
import {
  checkCoverage,
  describeCoverage,
  splitUnsharded,
  unverifiedFiles,
  type ReportPlan,
  type RunReport,
} from '../src/public/index.js';

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
      unfinished: [],
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

  it.each([
    { name: 'its worker crashed', why: 'crashed' as const, text: 'its worker crashed' },
    { name: 'the run was cancelled', why: 'cancelled' as const, text: 'the run was cancelled' },
  ])('a file that did not finish did not run: $name', ({ why, text }) => {
    const cut = shardReport(3, ['d.test.ts', 'e.test.ts']);
    cut.files[1] = { ...cut.files[1]!, status: 'interrupted', unfinished: why };
    const result = checkCoverage([complete[0]!, complete[1]!, cut]);
    expect(result.ok).toBe(false);
    expect(result.unfinished).toEqual([{ file: 'e.test.ts', shard: 3, why }]);
    expect(describeCoverage(result)).toEqual([
      `e.test.ts: started by shard 3 but did not finish (${text}), so it did not run`,
    ]);
  });

  it('a file cut short by a test-name filter (interrupted, not unfinished) still ran', () => {
    const filtered = shardReport(3, ['d.test.ts', 'e.test.ts']);
    filtered.files[1] = { ...filtered.files[1]!, status: 'interrupted' };
    expect(checkCoverage([complete[0]!, complete[1]!, filtered]).ok).toBe(true);
  });
});

describe('unverifiedFiles', () => {
  const pieces: ReportPlan = {
    fingerprint: 'p',
    shardCount: 3,
    shards: [['a.test.ts'], ['b.test.ts'], ['c.test.ts']],
    pieces: [
      { shard: 1, file: 'big.test.ts', piece: 1, of: 2, tests: ['x'] },
      { shard: 2, file: 'big.test.ts', piece: 2, of: 2, tests: ['y'] },
    ],
  };
  const report = (index: number, files: RunReport['files']): RunReport => ({
    ...shardReport(index, [], pieces),
    files,
  });
  const ran = (file: string, piece?: number): RunReport['files'][number] => ({
    file,
    durationMs: 10,
    status: 'passed',
    ...(piece === undefined ? {} : { piece, of: 2 }),
  });

  it.each([
    {
      name: 'every file ran: none',
      reports: [
        report(1, [ran('a.test.ts'), ran('big.test.ts', 1)]),
        report(2, [ran('b.test.ts'), ran('big.test.ts', 2)]),
        report(3, [ran('c.test.ts')]),
      ],
      files: [],
    },
    {
      name: 'a shard sent no report: its files and pieces, from the plan the others carry',
      reports: [report(1, [ran('a.test.ts'), ran('big.test.ts', 1)]), report(3, [ran('c.test.ts')])],
      files: ['b.test.ts', 'big.test.ts'],
    },
    {
      name: 'a planned file no shard ran, and a crashed piece',
      reports: [
        report(1, [
          ran('a.test.ts'),
          { ...ran('big.test.ts', 1), status: 'interrupted', unfinished: 'crashed' },
        ]),
        report(2, [ran('big.test.ts', 2)]),
        report(3, [ran('c.test.ts')]),
      ],
      files: ['b.test.ts', 'big.test.ts'],
    },
    { name: 'no plan: none', reports: [{ ...complete[0]!, plan: undefined }], files: [] },
  ])('$name', ({ reports, files }) => {
    expect(unverifiedFiles(checkCoverage(reports))).toEqual(files);
  });
});

describe('splitUnsharded', () => {
  const sharded = complete[0]!;
  const { shard: _shard, ...withPlan } = complete[0]!;
  const { plan: _plan, ...bare } = withPlan;
  it.each([
    { name: 'only shards: all kept', reports: [sharded, complete[1]!], unsharded: 0 },
    {
      name: 'an unsharded run with its own plan (Jest): set apart',
      reports: [sharded, withPlan],
      unsharded: 1,
    },
    { name: 'an unsharded run with no plan (Vitest): set apart', reports: [sharded, bare], unsharded: 1 },
    { name: 'no report sharded: the unsharded run is the run', reports: [withPlan, bare], unsharded: 0 },
  ])('$name', ({ reports, unsharded }) => {
    const split = splitUnsharded<RunReport>(reports);
    expect(split.unsharded).toHaveLength(unsharded);
    expect(split.sharded).toHaveLength(reports.length - unsharded);
  });
});
