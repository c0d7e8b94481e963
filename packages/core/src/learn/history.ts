/**
 * The flaky history: the last outcomes of every test, kept in its own file (`shard-history.json`, suited to
 * a CI cache) so that outcomes never churn the committed timing store. `shard merge` appends one run per
 * pipeline; {@link detectFlaky} reads it.
 */
import { ShardwiseError } from '../base/errors.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import { compareCodeUnits } from '../base/paths.js';
import type { RunReport } from '../formats/report.js';
import { rejectNewerVersion } from '../formats/store.js';

/** The history format version this release reads and writes. */
export const HISTORY_VERSION = 1;

/** One test's outcome in one run: `p` passed, `f` failed, `y` failed and then passed on a retry (flaky). */
export type HistoryOutcome = 'p' | 'f' | 'y';

/** One pipeline run in the history. */
export interface HistoryRun {
  /** Run number, increasing by one per appended run. */
  n: number;
  /** When it ended (ISO 8601). */
  at: string;
  /** The commit it tested, when known. */
  commit?: string;
  /** How many test outcomes it recorded, and how many of them failed. */
  tests: number;
  failed: number;
  /**
   * The reports it was built from (runner, shard, plan, end time): a report merged again (the merge job
   * re-run, or a re-run shard merged with the others' old reports) is not counted twice.
   */
  reports?: string[];
  /** Most of its tests failed: an infrastructure failure, which detection ignores. */
  infra?: boolean;
}

/** One test's outcome in run `n`, and the hash of its file's content then (when known). */
export interface TestRecord {
  n: number;
  o: HistoryOutcome;
  h?: string;
}

/** The history in memory: runs oldest first; per file, per test name, records oldest first. */
export interface History {
  version: typeof HISTORY_VERSION;
  runs: HistoryRun[];
  files: Map<string, Map<string, TestRecord[]>>;
}

/** How much history is kept and when a run counts as an infrastructure failure. */
export interface HistoryOptions {
  /** Records kept per test (the detection window). @default 100 */
  window?: number;
  /** A run with at least `infraMinTests` outcomes of which more than this share failed is infrastructure. @default 0.5 */
  infraShare?: number;
  /** @default 10 */
  infraMinTests?: number;
  /** When the run ended, if no report says (ISO 8601). */
  at?: string;
}

export const DEFAULT_WINDOW = 100;

/** An empty history. */
export function emptyHistory(): History {
  return { version: HISTORY_VERSION, runs: [], files: new Map() };
}

/**
 * The reports a history does not hold yet (all of them without a history): the ones a merge has not
 * applied before (a merge job run again, or a re-run shard merged with the others' old reports).
 */
export function unrecordedReports(history: History | undefined, reports: readonly RunReport[]): RunReport[] {
  const seen = new Set((history?.runs ?? []).flatMap((r) => r.reports ?? []));
  return reports.filter((r) => !seen.has(reportId(r)));
}

/**
 * Appends one run (the reports of one pipeline) to a history. Pure: returns a new history and the run.
 * Each test keeps its last `window` records; a test not seen for five windows of runs is dropped (deleted
 * or renamed tests); runs no record refers to are dropped.
 *
 * @example
 * const { history, run } = appendRun(await readHistoryFile('shard-history.json'), reports);
 */
