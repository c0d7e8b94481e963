import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partition } from '../src/plan/partition.js';
import { parsePlan } from '../src/formats/plan-file.js';
import { predictedMs } from '../src/formats/plan.js';
import {
  describeShard,
  isLowMatch,
  isManyUnlisted,
  planMessages,
  planRun,
  severityOf,
  type PlanDiagnostic,
  type PlanRunInput,
} from '../src/plan/build-plan.js';
import type { TestTiming } from '../src/formats/records.js';
import { nameFilter } from '../src/model/test-filter.js';

const store = (durations: Record<string, number>): PlanRunInput['store'] => ({
  state: 'loaded',
  store: {
    version: 1,
    files: new Map(Object.entries(durations).map(([k, d]) => [k, { durationMs: d, samples: 1 }])),
  },
});
const FILES = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts'];
const TIMED = store({ 'a.test.ts': 4000, 'b.test.ts': 3000, 'c.test.ts': 2000, 'd.test.ts': 1000 });

describe('planRun', () => {
  it('plans as partition does and returns this shard’s units', () => {
    const run = planRun({ files: FILES, shard: { index: 2, count: 2 }, store: TIMED });
    const plan = partition(FILES, {
      shardCount: 2,
      durations: { 'a.test.ts': 4000, 'b.test.ts': 3000, 'c.test.ts': 2000, 'd.test.ts': 1000 },
    });
    expect(run.plan).toEqual(plan);
    expect(run.units).toEqual(plan.shards[1]!.files);
    expect(run.diagnostics).toEqual([]);
    expect(run.match).toEqual({ files: 4, timed: 4, entries: 4 });
  });

  it.each([
    {
      name: 'no store',
      files: FILES,
      st: { state: 'missing' } as const,
      shard: undefined,
      kinds: ['no-store'],
    },
    { name: 'store off', files: FILES, st: { state: 'disabled' } as const, shard: undefined, kinds: [] },
    {
      name: 'some files untimed',
      files: [...FILES, 'e.test.ts'],
      st: TIMED,
      shard: undefined,
      kinds: ['unknown-files'],
    },
    {
      name: 'keys rooted elsewhere',
      files: FILES,
      st: store({ 'pkg/a.test.ts': 1, 'pkg/b.test.ts': 2, 'pkg/c.test.ts': 3 }),
      shard: undefined,
      kinds: ['low-match'],
    },
    {
      name: 'an empty shard',
      files: ['a.test.ts'],
      st: TIMED,
      shard: { index: 2, count: 2 },
      kinds: ['empty-shard'],
    },
  ])('diagnoses $name', ({ files, st, shard, kinds }) => {
    const run = planRun({ files, store: st, ...(shard ? { shard } : { shardCount: 2 }) });
    expect(run.diagnostics.map((d) => d.kind)).toEqual(kinds);
  });

  it('refuses no files at all: nothing to run is never a green build', () => {
    expect(() =>
      planRun({ files: [], fileSource: 'the default test patterns in /repo', shardCount: 2, store: TIMED }),
    ).toThrow(
      expect.objectContaining({
        code: 'NO_TEST_FILES',
        message: 'no test files found (from the default test patterns in /repo)',
      }),
    );
  });

  it('a missing store at a path the user named is flagged explicit', () => {
    const run = planRun({ files: FILES, shardCount: 2, store: { state: 'missing', explicit: true } });
    expect(run.diagnostics).toMatchObject([{ kind: 'no-store', explicit: true }]);
  });

  it('names the store key that matches a file under another root', () => {
    const run = planRun({ files: FILES, shardCount: 2, store: store({ 'pkg/a.test.ts': 1 }) });
    expect(run.diagnostics[0]).toMatchObject({
      kind: 'low-match',
      example: { key: 'pkg/a.test.ts', file: 'a.test.ts' },
    });
  });

  it('says when a previous plan of another shard count is not used', () => {
    const previous = parsePlan({ shards: [{ files: FILES }] }, 'prev.json');
    const run = planRun({ files: FILES, shardCount: 2, store: TIMED, previous });
    expect(run.diagnostics).toEqual([{ kind: 'previous-ignored', shardCount: 2, previousShardCount: 1 }]);
  });

  it('every shard of every job: each file exactly once, whatever the order and spelling (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}\.test\.ts$/), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        (files, count) => {
          const seen: string[] = [];
          for (let index = 1; index <= count; index++) {
            const spelled = [...files].reverse().map((f, i) => (i % 2 ? `./${f}` : f));
            seen.push(
              ...planRun({ files: spelled, shard: { index, count }, store: { state: 'missing' } }).units,
            );
          }
          expect(seen.sort()).toEqual([...files].sort());
        },
      ),
    );
  });
});

