/**
 * A change selection as plans, reports and the history carry it (see `selectChanged`), and its one line of
 * text. No dependencies: a shard job that runs a pinned selection loads only this.
 */
import type { ReportSelection, RunReport } from './report.js';

/** Why a selection is what it is: recorded in the pinned plan, the reports and the history. */
export interface Selection {
  /** The ref the change is measured from. */
  ref: string;
  /** How many files changed since it. */
  changed: number;
  /** Who chose the tests: a runner's graph (`vitest`, `jest`), `--related rules`, or `everything`. */
  by: string;
  /** Why every test was selected, when it was: the first changed file a rule covers, and the rule. */
  full?: { file: string; why: string };
  /** The test keys left out, sorted. */
  leftOut: string[];
}

/**
 * The selection in one line, for the plan, the merge and the job that has nothing to run.
 *
 * @example
 * describeSelection(sel, 4); // '4 of 300 test files depend on the 1 file changed since origin/main (by vitest)'
 */
export function describeSelection(selection: Selection, selected: number): string {
  const total = selected + selection.leftOut.length;
  const since = `${selection.changed} file${selection.changed === 1 ? '' : 's'} changed since ${selection.ref}`;
  if (selection.full) {
    return `all ${total} test files: ${selection.full.file} changed (${selection.full.why})`;
  }
  if (selected === 0) return `${NOTHING_TO_TEST} (${since}, by ${selection.by})`;
  return `${selected} of ${total} test files depend on the ${since} (by ${selection.by}); ${selection.leftOut.length} left out`;
}

/** What a job of an empty selection says before it passes. */
export const NOTHING_TO_TEST = 'nothing to test: no test depends on the change';

/**
 * The change selection a set of reports ran (their plans carry it), or undefined for a whole-suite run.
 * Reports of one pinned plan carry the same one; of several, the first in ref order.
 */
export function reportSelection(reports: readonly RunReport[]): ReportSelection | undefined {
  let found: ReportSelection | undefined;
  for (const r of reports) {
    const s = r.plan?.selection;
    if (s && (!found || s.ref < found.ref || (s.ref === found.ref && s.leftOut < found.leftOut))) found = s;
  }
  return found;
}
