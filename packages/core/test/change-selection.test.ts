import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseShardCount } from '../src/plan/auto-shards.js';
import { parsePathRule, selectChanged, type ChangeInput } from '../src/plan/change-selection.js';
import { detectFlaky } from '../src/learn/flaky.js';
import { appendRun } from '../src/learn/history.js';
import { partition } from '../src/plan/partition.js';
import { parsePlanText, serializePlanFile } from '../src/formats/plan-file.js';
import { planMessages, planRun } from '../src/plan/build-plan.js';
import { createReport } from '../src/record/report-build.js';
import type { RunReport } from '../src/formats/report.js';
import { describeSelection, NOTHING_TO_TEST } from '../src/formats/selection.js';
import { sizeShards } from '../src/plan/sizing.js';
import type { WallModel } from '../src/formats/records.js';

const TESTS = ['cart.test.ts', 'price.test.ts', 'user.test.ts'];
const vitestGraph = (related: string[], setupFiles: string[] = []) => ({
  runner: 'vitest',
  related,
  setupFiles,
});

describe('selectChanged', () => {
  it.each<[string, Partial<ChangeInput>, string[], string | undefined]>([
    [
      'the graph’s related tests',
      { changed: ['src/cart.ts'], graph: vitestGraph(['cart.test.ts']) },
      ['cart.test.ts'],
      undefined,
    ],
    ['no test depends on a doc', { changed: ['README.md'], graph: vitestGraph([]) }, [], undefined],
    [
      'the lockfile: everything',
      { changed: ['src/cart.ts', 'package-lock.json'], graph: vitestGraph(['cart.test.ts']) },
      TESTS,
      'the lockfile',
    ],
    [
      'a lockfile above the root',
      { changed: ['../yarn.lock'], changedFromTop: ['yarn.lock'], graph: vitestGraph([]) },
      TESTS,
      'the lockfile',
    ],
    [
      'a package manifest',
      { changed: ['packages/a/package.json'], graph: vitestGraph([]) },
      TESTS,
      'a package manifest',
    ],
    [
      'the runner config',
      { changed: ['vitest.config.ts'], graph: vitestGraph([]) },
      TESTS,
      "a runner's config",
    ],
    ['a jest config', { changed: ['jest.config.js'], graph: vitestGraph([]) }, TESTS, "a runner's config"],
    [
      'a setup file the runner named',
      { changed: ['test/setup.ts'], graph: vitestGraph([], ['test/setup.ts']) },
      TESTS,
      'a setup file of vitest',
    ],
    [
      'a --full-on glob',
      { changed: ['fixtures/db.sql'], graph: vitestGraph([]), fullOn: ['fixtures/**'] },
      TESTS,
      '--full-on fixtures/**',
    ],
    [
      'no graph and no rule',
      { changed: ['src/cart.ts'], runner: 'playwright' },
      TESTS,
      'playwright has no dependency graph shardwise can ask: pass --related SOURCE=TESTS rules',
    ],
    [
      'a rule covers the change',
      { changed: ['src/cart.ts'], rules: [{ source: 'src/cart*', tests: 'cart*' }] },
      ['cart.test.ts'],
      undefined,
    ],
    ['a changed test selects itself', { changed: ['user.test.ts'], rules: [] }, ['user.test.ts'], undefined],
    [
      'shardwise’s own files are no change',
      {
        changed: ['shard-timings.json', '.shardwise/reports/a.json', 'src/cart.ts'],
        rules: [{ source: 'src/cart*', tests: 'cart*' }],
        ownPaths: ['shard-timings.json', '.shardwise/reports/'],
      },
      ['cart.test.ts'],
      undefined,
    ],
    [
      'a change no rule covers',
      { changed: ['src/cart.ts', 'src/user.ts'], rules: [{ source: 'src/cart*', tests: 'cart*' }] },
      TESTS,
      'no --related rule covers it',
    ],
  ])('%s', (_name, input, selected, why) => {
    const result = selectChanged({ ref: 'origin/main', changed: [], tests: TESTS, ...input });
    expect(result.selected).toEqual(selected);
    expect(result.selection.full?.why).toBe(why);
    expect([...result.selected, ...result.selection.leftOut].sort()).toEqual(TESTS);
  });

  it('says why in one line: the count, the ref, who chose, or the file that selects everything', () => {
    const some = selectChanged({
      ref: 'main',
      changed: ['src/cart.ts'],
      tests: TESTS,
      graph: vitestGraph(['cart.test.ts']),
    });
    expect(describeSelection(some.selection, some.selected.length)).toBe(
      '1 of 3 test files depend on the 1 file changed since main (by vitest); 2 left out',
    );
    const none = selectChanged({ ref: 'main', changed: ['README.md'], tests: TESTS, graph: vitestGraph([]) });
    expect(describeSelection(none.selection, 0)).toBe(
      `${NOTHING_TO_TEST} (1 file changed since main, by vitest)`,
    );
    const all = selectChanged({ ref: 'main', changed: ['yarn.lock'], tests: TESTS, graph: vitestGraph([]) });
    expect(describeSelection(all.selection, 3)).toBe('all 3 test files: yarn.lock changed (the lockfile)');
  });

  it.each(['src/**', '=tests/**', 'src/**=', 'no-equals'])('refuses the rule %j in one line', (text) => {
    expect(() => parsePathRule(text, '--related')).toThrow(/Expected --related to be SOURCE_GLOB=TEST_GLOB/);
  });
});