describe('planRun with a pinned plan', () => {
  const planned = planRun({ files: FILES, shardCount: 2, store: TIMED }).plan;
  const pinned = {
    plan: parsePlan(JSON.parse(JSON.stringify({ ...planned, format: 'shardwise-plan' })), 'plan.json'),
    source: 'plan.json',
  };

  it('runs exactly the pinned shard, whatever the store says now', () => {
    const changed = store({ 'a.test.ts': 1, 'b.test.ts': 1, 'c.test.ts': 9000, 'd.test.ts': 9000 });
    const run = planRun({ files: FILES, shard: { index: 1, count: 2 }, store: changed, pinned });
    expect(run.units).toEqual(planned.shards[0]!.files);
    expect(run.plan.fingerprint).toBe(planned.fingerprint);
    expect(run.plan.shards.map((s) => s.estimatedMs)).toEqual(planned.shards.map((s) => s.estimatedMs));
    expect(run.pinned).toBe('plan.json');
  });

  it.each([
    { name: 'a file gone', files: FILES.slice(1), error: /1 planned file\(s\) not found \(a\.test\.ts\)/ },
    {
      name: 'a new file',
      files: [...FILES, 'z.test.ts'],
      error: /1 test file\(s\) not in the plan \(z\.test\.ts\)/,
    },
  ])('refuses $name, naming it', ({ files, error }) => {
    expect(() => planRun({ files, shard: { index: 1, count: 2 }, store: TIMED, pinned })).toThrow(error);
  });

  it('says nothing about a missing store: nothing was planned from it', () => {
    const run = planRun({ files: FILES, shard: { index: 1, count: 2 }, store: { state: 'missing' }, pinned });
    expect(run.diagnostics).toEqual([]);
  });

  it('a run narrowed by a filter is told so, not that the plan is stale', () => {
    expect(() =>
      planRun({
        files: FILES.slice(0, 2),
        shard: { index: 1, count: 2 },
        store: TIMED,
        pinned,
        partial: true,
      }),
    ).toThrow(/a pinned plan runs the whole suite, but this run was narrowed .* to 2 of its 4 files/);
  });

  it('refuses another shard count', () => {
    expect(() => planRun({ files: FILES, shard: { index: 1, count: 3 }, store: TIMED, pinned })).toThrow(
      /the pinned plan has 2 shards, this job runs 3/,
    );
  });
});

describe('isLowMatch', () => {
  it.each([
    { files: 10, timed: 0, entries: 10, low: true },
    { files: 10, timed: 4, entries: 10, low: true },
    { files: 10, timed: 5, entries: 10, low: false },
    // A filtered run of a big suite: most entries are not in this run, but the run's files are timed.
    { files: 10, timed: 10, entries: 1000, low: false },
    // A suite that grew past its store: most files are new, but the store's entries all match.
    { files: 1000, timed: 10, entries: 10, low: false },
    { files: 0, timed: 0, entries: 10, low: false },
    { files: 10, timed: 0, entries: 0, low: false },
  ])('$timed of $files files, $entries entries → $low', ({ low, ...match }) => {
    expect(isLowMatch(match)).toBe(low);
  });
});

describe('severityOf: one loudness for every front end', () => {
  it.each([
    [{ kind: 'low-match' } as PlanDiagnostic, 'warning'],
    [{ kind: 'no-store', explicit: true } as PlanDiagnostic, 'warning'],
    [{ kind: 'no-store', explicit: false } as PlanDiagnostic, 'notice'],
    [{ kind: 'unknown-files' } as PlanDiagnostic, 'notice'],
    [{ kind: 'empty-shard' } as PlanDiagnostic, 'notice'],
    [{ kind: 'previous-ignored' } as PlanDiagnostic, 'notice'],
  ])('%o → %s', (d, want) => {
    expect(severityOf(d)).toBe(want);
  });
});

