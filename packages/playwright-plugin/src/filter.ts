import { createRequire } from 'node:module';
import { TITLE_SEPARATOR, type TestFilter } from '@shardwise/core/light';
import type { FullConfig, Suite, TestCase } from '@playwright/test/reporter';
import type { Units } from './units.js';

/** A filtered run's filter, and the units it runs only part of. */
export interface PlaywrightFilter {
  filter: TestFilter;
  /** Units some of whose tests the filter left out: their time is not the unit's. */
  partial: Set<string>;
}

/**
 * The run's test filter, wherever it was written: `--grep`, `--grep-invert`, a `file:line` location, a
 * test list on the command line, or `grep`/`grepInvert` in the config (Playwright applies both before any
 * reporter sees the suite). Undefined for an unfiltered run.
 *
 * Which units a filter ran in part is a fact, not a guess from the pattern: a unit is complete when every
 * test its file declares below the unit is in the run. The declared tests come from Playwright's own
 * loader, which keeps every file it loaded, unfiltered; when they cannot be read, every unit of a filtered
 * run counts as run in part (its tests still teach their times).
 */
export async function playwrightFilter(
  argv: readonly string[],
  config: FullConfig,
  units: Units,
): Promise<PlaywrightFilter | undefined> {
  const words = [...commandLineFilter(argv), ...configFilter(config)];
  if (words.length === 0) return undefined;
  const selected = new Map<string, Set<string>>();
  for (const [key, tests] of units.byKey) selected.set(key, new Set(tests.map(testName)));
  const partial = new Set<string>();
  const declared = await declaredTests(units);
  for (const [key, tests] of units.byKey) {
    const all = declared.get(tests[0]!.location.file);
    const prefix = units.titlesOf.get(key) ?? [];
    const mine = selected.get(key)!;
    const complete =
      all !== undefined &&
      all.every((titles) => !startsWith(titles, prefix) || mine.has(titles.join(TITLE_SEPARATOR)));
    if (!complete) partial.add(key);
  }
  return {
    filter: {
      id: words.join(', '),
      selects: (file, name) => selected.get(file)?.has(name) ?? false,
    },
    partial,
  };
}

/** A test's name as reports and the store keep it: its titles below the file. */
export function testName(test: TestCase): string {
  return titlesBelowFile(test).join(TITLE_SEPARATOR);
}

function titlesBelowFile(test: TestCase): string[] {
  const titles = [test.title];
  for (let s: Suite | undefined = test.parent; s && s.type !== 'file'; s = s.parent) titles.unshift(s.title);
  return titles;
}

function startsWith(titles: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= titles.length && prefix.every((t, i) => titles[i] === t);
}

/** The filter flags of `playwright test`, as written (`--grep-invert @network`). */
export function commandLineFilter(argv: readonly string[]): string[] {
  const at = argv.indexOf('test');
  const args = at < 0 ? argv.slice(2) : argv.slice(at + 1);
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^(-g|--grep|--grep-invert|--test-list|--test-list-invert)$/.test(arg) && i + 1 < args.length) {
      words.push(`${arg} ${args[++i]!}`);
    } else if (
      /^(--grep|--grep-invert|--test-list|--test-list-invert)=/.test(arg) ||
      arg === '--last-failed' ||
      (!arg.startsWith('-') && /:\d+(:\d+)?$/.test(arg))
    ) {
      words.push(arg);
    }
  }
  return words;
}

/** `grep` and `grepInvert` of the config's projects (the top-level ones are every project's default). */
function configFilter(config: FullConfig): string[] {
  const words = new Set<string>();
  const text = (value: RegExp | RegExp[] | null | undefined) =>
    (Array.isArray(value) ? value : value ? [value] : []).map(String).join(' ');
  for (const { grep, grepInvert } of config.projects) {
    // Playwright's default `grep` is /.*/: no filter.
    const g = text(grep);
    if (g !== '' && g !== '/.*/') words.add(`grep ${g}`);
    const inv = text(grepInvert);
    if (inv !== '') words.add(`grepInvert ${inv}`);
  }
  return [...words];
}

/** The title paths (below the file) of every test each file of the run declares, by absolute path. */
async function declaredTests(units: Units): Promise<Map<string, string[][]>> {
  const load = loaderCache();
  const declared = new Map<string, string[][]>();
  if (!load) return declared;
  const files = new Set<string>();
  for (const tests of units.byKey.values()) files.add(tests[0]!.location.file);
  for (const file of files) {
    const suite = await load(file);
    if (suite) declared.set(file, suite.allTests().map(titlesBelowFile));
  }
  return declared;
}

/**
 * Playwright's loader cache of file suites, as loaded before any filter (`loadTestFile` answers from it
 * for every file `playwright test` loaded in this process). Private to Playwright, so read with care: the
 * loader module this process already runs (never a second copy), and a miss is a rejected call (the
 * loader needs a config to load a file, and gets none), so nothing is ever loaded here.
 */
function loaderCache(): ((file: string) => Promise<Suite | undefined>) | undefined {
  type Load = (file: string, config: undefined, errors: unknown[]) => Promise<unknown>;
  const loaders: Load[] = [];
  for (const [id, module] of Object.entries(createRequire(import.meta.url).cache)) {
    if (!/[\\/]playwright[\\/]lib[\\/]common[\\/]index\.js$/.test(id)) continue;
    const load = (module?.exports as { testLoader?: { loadTestFile?: unknown } } | undefined)?.testLoader
      ?.loadTestFile;
    if (typeof load === 'function') loaders.push(load as Load);
  }
  if (loaders.length === 0) return undefined;
  return async (file) => {
    // Several copies of Playwright in one process: the one that ran the loader has the file.
    for (const load of loaders) {
      const suite = (await load(file, undefined, []).catch(() => undefined)) as Suite | undefined;
      if (typeof suite?.allTests === 'function') return suite;
    }
    return undefined;
  };
}