export function appendRun(
  base: History | undefined,
  reports: readonly RunReport[],
  options: HistoryOptions = {},
): { history: History; run: HistoryRun | undefined; repeated: number } {
  const window = options.window ?? DEFAULT_WINDOW;
  const n = (base?.runs.at(-1)?.n ?? 0) + 1;
  const fresh = unrecordedReports(base, reports);
  const repeated = reports.length - fresh.length;
  if (fresh.length === 0) return { history: base ?? emptyHistory(), run: undefined, repeated };
  const outcomes = runOutcomes(fresh);
  let failed = 0;
  for (const tests of outcomes.values()) for (const t of tests.values()) if (t.o === 'f') failed++;
  const count = [...outcomes.values()].reduce((sum, tests) => sum + tests.size, 0);
  const commit = commitOf(fresh);
  const run: HistoryRun = {
    n,
    at: endOf(fresh) ?? options.at ?? new Date(0).toISOString(),
    ...(commit === undefined ? {} : { commit }),
    tests: count,
    failed,
    reports: [...new Set(fresh.map(reportId))].sort(compareCodeUnits),
  };
  if (count >= (options.infraMinTests ?? 10) && failed > count * (options.infraShare ?? 0.5))
    run.infra = true;

  const files = new Map<string, Map<string, TestRecord[]>>();
  for (const [file, tests] of base?.files ?? []) {
    files.set(file, new Map([...tests].map(([name, records]) => [name, [...records]])));
  }
  for (const [file, tests] of outcomes) {
    let known = files.get(file);
    if (!known) files.set(file, (known = new Map<string, TestRecord[]>()));
    for (const [name, record] of tests) {
      const records = [...(known.get(name) ?? []), { n, ...record }];
      known.set(name, records.slice(-window));
    }
  }
  // A test whose last record is five windows old is gone (deleted or renamed); so is a file with no test.
  for (const [file, tests] of files) {
    for (const [name, records] of tests) if (records.at(-1)!.n <= n - 5 * window) tests.delete(name);
    if (tests.size === 0) files.delete(file);
  }
  const used = new Set<number>();
  for (const tests of files.values())
    for (const records of tests.values()) for (const r of records) used.add(r.n);
  // A recent run stays even when no record refers to it (a run whose filter matched no test): its report
  // ids are what keeps the same reports, merged again, from being applied twice.
  const runs = [...(base?.runs ?? []), run].filter((r) => used.has(r.n) || r.n > n - window);
  return { history: { version: HISTORY_VERSION, runs, files }, run, repeated };
}

/** A report's identity in the history: its runner, shard, plan and end time. */
export function reportId(report: RunReport): string {
  const shard = report.shard ? `${report.shard.index}/${report.shard.count}` : 'full';
  return `${report.runner} ${shard} ${report.plan?.fingerprint.slice(0, 8) ?? '-'} ${report.createdAt ?? '-'}`;
}

/** Each test's outcome in these reports, by file and name. A name seen twice keeps its worst outcome. */
function runOutcomes(reports: readonly RunReport[]): Map<string, Map<string, Omit<TestRecord, 'n'>>> {
  const byFile = new Map<string, Map<string, Omit<TestRecord, 'n'>>>();
  const rank: Record<HistoryOutcome, number> = { p: 0, y: 1, f: 2 };
  for (const report of reports) {
    for (const file of report.files) {
      for (const test of file.tests ?? []) {
        if (test.status === 'skipped') continue;
        const o: HistoryOutcome = test.status === 'failed' ? 'f' : test.flaky === true ? 'y' : 'p';
        let tests = byFile.get(file.file);
        if (!tests) byFile.set(file.file, (tests = new Map<string, Omit<TestRecord, 'n'>>()));
        const seen = tests.get(test.name);
        if (seen && rank[seen.o] >= rank[o]) continue;
        tests.set(test.name, file.hash === undefined ? { o } : { o, h: file.hash });
      }
    }
  }
  return byFile;
}

/** The latest end time among the reports. */
function endOf(reports: readonly RunReport[]): string | undefined {
  let end: string | undefined;
  for (const r of reports)
    if (r.createdAt !== undefined && (end === undefined || r.createdAt > end)) end = r.createdAt;
  return end;
}

/** The commit most reports name (ties: the smallest id, so the order of reports never matters). */
function commitOf(reports: readonly RunReport[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of reports) if (r.commit !== undefined) counts.set(r.commit, (counts.get(r.commit) ?? 0) + 1);
  let best: string | undefined;
  for (const [commit, count] of counts) {
    const bestCount = best === undefined ? 0 : counts.get(best)!;
    if (count > bestCount || (count === bestCount && compareCodeUnits(commit, best!) < 0)) best = commit;
  }
  return best;
}

// The file format: per file, the hash changes as [run, hash] pairs, and per test one string of records
// ("41p 42p 43f 44y"), a few bytes per test and run, so a cache of thousands of tests stays small.
const RECORDS = /^\d+[pfy](?: \d+[pfy])*$/;

let schema: ReturnType<typeof buildSchema> | undefined;
function buildSchema() {
  const { z } = loadZod();
  const int = z.number().int('expected a whole number').min(0, 'expected a whole number');
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  return z.looseObject({
    version: z.literal(HISTORY_VERSION, `expected ${HISTORY_VERSION}`),
    runs: z.array(
      z.looseObject({
        n: int.min(1, 'expected a positive whole number'),
        at: z.string(),
        commit: z.string().optional(),
        tests: int,
        failed: int,
        infra: z.boolean().optional(),
        reports: z.array(z.string()).optional(),
      }),
    ),
    files: z.custom<Record<string, unknown>>(isObject, 'expected an object of test files'),
  });
}

