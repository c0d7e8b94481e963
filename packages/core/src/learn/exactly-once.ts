import { compareCodeUnits } from '../base/paths.js';
import type { ReportedFile, ReportPlan, RunReport, Unfinished } from '../formats/report.js';
import { checkPieces, type TestCoverageProblem } from './report-pieces.js';

/** The verdict of {@link checkCoverage}. `ok` is true only when every planned file ran exactly once. */
export interface CoverageResult {
  ok: boolean;
  /** False when no report carried a plan: nothing could be checked. */
  checked: boolean;
  shardCount: number;
  /** The reference plan: the one most shards reported under (ties: code-unit order of the fingerprint). */
  plan: ReportPlan | undefined;
  /** The fingerprints seen, with the shards that reported each; more than one is an error. */
  fingerprints: { fingerprint: string; shards: number[] }[];
  /** Shards with no report at all, with the files they were planned to run. */
  missingShards: { index: number; files: string[] }[];
  /** Planned files that no report ran (their shard did report). */
  notRun: { file: string; shard: number }[];
  /**
   * Files (or pieces) a shard started but that did not run to their end: their worker crashed, or the run
   * was cancelled. A file that did not finish did not run, so these fail the proof.
   */
  unfinished: { file: string; piece?: number; of?: number; shard: number; why: Unfinished }[];
  /** Files that ran in more than one shard. */
  duplicated: { file: string; shards: number[] }[];
  /** Files that ran but were in no shard's plan. */
  unplanned: { file: string; shard: number }[];
  /** Tests of split files that ran in more than one piece. */
  testsRunTwice: TestCoverageProblem[];
  /** Tests of split files that a piece collected but no piece ran. */
  testsRunByNone: TestCoverageProblem[];
}

/**
 * The name a report entry is checked under: the file, or for a piece of a split file the file and the
 * piece (`big.test.ts (piece 2/3)`), so pieces of one file in different shards are not duplicates.
 */
function unitLabel(file: string, piece?: number, of?: number): string {
  return piece === undefined ? file : `${file} (piece ${piece}/${of ?? '?'})`;
}

function entryLabel(entry: ReportedFile): string {
  return unitLabel(entry.file, entry.piece, entry.of);
}

/**
 * Among reports of a sharded run, the reports of unsharded runs (a local `jest` that wrote `jest-full.json`
 * into the same folder, a local `vitest` that wrote `vitest-full.json` with no plan): they ran every file,
 * so merged with the shards every file would count twice, in the proof, the store and the history. Returns
 * them apart; when no report is sharded, an unsharded run is the run, and nothing is set apart.
 */
export function splitUnsharded<R extends Pick<RunReport, 'shard'>>(
  reports: readonly R[],
): { sharded: R[]; unsharded: R[] } {
  if (!reports.some((r) => r.shard !== undefined)) return { sharded: [...reports], unsharded: [] };
  return {
    sharded: reports.filter((r) => r.shard !== undefined),
    unsharded: reports.filter((r) => r.shard === undefined),
  };
}

/**
 * Proves that a sharded run ran every planned test file exactly once: all shards reported, under one plan,
 * and each planned file appears in exactly one shard's report.
 */
