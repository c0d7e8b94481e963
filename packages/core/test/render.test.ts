import { describe, expect, it } from 'vitest';
import {
  appendRun,
  checkCoverage,
  createReport,
  describePipeline,
  detectFlaky,
  explainSlowest,
  mergeReports,
  partition,
  predictedSpan,
  renderComment,
  renderHtml,
  renderJUnit,
  summarizeShards,
  type PipelineInput,
  type Quarantine,
  type ReportedFile,
  type RunReport,
} from '../src/public/index.js';

const TODAY = '2026-12-08';

function report(files: ReportedFile[], extra: Partial<RunReport> = {}): RunReport {
  return { format: 'shardwise-report', version: 1, runner: 'jest', files, ...extra };
}

const QUARANTINE: Quarantine = {
  version: 1,
  tests: [
    {
      file: 'a.test.ts',
      name: 'held',
      reason: 'races the clock',
      added: '2026-12-01',
      expires: '2099-01-01',
    },
    { file: 'a.test.ts', name: 'lapsed', reason: 'old', added: '2026-01-01', expires: '2026-02-01' },
  ],
};

describe('renderJUnit', () => {
  it.each<[string, ReportedFile, string]>([
    [
      'a passed test: an empty test case',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'passed',
        tests: [{ name: 'ok', durationMs: 10, status: 'passed' }],
      },
      '<testcase name="ok" classname="a.test.ts" time="0.010"/>',
    ],
    [
      'a failed test: a failure',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'failed',
        tests: [{ name: 'no', durationMs: 1500, status: 'failed' }],
      },
      '<testcase name="no" classname="a.test.ts" time="1.500"><failure type="failed" message="failed"/></testcase>',
    ],
    [
      'a failure an active quarantine entry covers: skipped, saying it failed',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'failed',
        tests: [{ name: 'held', durationMs: 5, status: 'failed' }],
      },
      '<testcase name="held" classname="a.test.ts" time="0.005"><skipped message="failed, quarantined: races the clock; until 2099-01-01"/></testcase>',
    ],
    [
      'a failure whose entry has expired: a failure again, saying so',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'failed',
        tests: [{ name: 'lapsed', durationMs: 5, status: 'failed' }],
      },
      '<testcase name="lapsed" classname="a.test.ts" time="0.005"><failure type="failed" message="failed; its quarantine expired on 2026-02-01"/></testcase>',
    ],
    [
      'a skipped test',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'skipped',
        tests: [{ name: 'later', durationMs: 0, status: 'skipped' }],
      },
      '<testcase name="later" classname="a.test.ts" time="0.000"><skipped/></testcase>',
    ],
    [
      'a test that failed, then passed on a retry: a flaky failure',
      {
        file: 'a.test.ts',
        durationMs: 10,
        status: 'passed',
        tests: [{ name: 'shaky', durationMs: 7, status: 'passed', flaky: true, attempts: 3 }],
      },
      '<testcase name="shaky" classname="a.test.ts" time="0.007"><flakyFailure type="flaky" message="failed, then passed on a retry (3 attempts)"><stackTrace>',
    ],
    [
      'a file that failed outside its tests: an error of the file',
      { file: 'b.test.ts', durationMs: 30, status: 'failed', tests: [] },
      '<testcase name="b.test.ts" classname="b.test.ts" time="0.030"><error type="file-failed" message="the file failed outside its tests (it did not load, or a hook failed)"/></testcase>',
    ],
    [
      'a file whose worker crashed: an error of the file',
      { file: 'c.test.ts', durationMs: 30, status: 'interrupted', unfinished: 'crashed', tests: [] },
      '<testcase name="c.test.ts" classname="c.test.ts" time="0.030"><error type="crashed" message="did not finish: its worker crashed"/></testcase>',
    ],
    [
      'a file with no tests listed (an import of file times): one case for the file',
      { file: 'd.test.ts', durationMs: 1234, status: 'passed' },
      '<testcase name="d.test.ts" classname="d.test.ts" time="1.234"/>',
    ],
    [
      'a piece of a split file: the case names the piece',
      { file: 'e.test.ts', durationMs: 30, status: 'interrupted', unfinished: 'cancelled', piece: 2, of: 3 },
      '<testcase name="e.test.ts (piece 2/3)" classname="e.test.ts" time="0.030"><error type="cancelled"',
    ],
    [
      'markup and control characters in names: escaped, or left out where XML cannot hold them',
      {
        file: 'f.test.ts',
        durationMs: 1,
        status: 'passed',
        tests: [{ name: 'a "quoted" <b> & \u0007bell\nline', durationMs: 1, status: 'passed' }],
      },
      '<testcase name="a &quot;quoted&quot; &lt;b&gt; &amp; bell&#10;line" classname="f.test.ts" time="0.001"/>',
    ],
  ])('%s', (_name, file, expected) => {
    const xml = renderJUnit([report([file])], { quarantine: QUARANTINE, today: TODAY });
    expect(xml).toContain(expected);
  });

  it('counts as CI systems do, and is the same text for the reports in any order', () => {
    const a = report(
      [
        {
          file: 'a.test.ts',
          durationMs: 100,
          status: 'failed',
          tests: [
            { name: 'no', durationMs: 50, status: 'failed' },
            { name: 'held', durationMs: 50, status: 'failed' },
          ],
        },
      ],
      { shard: { index: 1, count: 2 } },
    );
    const b = report([{ file: 'b.test.ts', durationMs: 300, status: 'failed', tests: [] }], {
      shard: { index: 2, count: 2 },
    });
    const xml = renderJUnit([a, b], { quarantine: QUARANTINE, today: TODAY });
    expect(xml).toContain(
      '<testsuite name="shardwise" tests="3" failures="1" errors="1" skipped="1" time="0.400">',
    );
    expect(renderJUnit([b, a], { quarantine: QUARANTINE, today: TODAY })).toBe(xml);
  });
});

