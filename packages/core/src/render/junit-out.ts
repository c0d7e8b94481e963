/**
 * One JUnit XML report of every job of a run, for CI test tabs (GitLab, Jenkins, CircleCI, Azure). The
 * Surefire dialect, which they all read: a single `<testsuite>`, a `<testcase>` per test with its file as
 * the class name, `<flakyFailure>` for a test that failed and then passed on a retry, and a failure that
 * an active quarantine entry covers written as `<skipped>` saying so (it does not fail the run, as the
 * quarantine decided). Pure: a string from the reports.
 */
import { compareCodeUnits } from '../base/paths.js';
import { judgeFailures, type Quarantine, type QuarantineEntry } from '../learn/quarantine.js';
import type { ReportedFile, ReportedTest, RunReport } from '../formats/report.js';

/** What the JUnit report needs beside the reports. */
export interface JUnitOptions {
  /** The quarantine the failures are judged against; none quarantines nothing. */
  quarantine?: Quarantine | undefined;
  /** The day expiry is judged on (YYYY-MM-DD, UTC). */
  today: string;
  /** The suite's name. @default 'shardwise' */
  name?: string;
}

/**
 * The reports as one JUnit XML document (Surefire's schema, version 3.0).
 *
 * @example
 * await writeFileAtomic('merged.xml', renderJUnit(reports, { quarantine, today: '2026-12-08' }));
 */
export function renderJUnit(reports: readonly RunReport[], options: JUnitOptions): string {
  const ordered = [...reports].sort(
    (a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0) || compareCodeUnits(a.runner, b.runner),
  );
  const files = ordered.flatMap((r) =>
    [...r.files].sort((a, b) => compareCodeUnits(a.file, b.file) || (a.piece ?? 0) - (b.piece ?? 0)),
  );
  const verdict = options.quarantine ? judgeFailures(files, options.quarantine, options.today) : undefined;
  const covered = new Map<string, QuarantineEntry>();
  for (const q of verdict?.quarantined ?? []) covered.set(`${q.file}\0${q.name}`, q.entry);
  const expired = new Map<string, QuarantineEntry>();
  for (const q of verdict?.expired ?? []) expired.set(`${q.file}\0${q.name}`, q.entry);

  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const cases: string[] = [];
  for (const f of files) {
    counts.ms += f.durationMs;
    const tests = f.tests ?? [];
    for (const t of tests) {
      const key = `${f.file}\0${t.name}`;
      cases.push(testCase(f.file, t, covered.get(key), expired.get(key), counts));
    }
    const problem = fileProblem(f, tests);
    if (problem || tests.length === 0) {
      counts.tests++;
      if (problem) counts.errors++;
      const body = problem ? `<error type="${problem.type}" message="${attr(problem.message)}"/>` : '';
      const name = f.piece === undefined ? f.file : `${f.file} (piece ${f.piece}/${f.of ?? '?'})`;
      cases.push(
        `  <testcase name="${attr(name)}" classname="${attr(f.file)}" time="${seconds(tests.length === 0 ? f.durationMs : 0)}"${body ? `>${body}</testcase>` : '/>'}`,
      );
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${attr(options.name ?? 'shardwise')}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(counts.ms)}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}

function testCase(
  file: string,
  t: ReportedTest,
  quarantined: QuarantineEntry | undefined,
  expired: QuarantineEntry | undefined,
  counts: { tests: number; failures: number; skipped: number },
): string {
  counts.tests++;
  const head = `  <testcase name="${attr(t.name)}" classname="${attr(file)}" time="${seconds(t.durationMs)}"`;
  let body = '';
  if (t.status === 'failed' && quarantined) {
    counts.skipped++;
    body = `<skipped message="${attr(`failed, quarantined: ${quarantined.reason}${quarantined.owner ? `; owner ${quarantined.owner}` : ''}${quarantined.expires ? `; until ${quarantined.expires}` : ''}`)}"/>`;
  } else if (t.status === 'failed') {
    counts.failures++;
    const why = expired ? `failed; its quarantine expired on ${expired.expires}` : 'failed';
    body = `<failure type="failed" message="${attr(why)}"/>`;
  } else if (t.status === 'skipped') {
    counts.skipped++;
    body = '<skipped/>';
  } else if (t.flaky) {
    const attempts = t.attempts === undefined ? '' : ` (${t.attempts} attempts)`;
    body =
      `<flakyFailure type="flaky" message="${attr(`failed, then passed on a retry${attempts}`)}">` +
      '<stackTrace>The runner retried this test after a failure; its own report holds the error.</stackTrace>' +
      '</flakyFailure>';
  }
  return body ? `${head}>${body}</testcase>` : `${head}/>`;
}

/** A file that failed outside its tests, or did not finish: an error of the file itself. */
function fileProblem(
  f: ReportedFile,
  tests: readonly ReportedTest[],
): { type: string; message: string } | undefined {
  if (f.unfinished !== undefined) {
    const why = f.unfinished === 'crashed' ? 'its worker crashed' : 'the run was cancelled';
    return { type: f.unfinished, message: `did not finish: ${why}` };
  }
  if (f.status === 'failed' && !tests.some((t) => t.status === 'failed'))
    return {
      type: 'file-failed',
      message: 'the file failed outside its tests (it did not load, or a hook failed)',
    };
  return undefined;
}

/** Seconds with three decimals, as Surefire writes them. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** An attribute value: escaped, and without the characters XML 1.0 cannot hold. */
function attr(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
      .replace(/[\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}
