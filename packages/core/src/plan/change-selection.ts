/**
 * Which test files a change needs (`shard plan --changed REF`): the runner's own dependency graph says
 * which tests import what changed; a change the graph cannot see (the lockfile, a manifest, the runner's
 * config or setup files, a `--full-on` glob) selects every test. Pure: the changed files, the runner's
 * answers and the rules in; the selection and its reason out.
 */
import picomatch from 'picomatch';
import { ShardwiseError } from '../base/errors.js';
import { compareCodeUnits } from '../base/paths.js';
import type { Selection } from '../formats/selection.js';

/** A glob whose change selects every test, and why (the reason the plan states). */
export interface FullSuiteRule {
  glob: string;
  why: string;
}

/**
 * The changes no runner's dependency graph sees, which therefore select every test: the installed
 * packages, a package manifest, the runners' configs and the compiler's. Globs match paths relative to the
 * repository's top and to the root; `--full-on GLOB` adds to them, and the runner's setup files are added
 * as the runner reports them.
 */
export const DEFAULT_FULL_SUITE_RULES: readonly FullSuiteRule[] = [
  {
    glob: '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb}',
    why: 'the lockfile',
  },
  { glob: '**/package.json', why: 'a package manifest' },
  {
    glob: '**/{vitest,vite,jest,playwright}.{config,workspace}.{js,mjs,cjs,ts,mts,cts,json}',
    why: "a runner's config",
  },
  { glob: '**/{tsconfig*.json,babel.config.*,.babelrc*}', why: "the compiler's config" },
];

/** A `--related SOURCE=TESTS` rule of a runner with no graph shardwise can ask (Playwright, node --test). */
export interface PathRule {
  /** Changed files this rule covers. */
  source: string;
  /** The test files a change to one of them selects. */
  tests: string;
}

/**
 * Parses `SOURCE_GLOB=TEST_GLOB`, e.g. `src/cart/**=tests/cart/**`.
 *
 * @example
 * parsePathRule('src/**=e2e/**', '--related'); // { source: 'src/**', tests: 'e2e/**' }
 */
export function parsePathRule(text: string, option: string): PathRule {
  const at = text.indexOf('=');
  const source = at === -1 ? '' : text.slice(0, at).trim();
  const tests = at === -1 ? '' : text.slice(at + 1).trim();
  if (source === '' || tests === '') {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `Expected ${option} to be SOURCE_GLOB=TEST_GLOB (e.g. 'src/cart/**=tests/cart/**'), got ${JSON.stringify(text)}`,
    );
  }
  return { source, tests };
}

/** What the runner's dependency graph answered: the tests that import a changed file (or are one). */
export interface RunnerGraph {
  /** Who answered, in the plan's words: `vitest`, `jest`. */
  runner: string;
  /** Test keys that depend on the changed files. */
  related: readonly string[];
  /** The runner's setup and global setup files (paths relative to the root): no test imports them. */
  setupFiles: readonly string[];
}

/** The input of {@link selectChanged}. */
export interface ChangeInput {
  /** The ref the change is measured from, as the user gave it. */
  ref: string;
  /** Files changed since `ref`, committed or not, as POSIX paths relative to the root. */
  changed: readonly string[];
  /**
   * The same files relative to the repository's top, when the root is below it (index for index with
   * `changed`): a lockfile at the top is `../package-lock.json` from the root.
   */
  changedFromTop?: readonly string[];
  /** Every test key of the suite. */
  tests: readonly string[];
  /** The runner's answer; without one, `rules` decide (or the whole suite runs). */
  graph?: RunnerGraph;
  /** `--related` rules, for a runner with no graph. */
  rules?: readonly PathRule[];
  /** `--full-on` globs, over {@link DEFAULT_FULL_SUITE_RULES}. */
  fullOn?: readonly string[];
  /** The runner's name for messages, when there is no graph (`playwright`, `node`). */
  runner?: string;
  /**
   * Files of shardwise's own (relative to the root; a directory ends in `/`): the store, the history, the
   * pinned plan, the reports. A CI job restores or writes them in the checkout, and they are not a change.
   */
  ownPaths?: readonly string[];
}

/** The result of {@link selectChanged}. */
export interface ChangeSelection {
  /** The selected test keys, sorted. */
  selected: string[];
  selection: Selection;
}