/** Three jobs on two workers, a failing and a retried test, a history of three runs, a store to move. */
function pipeline(overrides: Partial<PipelineInput> = {}): PipelineInput {
  const plan = partition(['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'e.test.ts', 'f.test.ts'], {
    shardCount: 3,
    durations: { 'a.test.ts': 1000, 'b.test.ts': 900, 'c.test.ts': 800, 'd.test.ts': 700, 'e.test.ts': 600 },
  });
  const reports = plan.shards.map((s) =>
    createReport({
      runner: 'jest',
      createdAt: '2026-12-08T10:00:00.000Z',
      shard: { index: s.index, count: 3 },
      plan,
      partial: false,
      testsFiltered: false,
      job: { wallMs: 3000, workers: 2 },
      files: s.files.map((file, i) => ({
        file,
        durationMs: 1000 + 100 * i,
        status: file === 'a.test.ts' ? 'failed' : 'passed',
        tests: [
          {
            name: file === 'a.test.ts' ? 'held' : 'works',
            durationMs: 1000,
            status: file === 'a.test.ts' ? 'failed' : 'passed',
            ...(file === 'b.test.ts' ? { flaky: true, attempts: 2 } : {}),
          },
        ],
        worker: i + 1,
        startMs: 500,
        endMs: 1500 + 100 * i,
      })),
    }),
  );
  const before = mergeReports(undefined, [
    report(
      plan.shards.flatMap((s) =>
        s.files.map((file) => ({ file, durationMs: 400, status: 'passed' as const })),
      ),
    ),
  ]).store;
  const merged = mergeReports(before, reports);
  let history = appendRun(undefined, [
    report(
      [
        {
          file: 'a.test.ts',
          durationMs: 1,
          status: 'passed',
          tests: [{ name: 'held', durationMs: 1, status: 'passed' }],
        },
      ],
      { createdAt: '2026-12-06T00:00:00.000Z' },
    ),
  ]).history;
  history = appendRun(history, reports).history;
  const coverage = checkCoverage(reports);
  const shards = summarizeShards(coverage, reports, before);
  return {
    reports,
    coverage,
    shards,
    slowest: explainSlowest(shards, reports, merged.machineJobs),
    before,
    merged,
    history,
    flaky: detectFlaky(history),
    quarantine: QUARANTINE,
    today: TODAY,
    ...overrides,
  };
}

describe('createReport', () => {
  it("carries the plan's proven lower bound, in the measure of its predictions", () => {
    const input = pipeline();
    const plan = partition(['a.test.ts', 'b.test.ts'], {
      shardCount: 2,
      durations: { 'a.test.ts': 5, 'b.test.ts': 3 },
    });
    const built = createReport({
      runner: 'jest',
      shard: undefined,
      plan,
      partial: false,
      testsFiltered: false,
      createdAt: TODAY,
      files: [],
    });
    expect(built.plan?.lowerBoundMs).toBe(predictedSpan(plan).lowerBoundMs);
    expect(input.coverage.plan?.lowerBoundMs).toBeGreaterThan(0);
  });
});

