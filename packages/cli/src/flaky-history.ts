// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import {
  appendRun,
  detectFlaky,
  displayPath,
  newlyFlaky,
  type FlakyTest,
  type History,
  type HistoryRun,
  type RunReport,
} from '@shardwise/core';
import type { Context } from './context.js';
import { formatPercent, table } from './format.js';

/** What appending one run to the history found. */
export interface RecordedRun {
  /** The run appended; undefined when the history already held every one of the reports. */
  run: HistoryRun | undefined;
  /** The history with the run appended, for the caller to write (when `run` is defined). */
  history: History;
  /** Reports the history already held (a merge run again), left out. */
  repeated: number;
  /** Where the history was written (as shown to the user). */
  file: string;
  /** Every flaky and broken test after this run. */
  tests: FlakyTest[];
  /** Tests that are flaky now and were not before this run. */
  newly: FlakyTest[];
}

/**
 * Appends the reports as one run to the history `base` read from `file` and detects flaky tests before and
 * after, so a merge can say which tests became flaky in this run. Writes nothing: the caller writes the
 * history, with the store when there is one, under their locks.
 */
export function recordRun(
  ctx: Context,
  file: string,
  reports: readonly RunReport[],
  base: History | undefined,
): RecordedRun {
  const name = displayPath(file, ctx.io.cwd);
  const before = base ? detectFlaky(base) : [];
  const { history, run, repeated } = appendRun(base, reports);
  const tests = detectFlaky(history);
  if (run) {
    ctx.debug(
      `history ${file}: run ${run.n}, ${run.tests} outcomes, ${run.failed} failed${run.infra ? ' (infrastructure)' : ''}`,
    );
  }
  return { run, history, repeated, file: name, tests, newly: newlyFlaky(before, tests) };
}

/** The table columns of `shard flaky`, one row per test. */
export function flakyRows(tests: readonly FlakyTest[]): string[][] {
  return tests.map((t) => [
    t.status,
    `${t.file} › ${t.name}`,
    String(t.runs),
    String(t.failures),
    formatPercent(t.flipRate),
    day(t.firstSeen),
    day(t.lastSeen),
    t.lastFailingCommit?.slice(0, 10) ?? '-',
  ]);
}
export const FLAKY_HEADER = [
  'Status',
  'Test',
  'Runs',
  'Failures',
  'Flips',
  'First seen',
  'Last seen',
  'Last failing commit',
];
export const FLAKY_ALIGN = 'llrrrlll';

function day(at: string | undefined): string {
  return at?.slice(0, 10) ?? '-';
}

/** The merge's lines about this run's history: the tests that became flaky in it. */
export function recordedText(ctx: Context, recorded: RecordedRun): string {
  const c = ctx.out;
  const { run, newly, repeated } = recorded;
  const again =
    repeated > 0
      ? c.dim(` (${repeated} report(s) already in it from an earlier merge: not counted twice)`)
      : '';
  if (!run) return `Flaky history ${recorded.file}: nothing new${again}\n`;
  const infra = run.infra
    ? c.yellow(
        ` most tests failed (${run.failed} of ${run.tests}): an infrastructure failure, ignored by detection`,
      )
    : '';
  const lines = [
    `Flaky history ${recorded.file}: run ${run.n} recorded (${run.tests} test outcomes)${infra}${again}`,
  ];
  if (newly.length > 0) {
    lines.push(c.yellow(c.bold(`Became flaky in this run: ${newly.length} test(s)`)));
    for (const t of newly)
      lines.push(`  ${t.file} › ${t.name}  (${t.failures} of ${t.runs} runs failed; ${t.reason})`);
    lines.push(
      c.dim(
        '  `shard flaky` lists them all; `shard quarantine add FILE NAME --reason …` keeps one from blocking',
      ),
    );
  }
  return lines.join('\n') + '\n';
}

/** The `shard flaky` table. */
export function flakyTable(ctx: Context, tests: readonly FlakyTest[]): string {
  const c = ctx.out;
  const rows = [FLAKY_HEADER, ...flakyRows(tests)];
  return table(rows, FLAKY_ALIGN, (r, _col, text) => (r === 0 ? c.bold(text) : text)).join('\n') + '\n';
}