export function checkCoverage(reports: readonly RunReport[]): CoverageResult {
  const planned = reports.filter((r) => r.plan !== undefined);
  const empty: CoverageResult = {
    ok: true,
    checked: false,
    shardCount: 0,
    plan: undefined,
    fingerprints: [],
    missingShards: [],
    notRun: [],
    unfinished: [],
    duplicated: [],
    unplanned: [],
    testsRunTwice: [],
    testsRunByNone: [],
  };
  if (planned.length === 0) return empty;

  const byFingerprint = new Map<string, number[]>();
  for (const r of planned) {
    const list = byFingerprint.get(r.plan!.fingerprint) ?? [];
    list.push(r.shard?.index ?? 1);
    byFingerprint.set(r.plan!.fingerprint, list);
  }
  const fingerprints = [...byFingerprint]
    .map(([fingerprint, shards]) => ({ fingerprint, shards: shards.sort((a, b) => a - b) }))
    .sort((a, b) => compareCodeUnits(a.fingerprint, b.fingerprint));

  // The plan of the most-reported fingerprint is the reference (ties: code-unit order of the fingerprint).
  const reference = [...fingerprints].sort((a, b) => b.shards.length - a.shards.length)[0]!;
  const plan = planned.find((r) => r.plan!.fingerprint === reference.fingerprint)!.plan!;
  const shardCount = plan.shardCount;

  const plannedShard = new Map<string, number>();
  plan.shards.forEach((files, i) => files.forEach((file) => plannedShard.set(file, i + 1)));
  for (const p of plan.pieces ?? []) plannedShard.set(unitLabel(p.file, p.piece, p.of), p.shard);
  const shardUnits = (index: number) => [
    ...(plan.shards[index - 1] ?? []),
    ...(plan.pieces ?? []).filter((p) => p.shard === index).map((p) => unitLabel(p.file, p.piece, p.of)),
  ];

  const reported = new Set<number>();
  const ranIn = new Map<string, number[]>();
  const unfinished: CoverageResult['unfinished'] = [];
  for (const r of planned) {
    const index = r.shard?.index ?? 1;
    reported.add(index);
    for (const f of r.files) {
      const label = entryLabel(f);
      const list = ranIn.get(label) ?? [];
      list.push(index);
      ranIn.set(label, list);
      if (f.unfinished !== undefined) {
        const piece =
          f.piece === undefined ? {} : { piece: f.piece, ...(f.of === undefined ? {} : { of: f.of }) };
        unfinished.push({ file: f.file, ...piece, shard: index, why: f.unfinished });
      }
    }
  }

  const missingShards: CoverageResult['missingShards'] = [];
  // Only shards that hold files must report: an empty shard has nothing to prove, and a plan with more
  // shards than files does not list the empty ones (see `Plan.shards`).
  for (let index = 1; index <= plan.shards.length; index++) {
    const units = shardUnits(index);
    if (!reported.has(index) && units.length > 0)
      missingShards.push({ index, files: units.sort(compareCodeUnits) });
  }
  const notRun: CoverageResult['notRun'] = [];
  for (const [file, shard] of plannedShard) {
    if (!ranIn.has(file) && reported.has(shard)) notRun.push({ file, shard });
  }
  const duplicated: CoverageResult['duplicated'] = [];
  const unplanned: CoverageResult['unplanned'] = [];
  for (const [file, shards] of ranIn) {
    if (shards.length > 1) duplicated.push({ file, shards: shards.sort((a, b) => a - b) });
    if (!plannedShard.has(file)) unplanned.push({ file, shard: shards[0]! });
  }
  const byFile = (a: { file: string }, b: { file: string }) => compareCodeUnits(a.file, b.file);
  notRun.sort(byFile);
  unfinished.sort((a, b) => byFile(a, b) || (a.piece ?? 0) - (b.piece ?? 0) || a.shard - b.shard);
  duplicated.sort(byFile);
  unplanned.sort(byFile);
  const { runTwice: testsRunTwice, runByNone: testsRunByNone } = checkPieces(
    planned.filter((r) => r.plan!.fingerprint === reference.fingerprint),
  );
  return {
    ok:
      fingerprints.length === 1 &&
      missingShards.length === 0 &&
      notRun.length === 0 &&
      unfinished.length === 0 &&
      duplicated.length === 0 &&
      unplanned.length === 0 &&
      testsRunTwice.length === 0 &&
      testsRunByNone.length === 0,
    checked: true,
    shardCount,
    plan,
    fingerprints,
    missingShards,
    notRun,
    unfinished,
    duplicated,
    unplanned,
    testsRunTwice,
    testsRunByNone,
  };
}

/** One line per problem, for people and CI logs. Every file is named: a coverage gap must be actionable. */
export function describeCoverage(result: CoverageResult): string[] {
  const lines: string[] = [];
  if (result.fingerprints.length > 1) {
    lines.push(
      `shards planned with different fingerprints (different file lists, stores or versions): ${result.fingerprints
        .map((f) => `${f.fingerprint} by shard ${f.shards.join(', ')}`)
        .join('; ')}`,
    );
  }
  for (const m of result.missingShards) {
    lines.push(
      `shard ${m.index}/${result.shardCount} sent no report; its ${m.files.length} planned file(s) are unverified: ${m.files.join(', ')}`,
    );
  }
  for (const f of result.notRun) lines.push(`${f.file}: planned for shard ${f.shard} but run by no shard`);
  for (const f of result.unfinished) {
    const why = f.why === 'crashed' ? 'its worker crashed' : 'the run was cancelled';
    lines.push(
      `${unitLabel(f.file, f.piece, f.of)}: started by shard ${f.shard} but did not finish (${why}), so it did not run`,
    );
  }
  for (const f of result.duplicated)
    lines.push(`${f.file}: run by ${f.shards.length} shards (${f.shards.join(', ')})`);
  for (const f of result.unplanned) lines.push(`${f.file}: run by shard ${f.shard} but in no shard's plan`);
  for (const t of result.testsRunTwice)
    lines.push(`${t.file}: test "${t.test}" ran in ${t.pieces.length} pieces (${t.pieces.join(', ')})`);
  for (const t of result.testsRunByNone)
    lines.push(`${t.file}: test "${t.test}" was collected but run by no piece`);
  return lines;
}

/**
 * The test files a retry must run again because the proof could not count them as run: the files of a shard
 * that sent no report (the other reports carry the plan), planned files no shard ran, and files that did
 * not finish (a crashed worker, a cancelled run). A piece stands for its file. Sorted, each file once.
 */
export function unverifiedFiles(result: CoverageResult): string[] {
  const plan = result.plan;
  if (!plan) return [];
  const fileOf = new Map<string, string>();
  for (const p of plan.pieces ?? []) fileOf.set(unitLabel(p.file, p.piece, p.of), p.file);
  const files = new Set<string>();
  const add = (label: string) => files.add(fileOf.get(label) ?? label);
  for (const m of result.missingShards) m.files.forEach(add);
  for (const f of result.notRun) add(f.file);
  for (const f of result.unfinished) files.add(f.file);
  return [...files].sort(compareCodeUnits);
}