/**
 * Selects the tests a change needs. Every test when a changed file is one a graph cannot see (the
 * lockfile, a manifest, a config, a setup file, a `--full-on` glob), or when no graph or rule covers a
 * change; else the graph's related tests, or those of the `--related` rules (a changed test file always
 * selects itself).
 *
 * @example
 * selectChanged({ ref: 'origin/main', changed: ['src/a.ts'], tests: ['a.test.ts', 'b.test.ts'],
 *   graph: { runner: 'vitest', related: ['a.test.ts'], setupFiles: [] } }).selected; // ['a.test.ts']
 */
export function selectChanged(given: ChangeInput): ChangeSelection {
  const input = withoutOwnFiles(given);
  const tests = [...new Set(input.tests)].sort(compareCodeUnits);
  const full = fullSuiteReason(input);
  const base = { ref: input.ref, changed: input.changed.length };
  if (full) return { selected: tests, selection: { ...base, by: 'everything', full, leftOut: [] } };
  let chosen: Set<string>;
  let by: string;
  if (input.graph) {
    chosen = new Set(input.graph.related);
    by = input.graph.runner;
  } else {
    const ruled = byRules(input.changed, tests, input.rules ?? []);
    if ('uncovered' in ruled) {
      const why =
        (input.rules ?? []).length === 0
          ? `${input.runner ?? 'this runner'} has no dependency graph shardwise can ask: pass --related SOURCE=TESTS rules`
          : 'no --related rule covers it';
      return {
        selected: tests,
        selection: { ...base, by: 'everything', full: { file: ruled.uncovered, why }, leftOut: [] },
      };
    }
    chosen = ruled.selected;
    by = '--related rules';
  }
  const selected = tests.filter((t) => chosen.has(t));
  const leftOut = tests.filter((t) => !chosen.has(t));
  return { selected, selection: { ...base, by, leftOut } };
}

/** The input without the changed files that are shardwise's own ({@link ChangeInput.ownPaths}). */
function withoutOwnFiles(input: ChangeInput): ChangeInput {
  const own = input.ownPaths ?? [];
  if (own.length === 0) return input;
  const isOwn = (file: string) => own.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
  const keep = input.changed.map((file) => !isOwn(file));
  return {
    ...input,
    changed: input.changed.filter((_, i) => keep[i]),
    ...(input.changedFromTop ? { changedFromTop: input.changedFromTop.filter((_, i) => keep[i]) } : {}),
  };
}

/** The first changed file (in path order) that a full-suite rule covers, and the rule's reason. */
function fullSuiteReason(input: ChangeInput): { file: string; why: string } | undefined {
  const rules: FullSuiteRule[] = [
    ...DEFAULT_FULL_SUITE_RULES,
    ...(input.fullOn ?? []).map((glob) => ({ glob, why: `--full-on ${glob}` })),
  ];
  const matchers: { rule: FullSuiteRule; match: (file: string) => boolean }[] = rules.map((rule) => {
    const match = picomatch(rule.glob, { dot: true });
    return { rule, match: (file: string) => match(file) };
  });
  // Setup files are exact paths (they may hold glob characters), matched as they are.
  const setup = new Set(input.graph?.setupFiles ?? []);
  const setupRule = { glob: '', why: `a setup file of ${input.graph?.runner ?? 'the runner'}` };
  matchers.unshift({ rule: setupRule, match: (file: string) => setup.has(file) });
  const order = input.changed.map((file, i) => ({ file, top: input.changedFromTop?.[i] ?? file }));
  order.sort((a, b) => compareCodeUnits(a.file, b.file));
  for (const { file, top } of order) {
    const hit = matchers.find(({ match }) => match(file) || match(top));
    if (hit) return { file, why: hit.rule.why };
  }
  return undefined;
}

/**
 * The tests `--related` rules select for the changed files, or the first changed file that neither is a
 * test nor matches a rule's source (then the rules cannot say what it affects).
 */
function byRules(
  changed: readonly string[],
  tests: readonly string[],
  rules: readonly PathRule[],
): { selected: Set<string> } | { uncovered: string } {
  const isTest = new Set(tests);
  const compiled = rules.map((r) => ({ source: picomatch(r.source, { dot: true }), tests: r.tests }));
  const selected = new Set<string>();
  for (const file of [...changed].sort(compareCodeUnits)) {
    if (isTest.has(file)) {
      selected.add(file);
      continue;
    }
    const hits = compiled.filter((r) => r.source(file));
    if (hits.length === 0) return { uncovered: file };
    for (const hit of hits) {
      const match = picomatch(hit.tests, { dot: true });
      for (const test of tests) if (match(test)) selected.add(test);
    }
  }
  return { selected };
}