let fileSchema: ReturnType<typeof buildFileSchema> | undefined;
function buildFileSchema() {
  const { z } = loadZod();
  return z.looseObject({
    hashes: z.array(z.tuple([z.number().int().min(1), z.string()])).optional(),
    // Checked key by key below, never copied by zod: a test may be named `__proto__`.
    tests: z.custom<Record<string, unknown>>(
      (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
      'expected an object of test names',
    ),
  });
}

/** Parses and validates history text; `source` names the file in errors (`HISTORY_INVALID`, exit 2). */
export function parseHistory(text: string, source = 'flaky history'): History {
  const fail = (problem: string) =>
    new ShardwiseError('HISTORY_INVALID', `${source}: ${problem}`, {
      file: source,
      hint: { kind: 'text', text: 'fix it, or delete it to start the history over' },
    });
  const parsed = parseJson(text);
  if (!parsed.ok) throw fail(`invalid JSON at ${parsed.error}`);
  const value = parsed.value as Record<string, unknown> | null;
  if (value !== null && typeof value === 'object') {
    rejectNewerVersion(value.version, HISTORY_VERSION, source, 'HISTORY_INVALID');
  }
  const top = (schema ??= buildSchema()).safeParse(value);
  if (!top.success) throw fail(describeIssue(top.error, value));
  const files = new Map<string, Map<string, TestRecord[]>>();
  for (const file of Object.keys(top.data.files)) {
    const raw = top.data.files[file];
    const entry = (fileSchema ??= buildFileSchema()).safeParse(raw);
    if (!entry.success) throw fail(describeIssue(entry.error, raw, ['files', file]));
    const hashes = entry.data.hashes ?? [];
    const tests = new Map<string, TestRecord[]>();
    const rawTests = (raw as { tests: Record<string, unknown> }).tests;
    for (const name of Object.keys(rawTests)) {
      const text = rawTests[name];
      if (typeof text !== 'string' || !RECORDS.test(text)) {
        const where = `files.${JSON.stringify(file)}.tests.${JSON.stringify(name)}`;
        throw fail(
          `${where}: expected records such as "41p 42f 43y" (run number, then p, f or y), got ${JSON.stringify(text)}`,
        );
      }
      const records = text.split(' ').map((token): TestRecord => {
        const n = Number(token.slice(0, -1));
        const h = hashAt(hashes, n);
        const o = token.at(-1) as HistoryOutcome;
        return h === undefined ? { n, o } : { n, o, h };
      });
      tests.set(name, records);
    }
    files.set(file, tests);
  }
  return { version: HISTORY_VERSION, runs: top.data.runs, files };
}

/** The hash in force at run `n`: the last change at or before it. */
function hashAt(hashes: readonly (readonly [number, string])[], n: number): string | undefined {
  let hash: string | undefined;
  for (const [from, h] of hashes) if (from <= n) hash = h;
  return hash;
}

/** Serializes a history: sorted keys, one file per line, byte-identical for identical histories. */
export function serializeHistory(history: History): string {
  const runs = history.runs.map((r) => '    ' + JSON.stringify(r));
  const files = [...history.files.keys()].sort(compareCodeUnits).map((file) => {
    const tests = history.files.get(file)!;
    const names = [...tests.keys()].sort(compareCodeUnits);
    // Per file, the runs where its hash changed (every test of a file shares the file's hash).
    const byRun = new Map<number, string | undefined>();
    for (const name of names) for (const r of tests.get(name)!) byRun.set(r.n, byRun.get(r.n) ?? r.h);
    const hashes: [number, string][] = [];
    let last: string | undefined;
    for (const n of [...byRun.keys()].sort((a, b) => a - b)) {
      const h = byRun.get(n);
      if (h !== undefined && h !== last) hashes.push([n, (last = h)]);
    }
    const body: { hashes?: [number, string][]; tests: Record<string, string> } =
      hashes.length > 0 ? { hashes, tests: {} } : { tests: {} };
    for (const name of names) {
      Object.defineProperty(body.tests, name, {
        value: tests
          .get(name)!
          .map((r) => `${r.n}${r.o}`)
          .join(' '),
        enumerable: true,
      });
    }
    return `    ${JSON.stringify(file)}: ${JSON.stringify(body)}`;
  });
  const runsText = runs.length > 0 ? `[\n${runs.join(',\n')}\n  ]` : '[]';
  const filesText = files.length > 0 ? `{\n${files.join(',\n')}\n  }` : '{}';
  return `{\n  "version": ${HISTORY_VERSION},\n  "runs": ${runsText},\n  "files": ${filesText}\n}\n`;
}