describe('planMessages: what a plugin prints about its plan', () => {
  it('diagnostics in the front end’s words or core’s, left out on null, then the shard line', () => {
    const run = planRun({
      files: [...FILES, 'e.test.ts'],
      shard: { index: 1, count: 2 },
      store: { state: 'missing', explicit: true },
    });
    const neutral = planMessages(run, 's.json');
    expect(neutral.map((m) => m.level)).toEqual(['warning', 'notice']);
    expect(neutral[0]!.text).toContain('no timing store at s.json, the path you named');
    expect(neutral[1]!.text).toMatch(/^shard 1\/2: \d of 5 file\(s\)/);
    expect(planMessages(run, 's.json', () => 'in my words')[0]).toEqual({
      level: 'warning',
      text: 'in my words',
    });
    expect(planMessages(run, 's.json', () => null).map((m) => m.level)).toEqual(['notice']);
  });

  it('an empty shard prints no shard line', () => {
    const run = planRun({ files: ['a.test.ts'], shard: { index: 2, count: 2 }, store: TIMED });
    expect(planMessages(run, 's.json').map((m) => m.text)).toEqual([
      'shard 2/2 is empty (1 test file(s) for 2 shards); nothing to run',
    ]);
  });
});

const t = (name: string, durationMs: number): TestTiming => ({ name, durationMs, status: 'passed' });

describe('planRun with a filter', () => {
  const timings: PlanRunInput['store'] = {
    state: 'loaded',
    store: {
      version: 1,
      files: new Map(
        Object.entries({
          'a.ts': { durationMs: 1000, samples: 1, tests: [t('x', 400), t('net y', 500)] },
          'b.ts': { durationMs: 600, samples: 1, tests: [t('z', 600)] },
          'c.ts': { durationMs: 800, samples: 1 },
        }),
      ),
    },
  };
  const files = ['a.ts', 'b.ts', 'c.ts'];

  it('prices a file the filter runs in part at its fixed cost plus its selected tests', () => {
    const filter = nameFilter('-t ^(?!.*net)', /^(?!.*net)/);
    const run = planRun({ files, shardCount: 1, store: timings, filter });
    // a: 100 fixed + 400; b: every test selected, its own 600; c: no tests known, its own 800.
    expect(run.plan.totalMs).toBe(500 + 600 + 800);
    const whole = planRun({ files, shardCount: 1, store: timings });
    expect(whole.plan.totalMs).toBe(1000 + 600 + 800);
  });
});

describe('describeShard: the shard line shows the figure every front end shows', () => {
  const walled = (workers: number): PlanRunInput['store'] => {
    const timed = TIMED as Extract<PlanRunInput['store'], { state: 'loaded' }>;
    return {
      state: 'loaded',
      store: {
        ...timed.store,
        models: new Map([['jest', { startupMs: 1200, workerStartupMs: 800, workers }]]),
      },
    };
  };
  it.each([
    { name: 'no wall model: the files’ sum', st: TIMED, time: '~5.0 s of ~10.0 s in total' },
    {
      name: 'a wall model: the predicted wall, as `shard plan` and `shard merge` show it',
      st: walled(1),
      time: '~7.0 s predicted wall (~10.0 s of files in total)',
    },
  ])('$name', ({ st, time }) => {
    const run = planRun({ files: FILES, shard: { index: 1, count: 2 }, store: st });
    const mine = run.plan.shards[0]!;
    expect(describeShard(run)).toContain(`: 2 of 4 file(s), ${time} (plan `);
    // The same figure as the one function every front end judges a shard by.
    expect(describeShard(run)).toContain(`~${(predictedMs(run.plan, mine) / 1000).toFixed(1)} s`);
  });
});

