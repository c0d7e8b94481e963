/**
 * Pieces of split files in reports: joined back into one measurement per file for `shard merge`, and
 * checked at test level (every test of a split file ran exactly once across the shards).
 */
import { compareCodeUnits } from '../base/paths.js';
import { REPORT_FORMAT, type FileStatus, type ReportedFile, type RunReport } from '../formats/report.js';
import { fixedCostMs } from '../model/test-split.js';
import type { TestTiming } from '../formats/records.js';

/**
 * The reports with every piece entry taken out, plus one report that holds each split file joined from its
 * pieces: its tests are the pieces' tests, its fixed cost the mean of the pieces' ({@link fixedCostMs}: each
 * piece's own setup figure), and its time that fixed cost plus all its tests, as if it had run whole. A file with a piece
 * missing, or one cut short, is `interrupted`: its sum is not its time. One failed piece makes it failed.
 */
export function joinPieces(reports: readonly RunReport[]): RunReport[] {
  const groups = new Map<string, { entries: ReportedFile[]; createdAt: string; runner: string }>();
  const out: RunReport[] = [];
  for (const report of reports) {
    if (!report.files.some((f) => f.piece !== undefined)) {
      out.push(report);
      continue;
    }
    out.push({ ...report, files: report.files.filter((f) => f.piece === undefined) });
    for (const entry of report.files) {
      if (entry.piece === undefined) continue;
      const key = `${report.plan?.fingerprint ?? ''}\u0000${entry.file}`;
      const group = groups.get(key) ?? { entries: [], createdAt: '', runner: report.runner };
      group.entries.push(entry);
      const at = report.createdAt ?? '';
      if (at > group.createdAt) group.createdAt = at;
      groups.set(key, group);
    }
  }
  // One joined report per end time, so merge orders the joined files with the runs they came from.
  const byTime = new Map<string, RunReport>();
  const keys = [...groups.keys()].sort(compareCodeUnits);
  for (const key of keys) {
    const group = groups.get(key)!;
    const report = byTime.get(group.createdAt) ?? {
      format: REPORT_FORMAT,
      version: 1 as const,
      runner: group.runner,
      ...(group.createdAt ? { createdAt: group.createdAt } : {}),
      files: [],
    };
    report.files.push(joinFile(group.entries));
    byTime.set(group.createdAt, report);
  }
  return [...out, ...byTime.values()];
}

function joinFile(entries: ReportedFile[]): ReportedFile {
  const parts = [...entries].sort((a, b) => a.piece! - b.piece!);
  const of = parts[0]!.of ?? parts.length;
  const tests: TestTiming[] = [];
  let fixedSum = 0;
  let testsMs = 0;
  for (const part of parts) {
    let mine = 0;
    for (const t of part.tests ?? []) {
      tests.push(t);
      mine += t.durationMs;
    }
    fixedSum += fixedCostMs(part);
    testsMs += mine;
  }
  const distinct = new Set(parts.map((p) => p.piece)).size;
  const statuses = new Set<FileStatus>(parts.map((p) => p.status));
  const status: FileStatus =
    distinct < of || statuses.has('interrupted')
      ? 'interrupted'
      : statuses.has('failed')
        ? 'failed'
        : statuses.has('passed')
          ? 'passed'
          : 'skipped';
  const fixedMs = Math.round(fixedSum / parts.length);
  const joined: ReportedFile = {
    file: parts[0]!.file,
    durationMs: fixedMs + testsMs,
    status,
    setupMs: fixedMs,
  };
  if (tests.length > 0) joined.tests = tests;
  return joined;
}

/** A test of a split file that ran in more than one piece, or in none. */
export interface TestCoverageProblem {
  file: string;
  test: string;
  /** The pieces that ran it (`k/n`); empty when no piece did. */
  pieces: string[];
}

/**
 * Test-level coverage of split files: every test that any piece of a file collected must have run in
 * exactly one piece. A test named in the plan but collected by no piece was removed or renamed since the
 * store was written (the last piece ran the new name), which is no gap. `reports` are the shards' reports
 * under one plan.
 */
export function checkPieces(reports: readonly RunReport[]): {
  runTwice: TestCoverageProblem[];
  runByNone: TestCoverageProblem[];
} {
  const ranBy = new Map<string, Map<string, string[]>>();
  const collected = new Map<string, Set<string>>();
  for (const report of reports) {
    for (const entry of report.files) {
      if (entry.piece === undefined) continue;
      const label = `${entry.piece}/${entry.of ?? '?'}`;
      const ran = ranBy.get(entry.file) ?? new Map<string, string[]>();
      ranBy.set(entry.file, ran);
      const seen = collected.get(entry.file) ?? new Set<string>();
      collected.set(entry.file, seen);
      // A name that occurs twice in one piece (two tests of one name) is one piece's: count pieces once.
      for (const name of new Set((entry.tests ?? []).map((t) => t.name))) {
        const list = ran.get(name) ?? [];
        list.push(label);
        ran.set(name, list);
        seen.add(name);
      }
      for (const name of entry.otherTests ?? []) seen.add(name);
    }
  }
  const runTwice: TestCoverageProblem[] = [];
  const runByNone: TestCoverageProblem[] = [];
  for (const file of [...collected.keys()].sort(compareCodeUnits)) {
    const ran = ranBy.get(file)!;
    for (const test of [...collected.get(file)!].sort(compareCodeUnits)) {
      const pieces = ran.get(test) ?? [];
      if (pieces.length === 0) runByNone.push({ file, test, pieces });
      else if (pieces.length > 1) runTwice.push({ file, test, pieces: pieces.sort(compareCodeUnits) });
    }
  }
  return { runTwice, runByNone };
}