describe('a pinned selection', () => {
  const selected = selectChanged({
    ref: 'main',
    changed: ['src/cart.ts'],
    tests: TESTS,
    graph: vitestGraph(['cart.test.ts', 'price.test.ts']),
  });
  const plan = { ...partition(selected.selected, { shardCount: 2 }), selection: selected.selection };
  const pinned = { plan: parsePlanText(serializePlanFile(plan), 'plan.json'), source: 'plan.json' };

  it('round-trips through the plan file with its left-out files', () => {
    expect(pinned.plan.selection).toEqual(selected.selection);
  });

  it('runs its files among all the runner finds; the left-out ones are found and not run', () => {
    const units = [1, 2].flatMap(
      (index) =>
        planRun({ files: TESTS, shard: { index, count: 2 }, store: { state: 'missing' }, pinned }).units,
    );
    expect(units.sort()).toEqual(['cart.test.ts', 'price.test.ts']);
  });

  it('still refuses a test file that is neither planned nor left out', () => {
    expect(() =>
      planRun({
        files: [...TESTS, 'new.test.ts'],
        shard: { index: 1, count: 2 },
        store: { state: 'missing' },
        pinned,
      }),
    ).toThrow(/1 test file\(s\) not in the plan \(new\.test\.ts\)/);
  });

  it('refuses a plan file that both plans and leaves out a file', () => {
    const text = serializePlanFile({
      ...plan,
      selection: { ...selected.selection, leftOut: ['cart.test.ts'] },
    });
    expect(() => parsePlanText(text, 'plan.json')).toThrow(/"cart\.test\.ts" is both planned and left out/);
  });

  it('an empty selection is one job that says there is nothing to test, not an error', () => {
    const none = selectChanged({ ref: 'main', changed: ['README.md'], tests: TESTS, graph: vitestGraph([]) });
    const empty = { ...partition([], { shardCount: 1 }), selection: none.selection };
    const run = planRun({
      files: TESTS,
      shard: { index: 1, count: 1 },
      store: { state: 'missing' },
      pinned: { plan: parsePlanText(serializePlanFile(empty), 'plan.json'), source: 'plan.json' },
    });
    expect(run.units).toEqual([]);
    expect(planMessages(run, 'store').map((m) => m.text)).toEqual([
      `${NOTHING_TO_TEST} (1 file changed since main, by vitest)`,
    ]);
  });

  it("the report's plan carries the selection by count and is partial, so the merge prunes nothing by it", () => {
    const report = createReport({
      runner: 'vitest',
      shard: { index: 1, count: 2 },
      plan,
      partial: false,
      testsFiltered: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      files: [],
    });
    expect(report.plan).toMatchObject({
      partial: true,
      selection: { ref: 'main', by: 'vitest', changed: 1, leftOut: 1 },
    });
  });
});