describe('unit: one word for what a front end plans, in every line about the plan', () => {
  it('Playwright’s units are units in the diagnostics, the shard line and a pinned plan’s mismatch', () => {
    const run = planRun({
      files: FILES,
      shard: { index: 1, count: 2 },
      store: { state: 'missing' },
      unit: 'unit',
    });
    const lines = planMessages(run, 's.json').map((m) => m.text);
    expect(lines).toEqual([
      expect.stringContaining('planned 4 units by estimate'),
      expect.stringMatching(/^shard 1\/2: 2 of 4 unit\(s\), /),
    ]);
    const pinned = parsePlan(JSON.parse(JSON.stringify({ ...run.plan, format: 'shardwise-plan' })), 'p.json');
    expect(() =>
      planRun({
        files: [...FILES, 'e.test.ts'],
        shard: { index: 1, count: 2 },
        store: { state: 'disabled' },
        pinned: { plan: pinned, source: 'p.json' },
        unit: 'unit',
      }),
    ).toThrow('p.json: the pinned plan does not match the units: 1 unit(s) not in the plan (e.test.ts)');
    for (const line of lines) expect(line).not.toMatch(/\bfiles?\b/);
  });
});

describe('isManyUnlisted: a store that knows many more files than the run listed', () => {
  it.each([
    { name: 'nothing unlisted', listed: 13, unlisted: 0, many: false },
    { name: 'a few deleted files', listed: 100, unlisted: 10, many: false },
    { name: 'just under half as many', listed: 13, unlisted: 6, many: false },
    { name: 'half as many', listed: 12, unlisted: 6, many: true },
    { name: 'the suite the default globs missed (13 of 33)', listed: 13, unlisted: 20, many: true },
    { name: 'one listed, one not', listed: 1, unlisted: 1, many: true },
  ])('$name: $listed listed, $unlisted unlisted → $many', ({ listed, unlisted, many }) => {
    expect(isManyUnlisted(listed, unlisted)).toBe(many);
  });

  const known = (n: number, prefix: string) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}.test.ts`, 1000]));
  const listed = Object.keys(known(13, 'a/'));
  it.each([
    {
      name: 'a front end that lists files: 20 more known',
      st: store({ ...known(13, 'a/'), ...known(20, 'b/') }),
      listsFiles: true,
      kinds: ['unlisted-entries'],
    },
    {
      name: 'a runner plugin (the runner listed its own files): quiet',
      st: store({ ...known(13, 'a/'), ...known(20, 'b/') }),
      listsFiles: false,
      kinds: [],
    },
    {
      name: 'its projects’ keys and tests of listed files are not unlisted',
      st: store({
        ...known(13, 'a/'),
        ...Object.fromEntries(listed.map((f) => [`web|${f}`, 1])),
        ...Object.fromEntries(listed.map((f) => [`${f} › group`, 1])),
      }),
      listsFiles: true,
      kinds: [],
    },
    {
      name: 'keys rooted elsewhere: the low match says it, once',
      st: store(known(33, 'b/')),
      listsFiles: true,
      kinds: ['low-match'],
    },
  ])('$name', ({ st, listsFiles, kinds }) => {
    const run = planRun({ files: listed, shardCount: 2, store: st, listsFiles });
    expect(run.diagnostics.map((d) => d.kind)).toEqual(kinds);
    const d = run.diagnostics.find((x) => x.kind === 'unlisted-entries');
    if (d) {
      expect(d).toMatchObject({ match: { files: 13, timed: 13, entries: 33 }, unlisted: 20 });
      expect(severityOf(d)).toBe('warning');
    }
  });
});

describe('a front end that lists files refuses a Playwright store', () => {
  const playwrightStore = (): PlanRunInput['store'] => {
    const st = store({ 'api|tests/a.spec.ts': 1000, 'api|tests/b.spec.ts › group': 500 });
    if (st.state === 'loaded')
      st.store.models = new Map([['playwright', { startupMs: 1, workerStartupMs: 1, workers: 1 }]]);
    return st;
  };
  it.each([
    { name: 'a store whose only model is Playwright’s', st: playwrightStore(), runner: undefined },
    { name: 'a plan asked of Playwright’s model', st: TIMED, runner: 'playwright' },
  ])('$name: one line with the command that plans it', ({ st, runner }) => {
    const input = { files: FILES, shardCount: 3, store: st, ...(runner ? { runner } : {}) };
    expect(() => planRun({ ...input, listsFiles: true })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        hint: {
          kind: 'text',
          text: expect.stringContaining(
            '`SHARDWISE_PLAN_OUT=plan.json npx playwright test --list --shard=1/3`',
          ),
        },
      }),
    );
    // The reporter plans the same store: it lists the units.
    expect(() => planRun(input)).not.toThrow();
  });
});
