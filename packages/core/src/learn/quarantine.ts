/**
 * Quarantine: tests that still run and are reported, but whose failures do not fail the job, listed in a
 * committed file (`shard-quarantine.json`) with why, since when, until when and whose. The rules of the
 * verdict live here, once, for the CLI and both runner plugins.
 */
import { ShardwiseError } from '../base/errors.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import { compareCodeUnits } from '../base/paths.js';
import type { ReportedFile } from '../formats/report.js';
import { DEFAULT_QUARANTINE_FILE } from '../base/settings.js';
import { testFileOf } from '../base/test-key.js';
import { rejectNewerVersion } from '../formats/store.js';
import { type TimingStore } from '../formats/records.js';
import type { History } from './history.js';

export const QUARANTINE_VERSION = 1;

/** One quarantined test. Dates are `YYYY-MM-DD` (UTC). */
export interface QuarantineEntry {
  /** The test file: POSIX path relative to the root (a `project|path` key matches too). */
  file: string;
  /** The test's full name as reports give it: `describe > it`. */
  name: string;
  reason: string;
  added: string;
  /** The last day the entry protects; from the next day on its failures fail the job again. */
  expires?: string;
  owner?: string;
}

export interface Quarantine {
  version: typeof QUARANTINE_VERSION;
  tests: QuarantineEntry[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether `value` is a day of the calendar as `YYYY-MM-DD`: `2027-02-30` and `2027-13-01` are not (the
 * platform's date parser would roll the first over to March 2).
 */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

let schema: ReturnType<typeof buildSchema> | undefined;
function buildSchema() {
  const { z } = loadZod();
  const text = z.string({ error: 'expected a string' }).trim().min(1, 'expected a non-empty string');
  const date = z
    .string({ error: 'expected a date as YYYY-MM-DD' })
    .refine(isCalendarDate, 'expected a date as YYYY-MM-DD');
  return z.looseObject({
    version: z.literal(QUARANTINE_VERSION, `expected ${QUARANTINE_VERSION}`),
    tests: z.array(
      z.looseObject({
        file: text,
        name: text,
        reason: text,
        added: date,
        expires: date.optional(),
        owner: text.optional(),
      }),
    ),
  });
}

/** An empty quarantine. */
export function emptyQuarantine(): Quarantine {
  return { version: QUARANTINE_VERSION, tests: [] };
}

/**
 * Parses and validates quarantine text; `source` names the file. Errors are one line naming the entry and
 * the field (`QUARANTINE_INVALID`, exit 2), e.g. `shard-quarantine.json: tests[0].added: expected a date as
 * YYYY-MM-DD, got "next week"`.
 */
export function parseQuarantine(text: string, source = DEFAULT_QUARANTINE_FILE): Quarantine {
  const fail = (problem: string) =>
    new ShardwiseError('QUARANTINE_INVALID', `${source}: ${problem}`, {
      file: source,
      hint: {
        kind: 'text',
        text: 'each entry is {"file": "src/a.test.ts", "name": "suite > test", "reason": "…", "added": "2026-12-01"} with optional "expires" and "owner"',
      },
    });
  const parsed = parseJson(text);
  if (!parsed.ok) throw fail(`invalid JSON at ${parsed.error}`);
  const value = parsed.value as Record<string, unknown> | null;
  if (value !== null && typeof value === 'object') {
    rejectNewerVersion(value.version, QUARANTINE_VERSION, source, 'QUARANTINE_INVALID');
  }
  const result = (schema ??= buildSchema()).safeParse(value);
  if (!result.success) throw fail(describeIssue(result.error, value));
  const seen = new Map<string, number>();
  result.data.tests.forEach((entry, i) => {
    const key = `${entry.file}\0${entry.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw fail(
        `tests[${i}] quarantines "${entry.name}" in ${entry.file} again (first at tests[${first}]); keep one`,
      );
    }
    seen.set(key, i);
  });
  return { version: QUARANTINE_VERSION, tests: result.data.tests };
}

/** Serializes a quarantine: entries sorted by file and name, one per line, stable for review. */
export function serializeQuarantine(quarantine: Quarantine): string {
  const tests = sortEntries(quarantine.tests).map((e) => {
    const ordered: QuarantineEntry = { file: e.file, name: e.name, reason: e.reason, added: e.added };
    if (e.expires !== undefined) ordered.expires = e.expires;
    if (e.owner !== undefined) ordered.owner = e.owner;
    // The known fields in a fixed order, then any a newer shardwise added.
    return `    ${JSON.stringify({ ...ordered, ...e })}`;
  });
  const body = tests.length > 0 ? `[\n${tests.join(',\n')}\n  ]` : '[]';
  return `{\n  "version": ${QUARANTINE_VERSION},\n  "tests": ${body}\n}\n`;
}

function sortEntries(entries: readonly QuarantineEntry[]): QuarantineEntry[] {
  return [...entries].sort((a, b) => compareCodeUnits(a.file, b.file) || compareCodeUnits(a.name, b.name));
}

/**
 * Adds an entry, or replaces the entry for the same file and test name: a replacement keeps the old
 * entry's `added` day, and its `expires` and `owner` unless the new entry gives them (see
 * {@link entryReplacedBy} for what a front end says about it). Throws `QUARANTINE_INVALID` naming the
 * field when a date is not a day of the calendar or an expiry is before the day it was added.
 */
export function addToQuarantine(quarantine: Quarantine, entry: QuarantineEntry): Quarantine {
  const old = findEntry(quarantine, entry.file, entry.name);
  const merged: QuarantineEntry = old
    ? {
        ...entry,
        added: old.added,
        ...((entry.expires ?? old.expires) ? { expires: entry.expires ?? old.expires } : {}),
        ...((entry.owner ?? old.owner) ? { owner: entry.owner ?? old.owner } : {}),
      }
    : entry;
  for (const key of ['added', 'expires'] as const) {
    const value = merged[key];
    if (value !== undefined && !isCalendarDate(value)) {
      throw new ShardwiseError('QUARANTINE_INVALID', `${key}: expected a date as YYYY-MM-DD, got "${value}"`);
    }
  }
  if (merged.expires !== undefined && merged.expires < merged.added) {
    throw new ShardwiseError(
      'QUARANTINE_INVALID',
      `expires: ${merged.expires} is before the day the entry is added (${merged.added}); give a later date`,
    );
  }
  const rest = quarantine.tests.filter((e) => e !== old);
  return { version: QUARANTINE_VERSION, tests: sortEntries([...rest, merged]) };
}

/** The entry for a file and a test name, if any. */
function findEntry(quarantine: Quarantine, file: string, name: string): QuarantineEntry | undefined {
  return quarantine.tests.find((e) => e.file === file && e.name === name);
}

/**
 * What adding `entry` would replace: the existing entry for its file and name, and which of its fields
 * {@link addToQuarantine} keeps because the new entry does not give them. `undefined` for a new test.
 */
export function entryReplacedBy(
  quarantine: Quarantine,
  entry: QuarantineEntry,
): { old: QuarantineEntry; kept: ('added' | 'expires' | 'owner')[] } | undefined {
  const old = findEntry(quarantine, entry.file, entry.name);
  if (!old) return undefined;
  const kept: ('added' | 'expires' | 'owner')[] = ['added'];
  if (old.expires !== undefined && entry.expires === undefined) kept.push('expires');
  if (old.owner !== undefined && entry.owner === undefined) kept.push('owner');
  return { old, kept };
}

/**
 * The test names recorded for a test file (POSIX path relative to the root, or a `project|path` key) in the
 * flaky history and in the store's per-test timings, sorted: what `shard quarantine add` checks a name
 * against. Empty when neither holds a test of that file.
 */
export function knownTestNames(
  file: string,
  history: History | undefined,
  store: TimingStore | undefined,
): string[] {
  const matches = (key: string) => key === file || testFileOf(key) === file;
  const names = new Set<string>();
  for (const [key, tests] of history?.files ?? [])
    if (matches(key)) for (const name of tests.keys()) names.add(name);
  for (const [key, timing] of store?.files ?? [])
    if (matches(key)) for (const t of timing.tests ?? []) names.add(t.name);
  return [...names].sort(compareCodeUnits);
}

/** Removes an entry; `removed` is false when there was none for that file and name. */
export function removeFromQuarantine(
  quarantine: Quarantine,
  file: string,
  name: string,
): { quarantine: Quarantine; removed: boolean } {
  const tests = quarantine.tests.filter((e) => !(e.file === file && e.name === name));
  return {
    quarantine: { version: QUARANTINE_VERSION, tests },
    removed: tests.length < quarantine.tests.length,
  };
}

/** Whether an entry has expired on `today` (YYYY-MM-DD): it protects through its `expires` day. */
export function isExpired(entry: QuarantineEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today;
}

/** A failing test and the quarantine entry that names it, if any. */
export interface FailedTest {
  file: string;
  name: string;
}

/** The tests that failed in a run's files, and the failed files with no failed test (a file that did not load). */
export function failuresOf(files: readonly ReportedFile[]): { tests: FailedTest[]; files: string[] } {
  const tests: FailedTest[] = [];
  const bare: string[] = [];
  for (const f of files) {
    const failed = (f.tests ?? []).filter((t) => t.status === 'failed');
    for (const t of failed) tests.push({ file: f.file, name: t.name });
    if (f.status === 'failed' && failed.length === 0) bare.push(f.file);
  }
  return { tests, files: bare };
}

/** What the quarantine makes of a run's failures. */
export interface QuarantineVerdict {
  /** True when every failure is a test under an active quarantine entry: the job may pass. */
  ok: boolean;
  /** Failed tests an active entry protects. */
  quarantined: (FailedTest & { entry: QuarantineEntry })[];
  /** Failed tests whose entry has expired: they fail the job again. */
  expired: (FailedTest & { entry: QuarantineEntry })[];
  /** Failed tests no entry names, and failed files with no failed test (errors outside any test). */
  blocking: FailedTest[];
  blockingFiles: string[];
}

/**
 * Judges a run's failures against the quarantine on `today` (YYYY-MM-DD, UTC). Pure. A file fails the job
 * when it failed outside its tests (a load error: no quarantine entry can cover that), a test when no
 * active entry names its file (path or `project|path` key) and full name.
 *
 * @example
 * const verdict = judgeFailures(report.files, quarantine, new Date().toISOString().slice(0, 10));
 * if (!verdict.ok) process.exitCode = 1;
 */
export function judgeFailures(
  files: readonly ReportedFile[],
  quarantine: Quarantine,
  today: string,
): QuarantineVerdict {
  const { tests, files: blockingFiles } = failuresOf(files);
  const verdict: QuarantineVerdict = { ok: false, quarantined: [], expired: [], blocking: [], blockingFiles };
  for (const test of tests) {
    const path = testFileOf(test.file);
    const entry = quarantine.tests.find(
      (e) => e.name === test.name && (e.file === test.file || e.file === path),
    );
    if (!entry) verdict.blocking.push(test);
    else if (isExpired(entry, today)) verdict.expired.push({ ...test, entry });
    else verdict.quarantined.push({ ...test, entry });
  }
  verdict.ok = verdict.blocking.length === 0 && verdict.expired.length === 0 && blockingFiles.length === 0;
  return verdict;
}

/**
 * The lines a front end prints for a verdict (it adds its own prefix or `::warning::`): which quarantined
 * tests failed, and, loudly, which entries have expired and no longer protect.
 */
export function describeVerdict(verdict: QuarantineVerdict): { warnings: string[]; errors: string[] } {
  const warnings = verdict.quarantined.map(
    (q) =>
      `quarantined test failed (not failing the job): ${q.file} › ${q.name}` +
      ` (${q.entry.reason}${q.entry.owner ? `; owner ${q.entry.owner}` : ''}${q.entry.expires ? `; until ${q.entry.expires}` : ''})`,
  );
  const errors = verdict.expired.map(
    (q) =>
      `quarantine EXPIRED on ${q.entry.expires} for ${q.file} › ${q.name}: it no longer protects, so this failure fails the job; fix the test or renew the entry (shard quarantine add … --expires YYYY-MM-DD)`,
  );
  return { warnings, errors };
}