describe('describePipeline', () => {
  it('takes every figure from the merge: rows, wall, the lower bound, the slowest job in its words', () => {
    const input = pipeline();
    const s = describePipeline(input);
    expect(s.rows).toBe(input.shards);
    expect(s.wallMs).toBe(input.slowest!.wallMs);
    expect(s.lowerBoundMs).toBe(input.coverage.plan!.lowerBoundMs);
    expect(s.balance).toEqual({ fastestMs: 3000, slowestMs: 3000, meanMs: 3000, overMean: 0 });
    expect(s.slowest).toMatch(/^shard \d\/3 \(3\.0s\): /);
    expect(s.jobs.map((j) => j.name)).toEqual(['shard 1/3 · jest', 'shard 2/3 · jest', 'shard 3/3 · jest']);
    // Each job's start-up is the wall model's reading of its clock: 3000 − (last end − first start).
    for (const j of s.jobs) {
      const bars = j.workers.flatMap((w) => w.bars);
      expect(j.startupMs).toBe(3000 - (Math.max(...bars.map((b) => b.endMs)) - 500));
    }
  });

  it('lists what moved in the store, largest move first, with its duration before and after', () => {
    const s = describePipeline(pipeline());
    expect(s.moved.length).toBeGreaterThan(0);
    for (const m of s.moved) expect(m.beforeMs).toBe(400);
    const moves = s.moved.map((m) => Math.abs(m.afterMs - m.beforeMs!));
    expect(moves).toEqual([...moves].sort((a, b) => b - a));
  });

  it('gives each flaky or broken test its runs as a strip, and its quarantine with expiry', () => {
    const s = describePipeline(pipeline());
    const held = s.tests.find((t) => t.name === 'held')!;
    expect(held.strip).toEqual(['p', 'f']);
    expect(held.quarantine).toMatchObject({ reason: 'races the clock', expired: false });
    const retried = s.tests.find((t) => t.file === 'b.test.ts')!;
    expect(retried.strip).toEqual(['y']);
    expect(retried.quarantine).toBeUndefined();
    const lapsed = describePipeline(pipeline({ today: '2099-01-02' })).tests.find((t) => t.name === 'held')!;
    expect(lapsed.quarantine?.expired).toBe(true);
  });

  it('names the files of a shard that sent no report as missing', () => {
    const full = pipeline();
    const reports = full.reports.filter((r) => r.shard?.index !== 2);
    const coverage = checkCoverage(reports);
    const s = describePipeline({
      ...full,
      reports,
      coverage,
      shards: summarizeShards(coverage, reports, full.before),
    });
    expect(s.coverage.ok).toBe(false);
    expect(s.coverage.missing).toEqual(
      full.reports
        .find((r) => r.shard?.index === 2)!
        .files.map((f) => f.file)
        .sort(),
    );
  });
});

describe('renderHtml', () => {
  it('escapes file and test names: a name is text, never markup', () => {
    const input = pipeline();
    const evil = '<img src=x onerror=alert(1)>.test.ts';
    const reports = input.reports.map((r) => ({
      ...r,
      files: r.files.map((f, i) => (i === 0 ? { ...f, file: evil } : f)),
    }));
    const html = renderHtml(describePipeline({ ...input, reports }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;.test.ts');
  });

  it('loads nothing from elsewhere: no external script, style, image or font', () => {
    const html = renderHtml(describePipeline(pipeline()));
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/url\(|@import/);
  });

  it('a job whose files have no place on its clock (an import, `shard run`): a lane that says so, no bars', () => {
    const input = pipeline();
    const reports = input.reports.map((r, i) =>
      i === 0
        ? {
            ...r,
            files: r.files.map((f) => {
              const { startMs: _s, endMs: _e, worker: _w, ...rest } = f;
              return rest;
            }),
          }
        : r,
    );
    const s = describePipeline({ ...input, reports });
    expect(s.jobs[0]).toMatchObject({ workers: [], untimed: reports[0]!.files.length });
    const html = renderHtml(s);
    expect(html).toContain(`${reports[0]!.files.length} file(s) with no place on its clock`);
    expect(html.match(/<div class="lane empty">no timeline<\/div>/g)).toHaveLength(1);
  });

  it('is the same text for the same run', () => {
    expect(renderHtml(describePipeline(pipeline()))).toBe(renderHtml(describePipeline(pipeline())));
  });
});

describe('renderComment', () => {
  it('stays short when many files are missing: twenty lines, then how many more', () => {
    const input = pipeline();
    const problems = Array.from({ length: 25 }, (_, i) => ({ file: `x${i}.test.ts`, shard: 1 }));
    const s = describePipeline({ ...input, coverage: { ...input.coverage, ok: false, notRun: problems } });
    const text = renderComment(s);
    expect(text).toContain('- x19.test.ts: planned for shard 1 but run by no shard\n- … and 5 more');
    expect(text).not.toContain('x20.test.ts');
  });
});
