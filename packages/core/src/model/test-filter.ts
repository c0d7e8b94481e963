/**
 * Test filters (`--grep @smoke`, `--grep-invert @slow`, `-t`, `testNamePattern` in a config): what a
 * filtered run's report says of each file, what `shard merge` learns from it, and how a plan prices a file
 * the filter runs only part of. No dependencies: plugins load it with `@shardwise/core/light`.
 */
import type { ReportedFile, RunReport } from '../formats/report.js';
import { matchKey } from './test-split.js';
import type { FileTiming } from '../formats/records.js';

/**
 * A run's test filter, as its front end translates it: how the run names it, and which tests it selects.
 * Two spellings of one filter (the command line, the config) give one `TestFilter`.
 */
export interface TestFilter {
  /** The filter in the runner's words (e.g. `grepInvert /@network/`): the report's `filter` field. */
  id: string;
  /** Whether the filter runs a test of `file` (a unit key) by its full name (`describe > it`). */
  selects(file: string, name: string): boolean;
}

/**
 * A name filter as Jest (`-t`, `testNamePattern`) and Vitest (`-t`, `testNamePattern`) apply it: the
 * pattern is tested against the test's names joined by a space ({@link matchKey}), in every file alike.
 *
 * @example
 * nameFilter('testNamePattern /cart/i', new RegExp('cart', 'i')).selects('a.test.ts', 'shop > cart') // true
 */
export function nameFilter(id: string, pattern: RegExp): TestFilter {
  // A global or sticky pattern keeps its place between calls to `test`; a filter must not.
  const re =
    pattern.global || pattern.sticky
      ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
      : pattern;
  return { id, selects: (_file, name) => re.test(matchKey(name)) };
}

/**
 * Marks a report entry of a filtered run: the tests the filter left out (skipped, not selected) are taken
 * out of `tests`, and the entry is `filtered` when there were any, since its time is then not the file's.
 * A file with none left out is complete, as in an unfiltered run.
 */
export function applyFilter(entry: ReportedFile, filter: TestFilter): ReportedFile {
  if (entry.filtered || entry.status === 'interrupted' || !entry.tests) return entry;
  const ran = entry.tests.filter((t) => t.status !== 'skipped' || filter.selects(entry.file, t.name));
  if (ran.length === entry.tests.length) return entry;
  const { tests: _all, ...rest } = entry;
  return { ...rest, ...(ran.length > 0 ? { tests: ran } : {}), filtered: true };
}

/**
 * Whether an entry's duration is the file's whole time, the one thing the store's `durationMs` learns
 * from: not cut short (`interrupted`), and not run in part by a filter (a `filtered` entry still teaches
 * its tests' times). The one rule of what a report teaches about a file.
 */
export function fileCountsForLearning(entry: Pick<ReportedFile, 'status' | 'filtered'>): boolean {
  return entry.status !== 'interrupted' && entry.filtered !== true;
}

/**
 * Whether a report's job clock may teach the wall model: it ran at least one file, and every file counts
 * for learning ({@link fileCountsForLearning}). A file cut short spent time the timeline does not show; a
 * file a filter ran in part took less than its stored time, and the model is learned as the job's wall
 * less its files' stored times: either would teach a start-up that is not there.
 */
export function jobCountsForLearning(report: Pick<RunReport, 'files'>): boolean {
  return report.files.length > 0 && report.files.every(fileCountsForLearning);
}

/**
 * What a stored file costs in a run under `filter`: its fixed cost (its time beyond its tests) plus the
 * tests the filter selects. Undefined when the store cannot tell (no per-test times) or the filter
 * selects every stored test: then the file's own duration is its cost.
 */
export function filteredDurationMs(file: string, entry: FileTiming, filter: TestFilter): number | undefined {
  const tests = entry.tests;
  if (!tests || tests.length === 0) return undefined;
  let all = 0;
  let selected = 0;
  let left = 0;
  for (const t of tests) {
    all += t.durationMs;
    if (filter.selects(file, t.name)) selected += t.durationMs;
    else left++;
  }
  if (left === 0) return undefined;
  return Math.max(0, entry.durationMs - all) + selected;
}
