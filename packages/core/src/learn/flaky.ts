/**
 * Flaky-test detection: one pure function of the history. The rules, in the order they are applied to
 * each test's records (infrastructure runs left out):
 * 1. no failure in the window, or the last `cleanRuns` runs all passed cleanly → nothing to say;
 * 2. failing now (a streak of failures ends the window) → `broken`, unless the test was already flaky
 *    before the streak, or a failure shares its commit and file hash with a pass (then `flaky`): a test
 *    that fails every run since its code changed is a real failure, not a flake (`failing-since-change`
 *    only when its file hash or commit did change between its last pass and its first failure; else
 *    `failing`: it never passed, or nothing known changed, e.g. the same file with no commit known);
 * 3. `flaky` when it passed on a retry (`retry`), passed and failed on the same commit and file hash
 *    (`same-code`), or failed in at least `failureRate` of at least `minRuns` runs of one file hash while
 *    also passing on it (`failure-rate`).
 */
import type { History, HistoryRun, TestRecord } from './history.js';
import { compareCodeUnits } from '../base/paths.js';

/** The detection thresholds. */
export interface FlakyOptions {
  /** Consecutive clean passes after which a test is no longer flaky. @default 30 */
  cleanRuns?: number;
  /** Runs of one file hash needed before the failure rate counts. @default 10 */
  minRuns?: number;
  /** The failure rate (failures / runs of one file hash) at or above which a test is flaky. @default 0.01 */
  failureRate?: number;
}

export const FLAKY_DEFAULTS: Required<FlakyOptions> = { cleanRuns: 30, minRuns: 10, failureRate: 0.01 };

/** Why a test is listed: the rule that decided. */
export type FlakyReason = 'retry' | 'same-code' | 'failure-rate' | 'failing-since-change' | 'failing';

/** One test detection lists. */
export interface FlakyTest {
  file: string;
  name: string;
  status: 'flaky' | 'broken';
  reason: FlakyReason;
  /** Runs in the window (infrastructure runs left out) and how many of them failed (a pass on retry counts). */
  runs: number;
  failures: number;
  /** Outcome changes (pass↔fail, a pass on retry counting as one) per run. */
  flipRate: number;
  /** When the window starts and ends (ISO 8601 of the runs), and the last commit it failed on. */
  firstSeen: string | undefined;
  lastSeen: string | undefined;
  lastFailingCommit: string | undefined;
}

/**
 * The flaky and broken tests of a history, sorted by status (broken first), file and name.
 *
 * @example
 * detectFlaky(history).filter((t) => t.status === 'flaky').map((t) => `${t.file} › ${t.name}`)
 */
export function detectFlaky(history: History, options: FlakyOptions = {}): FlakyTest[] {
  const o = { ...FLAKY_DEFAULTS, ...options };
  const runs = new Map(history.runs.map((r) => [r.n, r]));
  const found: FlakyTest[] = [];
  for (const [file, tests] of history.files) {
    for (const [name, all] of tests) {
      // A record of a run the history no longer lists is kept: only known infrastructure runs are left out.
      const records = all.filter((r) => runs.get(r.n)?.infra !== true);
      const verdict = judge(records, runs, o);
      if (verdict) found.push({ file, name, ...verdict, ...describe(records, runs) });
    }
  }
  const rank = { broken: 0, flaky: 1 };
  return found.sort(
    (a, b) =>
      rank[a.status] - rank[b.status] || compareCodeUnits(a.file, b.file) || compareCodeUnits(a.name, b.name),
  );
}

