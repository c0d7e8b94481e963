import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendRun,
  detectFlaky,
  FLAKY_DEFAULTS,
  newlyFlaky,
  type History,
  type HistoryOutcome,
  type ReportedTest,
  type RunReport,
} from '../src/public/index.js';
import { seededRandom } from '../src/base/rng.js';

/** A history built from outcome strings per test, one run per character; `commits`/`hashes` per run. */
function historyOf(
  tests: Record<string, string>,
  runs: {
    commit?: (i: number) => string | undefined;
    hash?: (i: number) => string;
    infra?: readonly number[];
  } = {},
): History {
  const length = Math.max(...Object.values(tests).map((t) => t.length));
  let history: History | undefined;
  for (let i = 0; i < length; i++) {
    const files = Object.entries(tests)
      .filter(([, outcomes]) => outcomes[i] !== undefined && outcomes[i] !== '.')
      .map(([name, outcomes]) => ({ name, o: outcomes[i] as HistoryOutcome }));
    const infra = runs.infra?.includes(i) ?? false;
    const reported: ReportedTest[] = files.map(({ name, o }) => ({
      name,
      durationMs: 1,
      status: infra || o === 'f' ? 'failed' : 'passed',
      ...(o === 'y' ? { flaky: true, attempts: 2 } : {}),
    }));
    // An infrastructure run: every test fails, plus enough others to pass the minimum.
    if (infra)
      for (let k = 0; k < 10; k++) reported.push({ name: `other ${k}`, durationMs: 1, status: 'failed' });
    const commit = runs.commit ? runs.commit(i) : `c0ffee${String(i).padStart(4, '0')}`;
    const report: RunReport = {
      format: 'shardwise-report',
      version: 1,
      runner: 'vitest',
      // One end time per run: the history counts a report it already holds only once.
      createdAt: new Date(Date.UTC(2026, 10, 1, 10) + i * 60_000).toISOString(),
      ...(commit ? { commit } : {}),
      files: [
        {
          file: 'a.test.ts',
          durationMs: 5,
          status: 'passed',
          hash: runs.hash?.(i) ?? 'aaaaaaaaaaaa',
          tests: reported,
        },
      ],
    };
    history = appendRun(history, [report]).history;
  }
  return history!;
}

const verdictOf = (history: History) =>
  detectFlaky(history).map((t) => [t.name, t.status, t.reason] as const);

describe('detectFlaky: one rule per row', () => {
  it.each([
    ['never failed', 'pppppppppppp', {}, []],
    ['passed on a retry', 'pppppyppp', {}, [['t', 'flaky', 'retry']]],
    [
      'failed then passed on the same commit and file hash (a re-run job)',
      'ppfp',
      { commit: (i: number) => (i >= 2 ? 'c0ffee9999' : `c0ffee000${i}`) },
      [['t', 'flaky', 'same-code']],
    ],
    [
      'one failure in 12 runs of one file hash, passes around it',
      'ppppfppppppp',
      {},
      [['t', 'flaky', 'failure-rate']],
    ],
    ['one failure in 5 runs: too few runs to call it', 'ppfpp', {}, []],
    [
      'fails every run since its commit changed',
      'pppppppppppfff',
      {},
      [['t', 'broken', 'failing-since-change']],
    ],
    ['never passed: failing, with no change to point at', 'fff', {}, [['t', 'broken', 'failing']]],
    ['flaky before, failing now: still flaky', 'ppfpppppppppppf', {}, [['t', 'flaky', 'failure-rate']]],
    [
      `clean for ${FLAKY_DEFAULTS.cleanRuns} runs after a flake: recovered`,
      'ppppy' + 'p'.repeat(FLAKY_DEFAULTS.cleanRuns),
      {},
      [],
    ],
    [
      `clean for ${FLAKY_DEFAULTS.cleanRuns - 1} runs after a flake: still flaky`,
      'ppppy' + 'p'.repeat(FLAKY_DEFAULTS.cleanRuns - 1),
      {},
      [['t', 'flaky', 'retry']],
    ],
    [
      'failures spread over changing file hashes, none with enough runs',
      'pppfpppfpppf',
      { hash: (i: number) => `hash${Math.floor(i / 4)}`.padEnd(12, '0') },
      [['t', 'broken', 'failing-since-change']],
    ],
    ['an infrastructure run (most tests red) is ignored', 'pppppfppppp', { infra: [5] }, []],
    ['no commit known: a fail after a pass is not "same code"', 'pfp', { commit: () => undefined }, []],
  ] as const)('%s', (_name, outcomes, runs, expected) => {
    expect(verdictOf(historyOf({ t: outcomes }, runs))).toEqual(expected);
  });

  // "since change" only where a change is known between the last pass and the first failure.
  it.each([
    [
      'a new commit, same file',
      'pppff',
      { commit: (i: number) => (i < 3 ? 'c0ffee0001' : 'c0ffee0002') },
      [['t', 'broken', 'failing-since-change']],
    ],
    [
      'a new file hash, no commit known',
      'pppff',
      { commit: () => undefined, hash: (i: number) => (i < 3 ? 'aaaaaaaaaaaa' : 'bbbbbbbbbbbb') },
      [['t', 'broken', 'failing-since-change']],
    ],
    [
      'the same file hash, no commit known: nothing known changed',
      'pppff',
      { commit: () => undefined },
      [['t', 'broken', 'failing']],
    ],
    [
      'first failure, same file hash, no commit known',
      'ppppf',
      { commit: () => undefined },
      [['t', 'broken', 'failing']],
    ],
    [
      'the same file hash and commit: the same code passed and failed',
      'ppppf',
      { commit: () => 'build-1234' },
      [['t', 'flaky', 'same-code']],
    ],
    [
      'a file change long before the failures, none at them (no commit known)',
      'ppppff',
      { commit: () => undefined, hash: (i: number) => (i < 2 ? 'aaaaaaaaaaaa' : 'bbbbbbbbbbbb') },
      [['t', 'broken', 'failing']],
    ],
    [
      'the commit of the first failure unknown: no evidence of a change',
      'ppppf',
      { commit: (i: number) => (i < 4 ? 'c0ffee0001' : undefined) },
      [['t', 'broken', 'failing']],
    ],
  ] as const)('failing now, %s', (_name, outcomes, runs, expected) => {
    expect(verdictOf(historyOf({ t: outcomes }, runs))).toEqual(expected);
  });

  it('says runs, failures, flip rate, first and last seen and the last failing commit', () => {
    const [test] = detectFlaky(historyOf({ t: 'ppppfppppppy' }));
    expect(test).toEqual({
      file: 'a.test.ts',
      name: 't',
      status: 'flaky',
      reason: 'retry',
      runs: 12,
      failures: 2,
      flipRate: 0.25,
      firstSeen: '2026-11-01T10:00:00.000Z',
      lastSeen: '2026-11-01T10:11:00.000Z',
      lastFailingCommit: 'c0ffee0011',
    });
  });

  it('lists broken tests first, then by file and name', () => {
    const history = historyOf({ b: 'ppy', a: 'ppy', z: 'ppf' });
    expect(detectFlaky(history).map((t) => `${t.status} ${t.name}`)).toEqual([
      'broken z',
      'flaky a',
      'flaky b',
    ]);
  });

  it('newlyFlaky names the tests that became flaky in the last run', () => {
    const before = detectFlaky(historyOf({ a: 'ppy', b: 'pp' }));
    const after = detectFlaky(historyOf({ a: 'ppyp', b: 'ppy' }));
    expect(newlyFlaky(before, after).map((t) => t.name)).toEqual(['b']);
  });
});