describe('the history of selection runs', () => {
  let at = 0;
  const run = (outcome: 'passed' | 'failed', selection?: number): RunReport => ({
    format: 'shardwise-report',
    version: 1,
    runner: 'vitest',
    createdAt: new Date(Date.UTC(2026, 0, 1) + at++ * 60_000).toISOString(),
    commit: 'c0ffee',
    ...(selection === undefined
      ? {}
      : {
          plan: {
            fingerprint: `f${at}`,
            shardCount: 1,
            shards: [['other.test.ts']],
            partial: true,
            selection: { ref: 'main', by: 'vitest', changed: 1, leftOut: selection },
          },
        }),
    files: [
      selection === undefined
        ? {
            file: 'cart.test.ts',
            durationMs: 5,
            status: outcome,
            tests: [{ name: 'adds', durationMs: 5, status: outcome }],
          }
        : {
            file: 'other.test.ts',
            durationMs: 5,
            status: 'passed',
            tests: [{ name: 'x', durationMs: 5, status: 'passed' }],
          },
    ],
  });

  it('records the selection, and runs that left a test out never count in its verdict', () => {
    let history = appendRun(undefined, [run('failed')]).history;
    history = appendRun(history, [run('passed')]).history;
    const before = detectFlaky(history, { cleanRuns: 3 }).find((t) => t.file === 'cart.test.ts');
    for (let i = 0; i < 5; i++) history = appendRun(history, [run('passed', 1)]).history;
    expect(history.runs.at(-1)!.selection).toEqual({ ref: 'main', leftOut: 1 });
    const after = detectFlaky(history, { cleanRuns: 3 }).find((t) => t.file === 'cart.test.ts');
    // Five runs without it: still judged on its own two runs, not passed by five it never ran in.
    expect(after).toBeDefined();
    expect(after!.runs).toBe(before!.runs);
  });

  it('drops no test as gone in a run that left it out', () => {
    let history = appendRun(undefined, [run('passed')], { window: 1 }).history;
    for (let i = 0; i < 8; i++) history = appendRun(history, [run('passed', 1)], { window: 1 }).history;
    expect(history.files.has('cart.test.ts')).toBe(true);
  });
});

describe('chooseShardCount', () => {
  const model: WallModel = { startupMs: 9000, workerStartupMs: 200, workers: 2 };
  const files = fc.dictionary(
    fc.stringMatching(/^[a-z]{1,6}\.test\.ts$/),
    fc.integer({ min: 1, max: 120_000 }),
    { minKeys: 1, maxKeys: 40 },
  );

  it('the count is within the table; near-best is within 10% of the best and no fewer jobs are', () => {
    fc.assert(
      fc.property(files, fc.integer({ min: 1, max: 12 }), (durations, maxShards) => {
        const sizing = sizeShards(Object.keys(durations), { durations, maxShards, overheadMs: 9000, model });
        const choice = chooseShardCount(sizing);
        expect(choice.count).toBeGreaterThanOrEqual(1);
        expect(choice.count).toBeLessThanOrEqual(maxShards);
        expect(choice.wallMs).toBeLessThanOrEqual(sizing.bestMs * 1.1);
        for (const row of sizing.rows.slice(0, choice.count - 1))
          expect(row.wallMs).toBeGreaterThan(sizing.bestMs * 1.1);
        if (choice.next) {
          const after = sizing.rows[choice.count]!;
          expect(choice.next).toEqual({
            savesMs: choice.wallMs - after.wallMs,
            costsMs: after.ciMs - choice.ciMs,
          });
        }
      }),
      { numRuns: 25 },
    );
  });

  it('with a target: the fewest jobs under it, else the best wall', () => {
    fc.assert(
      fc.property(files, fc.integer({ min: 1, max: 300_000 }), (durations, targetMs) => {
        const sizing = sizeShards(Object.keys(durations), {
          durations,
          maxShards: 8,
          overheadMs: 9000,
          model,
        });
        const choice = chooseShardCount(sizing, { targetMs });
        if (choice.reason.kind === 'target') {
          expect(choice.wallMs).toBeLessThanOrEqual(targetMs);
          for (const row of sizing.rows.slice(0, choice.count - 1))
            expect(row.wallMs).toBeGreaterThan(targetMs);
        } else {
          expect(sizing.rows.every((r) => r.wallMs > targetMs)).toBe(true);
          expect(choice.wallMs).toBe(sizing.bestMs);
        }
      }),
      { numRuns: 25 },
    );
  });
});
