import { normalizePath, testUnitKey, unitKey } from '@shardwise/core/light';
import type { FullConfig, Suite, TestCase, TestRun } from '@playwright/test/reporter';

/** A suite's own execution mode, as `test.describe.configure` or the project's `fullyParallel` set it. */
type OwnMode = 'serial' | 'parallel' | 'default' | 'none';

/** The units of a run: what shardwise plans, keyed as in the store. */
export interface Units {
  /** Tests of each unit, by unit key, in the suite's order. */
  byKey: Map<string, TestCase[]>;
  /** The unit of every test (by `TestCase.id`); tests of setup and teardown projects have none. */
  keyOf: Map<string, string>;
  /** Project suites that Playwright runs in every shard and no reporter may change (setup, teardown). */
  readonly: Set<Suite>;
  /** The titles of each unit below its file ([] for a whole file), by unit key. */
  titlesOf: Map<string, string[]>;
}

/**
 * Translates Playwright's suite into units, the way Playwright itself groups tests for its workers
 * (`createTestGroups`), so that no unit is split where Playwright would run it together:
 * - a file whose tests are not in a parallel suite is one unit (its tests share one worker, in order);
 * - in a parallel file or project (`fullyParallel`, `describe.configure({ mode: 'parallel' })`), each
 *   test is a unit, except tests below a `serial` or explicit `default` suite (the outermost such suite
 *   is the unit), and tests below a `beforeAll`/`afterAll` (the outermost suite with one is the unit:
 *   split across shards, each shard would pay the hook again).
 *
 * Keys: the file's POSIX path relative to `root` (the config's directory), prefixed `project|` when the config has several
 * projects, then the titles of the unit below the file (`core`'s `testUnitKey`).
 */
export function unitsOf(config: FullConfig, suite: Suite, testRun: TestRun, root: string): Units {
  const own = ownModeReader(testRun);
  const several = config.projects.length > 1;
  const readonly = dependencyProjects(suite);
  const byKey = new Map<string, TestCase[]>();
  const keyOf = new Map<string, string>();
  const titlesOf = new Map<string, string[]>();
  for (const project of suite.suites) {
    if (readonly.has(project)) continue;
    const name = several ? project.project()?.name : undefined;
    for (const file of project.suites) {
      const fileKey = unitKey(name, normalizePath(file.location?.file ?? file.title, root));
      for (const test of file.allTests()) {
        const titles = titlesBelow(unitOf(test, file, own), file);
        const key = testUnitKey(fileKey, titles);
        keyOf.set(test.id, key);
        titlesOf.set(key, titles);
        const list = byKey.get(key);
        if (list) list.push(test);
        else byKey.set(key, [test]);
      }
    }
  }
  return { byKey, keyOf, readonly, titlesOf };
}

/** The suite or test that is the unit of `test`, by Playwright's grouping rules (see {@link unitsOf}). */
function unitOf(test: TestCase, file: Suite, own: (suite: Suite) => OwnMode): Suite | TestCase {
  let sequential: Suite | undefined;
  let withHooks: Suite | undefined;
  let parallel = false;
  // Up to and including the project suite, whose mode is `parallel` under `fullyParallel`.
  for (
    let parent: Suite | undefined = test.parent;
    parent && parent.type !== 'root';
    parent = parent.parent
  ) {
    const mode = own(parent);
    if (mode === 'serial' || mode === 'default') sequential = parent;
    if (mode === 'parallel') parallel = true;
    if (hasAllHooks(parent)) withHooks = parent;
  }
  if (!parallel) return file;
  const unit = sequential ?? withHooks;
  if (!unit) return test;
  // A project-level mode makes the whole file one unit, not the project.
  return isBelowOrAt(unit, file) ? unit : file;
}

function isBelowOrAt(suite: Suite, file: Suite): boolean {
  for (let s: Suite | undefined = suite; s; s = s.parent) if (s === file) return true;
  return false;
}

/** The titles from below the file down to the unit ([] for the file itself). */
function titlesBelow(unit: Suite | TestCase, file: Suite): string[] {
  const titles: string[] = [];
  for (let at: Suite | TestCase | undefined = unit; at && at !== file; at = at.parent)
    titles.unshift(at.title);
  return titles;
}

/**
 * A suite's own mode. Playwright 1.63+ has `testRun.mode(suite)`, which answers with the inherited mode:
 * a suite has a mode of its own where it differs from its parent's (a suite that repeats its parent's
 * mode groups its tests exactly as the parent does). Playwright 1.62 has no `mode()`; its suites carry the
 * same value in `_parallelMode`, which `createTestGroups` reads.
 */
function ownModeReader(testRun: TestRun): (suite: Suite) => OwnMode {
  const mode = (testRun as Partial<Pick<TestRun, 'mode'>>).mode?.bind(testRun);
  if (mode) {
    return (suite) => {
      if (suite.type === 'root') return 'none';
      const inherited = suite.parent && suite.parent.type !== 'root' ? mode(suite.parent) : 'default';
      const mine = mode(suite);
      return mine === inherited ? 'none' : mine;
    };
  }
  return (suite) => {
    const value = (suite as unknown as { _parallelMode?: unknown })._parallelMode;
    return value === 'serial' || value === 'parallel' || value === 'default' ? value : 'none';
  };
}

/**
 * Whether a suite declares `beforeAll` or `afterAll`. Playwright's reporter API does not show hooks;
 * every version with `preprocess` keeps them in `_hooks`, which its own grouping reads. (A Playwright
 * that drops the field makes such tests separate units: the end-to-end test with a `beforeAll` notices.)
 */
function hasAllHooks(suite: Suite): boolean {
  const hooks = (suite as unknown as { _hooks?: ReadonlyArray<{ type?: unknown }> })._hooks;
  if (!Array.isArray(hooks)) return false;
  return hooks.some((h: { type?: unknown }) => h.type === 'beforeAll' || h.type === 'afterAll');
}

/**
 * The project suites Playwright added because other projects depend on them (setup and teardown
 * projects): it runs them in every shard that runs a dependent project, and a reporter may not exclude
 * them. They are the projects that another project of the run names in `dependencies` or `teardown`.
 */
function dependencyProjects(root: Suite): Set<Suite> {
  const named = new Set<string>();
  for (const project of root.suites) {
    const p = project.project();
    for (const dep of p?.dependencies ?? []) named.add(dep);
    if (p?.teardown) named.add(p.teardown);
  }
  return new Set(root.suites.filter((s) => named.has(s.project()?.name ?? '\u0000')));
}