function judge(
  records: readonly TestRecord[],
  runs: ReadonlyMap<number, HistoryRun>,
  o: Required<FlakyOptions>,
): Pick<FlakyTest, 'status' | 'reason'> | undefined {
  if (!records.some((r) => r.o !== 'p')) return undefined;
  let clean = 0;
  while (clean < records.length && records[records.length - 1 - clean]!.o === 'p') clean++;
  if (clean >= o.cleanRuns) return undefined;
  let streak = 0;
  while (streak < records.length && records[records.length - 1 - streak]!.o === 'f') streak++;
  if (streak > 0) {
    if (failedOnPassingCode(records, runs)) return { status: 'flaky', reason: 'same-code' };
    const before = flakyReason(records.slice(0, records.length - streak), runs, o);
    if (before) return { status: 'flaky', reason: before };
    const lastPass = records[records.length - 1 - streak];
    const firstFailure = records[records.length - streak]!;
    return {
      status: 'broken',
      reason: lastPass && codeChanged(lastPass, firstFailure, runs) ? 'failing-since-change' : 'failing',
    };
  }
  const reason = flakyReason(records, runs, o);
  return reason ? { status: 'flaky', reason } : undefined;
}

function flakyReason(
  records: readonly TestRecord[],
  runs: ReadonlyMap<number, HistoryRun>,
  o: Required<FlakyOptions>,
): FlakyReason | undefined {
  if (records.some((r) => r.o === 'y')) return 'retry';
  if (failedOnPassingCode(records, runs)) return 'same-code';
  const byHash = new Map<string | undefined, { runs: number; failed: number; passed: number }>();
  for (const r of records) {
    const group = byHash.get(r.h) ?? { runs: 0, failed: 0, passed: 0 };
    group.runs++;
    if (r.o === 'f') group.failed++;
    else group.passed++;
    byHash.set(r.h, group);
  }
  for (const g of byHash.values()) {
    if (g.runs >= o.minRuns && g.passed > 0 && g.failed > 0 && g.failed >= o.failureRate * g.runs) {
      return 'failure-rate';
    }
  }
  return undefined;
}

/** A failure and a pass on one commit and one file hash: the same code gave both outcomes. */
function failedOnPassingCode(records: readonly TestRecord[], runs: ReadonlyMap<number, HistoryRun>): boolean {
  const passed = new Set<string>();
  const failed = new Set<string>();
  for (const r of records) {
    const commit = runs.get(r.n)?.commit;
    // Without a commit the code is unknown: two runs of one test file may still test different code.
    if (commit === undefined) continue;
    (r.o === 'f' ? failed : passed).add(`${commit}\0${r.h ?? ''}`);
  }
  for (const key of failed) if (passed.has(key)) return true;
  return false;
}

/**
 * Whether two records are known to have tested different code: their file hashes, or their runs'
 * commits, are both known and differ. An unknown on either side is no evidence of a change.
 */
function codeChanged(a: TestRecord, b: TestRecord, runs: ReadonlyMap<number, HistoryRun>): boolean {
  const differ = (x: string | undefined, y: string | undefined) =>
    x !== undefined && y !== undefined && x !== y;
  return differ(a.h, b.h) || differ(runs.get(a.n)?.commit, runs.get(b.n)?.commit);
}

function describe(
  records: readonly TestRecord[],
  runs: ReadonlyMap<number, HistoryRun>,
): Omit<FlakyTest, 'file' | 'name' | 'status' | 'reason'> {
  let flips = 0;
  let failures = 0;
  let lastFailing: TestRecord | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.o !== 'p') {
      failures++;
      lastFailing = r;
    }
    if (r.o === 'y') flips++;
    const prev = records[i - 1];
    // `y` ends passing: it flips from a failure before it only through its own retry, counted above.
    if (prev && (prev.o === 'f') !== (r.o === 'f')) flips++;
  }
  return {
    runs: records.length,
    failures,
    flipRate: records.length > 0 ? Math.round((flips / records.length) * 1000) / 1000 : 0,
    firstSeen: runs.get(records[0]?.n ?? -1)?.at,
    lastSeen: runs.get(records.at(-1)?.n ?? -1)?.at,
    lastFailingCommit: lastFailing ? runs.get(lastFailing.n)?.commit : undefined,
  };
}

/** Tests flaky in `after` that were not in `before`: what a merge reports as newly flaky. */
export function newlyFlaky(before: readonly FlakyTest[], after: readonly FlakyTest[]): FlakyTest[] {
  const was = new Set(before.filter((t) => t.status === 'flaky').map((t) => `${t.file}\0${t.name}`));
  return after.filter((t) => t.status === 'flaky' && !was.has(`${t.file}\0${t.name}`));
}
