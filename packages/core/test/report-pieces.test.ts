import { describe, expect, it } from 'vitest';
import {
  checkCoverage,
  describeCoverage,
  mergeReports,
  type ReportedFile,
  type ReportPlan,
  type RunReport,
} from '../src/public/index.js';

/** big.test.ts split in 3 pieces over 3 shards; a.test.ts and b.test.ts whole. */
const plan: ReportPlan = {
  fingerprint: 'split0001',
  shardCount: 3,
  shards: [['a.test.ts'], ['b.test.ts'], []],
  pieces: [
    { shard: 1, file: 'big.test.ts', piece: 1, of: 3, tests: ['t1', 't2'] },
    { shard: 2, file: 'big.test.ts', piece: 2, of: 3, tests: ['t3', 'd > t4'] },
    { shard: 3, file: 'big.test.ts', piece: 3, of: 3, tests: ['t5'] },
  ],
};

/** A piece's entry: the tests it ran (100 ms each) and the ones it left to the others; F = 40 ms. */
function piece(n: number, ran: string[], others: string[]): ReportedFile {
  return {
    file: 'big.test.ts',
    durationMs: 40 + 100 * ran.length,
    status: 'passed',
    tests: ran.map((name) => ({ name, durationMs: 100, status: 'passed' })),
    piece: n,
    of: 3,
    ...(others.length > 0 ? { otherTests: others } : {}),
  };
}

function report(shard: number, files: ReportedFile[]): RunReport {
  return {
    format: 'shardwise-report',
    version: 1,
    runner: 'vitest',
    createdAt: '2026-12-02T10:00:00.000Z',
    shard: { index: shard, count: 3 },
    plan,
    files,
  };
}

const whole = (file: string): ReportedFile => ({ file, durationMs: 200, status: 'passed' });

/** The three shards' reports, given what each piece ran; every piece collects `all`. */
function run(all: string[], ran: [string[], string[], string[]]): RunReport[] {
  const others = (mine: string[]) => all.filter((x) => !mine.includes(x));
  return [
    report(1, [whole('a.test.ts'), piece(1, ran[0], others(ran[0]))]),
    report(2, [whole('b.test.ts'), piece(2, ran[1], others(ran[1]))]),
    report(3, [piece(3, ran[2], others(ran[2]))]),
  ];
}

const planned = ['t1', 't2', 't3', 'd > t4', 't5'];

describe('test-level coverage of split files', () => {
  it.each([
    ['as planned', planned, [['t1', 't2'], ['t3', 'd > t4'], ['t5']]],
    [
      'a test added since the store: the last piece ran it',
      [...planned, 't6'],
      [
        ['t1', 't2'],
        ['t3', 'd > t4'],
        ['t5', 't6'],
      ],
    ],
    [
      'a test removed since the store: nobody collected it',
      ['t1', 't3', 'd > t4', 't5'],
      [['t1'], ['t3', 'd > t4'], ['t5']],
    ],
    [
      'a test renamed: the new name ran in the last piece',
      ['t1', 't2', 't3 renamed', 'd > t4', 't5'],
      [['t1', 't2'], ['d > t4'], ['t5', 't3 renamed']],
    ],
  ] satisfies [string, string[], [string[], string[], string[]]][])('ok: %s', (_name, all, ran) => {
    const result = checkCoverage(run(all, ran));
    expect(describeCoverage(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('names a test run by two pieces and a test run by none', () => {
    const result = checkCoverage(run(planned, [['t1', 't2', 't5'], ['t3'], ['t5']]));
    expect(result.ok).toBe(false);
    expect(describeCoverage(result)).toEqual([
      'big.test.ts: test "t5" ran in 2 pieces (1/3, 3/3)',
      'big.test.ts: test "d > t4" was collected but run by no piece',
    ]);
  });

  it('a missing piece is a planned unit that did not run; a shard that sent nothing names its piece', () => {
    const reports = run(planned, [['t1', 't2'], ['t3', 'd > t4'], ['t5']]);
    reports[1] = report(2, [whole('b.test.ts')]);
    expect(describeCoverage(checkCoverage(reports))).toContain(
      'big.test.ts (piece 2/3): planned for shard 2 but run by no shard',
    );
    const lines = describeCoverage(checkCoverage(reports.slice(0, 2)));
    expect(lines[0]).toMatch(
      /^shard 3\/3 sent no report; its 1 planned file\(s\) are unverified: big.test.ts \(piece 3\/3\)$/,
    );
  });

  it('merge learns the file from its pieces: the tests of all pieces, and one fixed cost (their mean)', () => {
    const { store } = mergeReports(undefined, run(planned, [['t1', 't2'], ['t3', 'd > t4'], ['t5']]));
    const big = store.files.get('big.test.ts')!;
    expect(big.durationMs).toBe(40 + 500);
    expect(big.tests?.map((x) => x.name)).toEqual(planned);
    expect(store.files.get('a.test.ts')?.durationMs).toBe(200);
  });

  it('merge does not learn a split file from an incomplete set of pieces, and never prunes it', () => {
    const reports = run(planned, [['t1', 't2'], ['t3', 'd > t4'], ['t5']]).slice(0, 2);
    const base = { version: 1 as const, files: new Map([['big.test.ts', { durationMs: 999, samples: 3 }]]) };
    const { store, pruned } = mergeReports(base, reports);
    expect(store.files.get('big.test.ts')?.durationMs).toBe(999);
    expect(pruned).toEqual([]);
  });
});