describe('detectFlaky over 40 simulated pipelines', () => {
  // One test fails with probability 0.08, independently per pipeline (seeded: the same draws on every
  // machine); eleven steady tests never fail; every pipeline is a new commit of unchanged test files.
  const PIPELINES = 40;
  function simulate(seed: number): Record<string, string> {
    const draw = seededRandom(seed);
    const tests: Record<string, string> = { flaky: '' };
    for (let k = 1; k <= 11; k++) tests[`steady ${k}`] = 'p'.repeat(PIPELINES);
    for (let i = 0; i < PIPELINES; i++) tests.flaky += draw(100) < 8 ? 'f' : 'p';
    return tests;
  }

  it('flags the flaky test whenever it failed in the last 30 runs, and never a steady one (50 seeds)', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const tests = simulate(seed);
      const flaky = tests.flaky!;
      const cleanTail = /p*$/.exec(flaky)![0].length;
      // The recovery rule: a test clean for `cleanRuns` runs is no longer flaky (seed 2 failed only in run 5).
      const expected = flaky.includes('f') && cleanTail < FLAKY_DEFAULTS.cleanRuns;
      const found = detectFlaky(historyOf(tests));
      expect(found.map((t) => [t.name, t.status])).toEqual(expected ? [['flaky', 'flaky']] : []);
      if (expected) {
        flagged++;
        expect(found[0]!.failures).toBe([...flaky].filter((o) => o === 'f').length);
      }
    }
    // Seeds 1 to 50 with p = 0.08: 5 never fail, 3 recovered (30 clean runs), 42 flagged.
    expect(flagged).toBe(42);
  });

  it('a test broken by a change of its file is broken, not flaky', () => {
    const tests = simulate(1);
    tests['steady 1'] = 'p'.repeat(PIPELINES - 3) + 'fff';
    const history = historyOf(tests, { hash: (i) => (i >= PIPELINES - 3 ? 'bbbbbbbbbbbb' : 'aaaaaaaaaaaa') });
    expect(detectFlaky(history).map((t) => [t.name, t.status])).toEqual([
      ['steady 1', 'broken'],
      ['flaky', 'flaky'],
    ]);
  });

  it('an all-red infrastructure run changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PIPELINES - 1 }), fc.integer({ min: 1, max: 5 }), (at, seed) => {
        const tests = simulate(seed);
        const red = Object.fromEntries(
          Object.entries(tests).map(([name, o]) => [name, o.slice(0, at) + 'f' + o.slice(at)]),
        );
        const without = detectFlaky(historyOf(tests));
        const withInfra = detectFlaky(historyOf(red, { infra: [at] }));
        expect(withInfra.map(({ firstSeen: _f, lastSeen: _l, lastFailingCommit: _c, ...t }) => t)).toEqual(
          without.map(({ firstSeen: _f, lastSeen: _l, lastFailingCommit: _c, ...t }) => t),
        );
      }),
      { numRuns: 20 },
    );
  });
});
