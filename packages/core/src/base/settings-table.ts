/**
 * The one table of shardwise's settings: each key, its environment variable, its default, the front ends
 * that take it as an option and what it means. Core's settings resolver reads the variables from it, every
 * plugin checks its options against it (see `option-check.ts`), and the options tables of the READMEs are
 * generated from it (`npm run docs:settings`; a test fails when a README's table differs).
 */

/** A front end: the CLI or a runner plugin. */
export type FrontEnd = 'cli' | 'jest' | 'vitest' | 'playwright';

/** How a value is checked before core's resolver reads it (the resolver checks the rest). */
export type SettingKind = 'path' | 'boolean' | 'estimator' | 'previous' | 'workers';

/** One row of {@link SETTINGS}. */
export interface SettingRow {
  key: string;
  /** The environment variable that sets it everywhere; undefined for an option with none. */
  env: string | undefined;
  /** The default, in the words of the docs. */
  default: string;
  /** The front ends it applies to (through its variable, or its option where they take one). */
  runners: readonly FrontEnd[];
  /** The front ends that also take it as an option: a config file key, a plugin option or a flag. */
  options: readonly FrontEnd[];
  kind: SettingKind;
  /** What it does, for the docs (Markdown, one sentence or two). */
  description: string;
}

const PLUGINS = ['jest', 'vitest', 'playwright'] as const;
const ALL = ['cli', ...PLUGINS] as const;

/** Every setting, in the order the docs list them. */
export const SETTINGS = [
  {
    key: 'timings',
    runners: ALL,
    env: 'SHARDWISE_TIMINGS',
    default: '`shard-timings.json` in the root',
    options: ALL,
    kind: 'path',
    description: 'the timing store the plan is computed from',
  },
  {
    key: 'reportsDir',
    runners: ALL,
    env: 'SHARDWISE_REPORTS_DIR',
    default: '`.shardwise/reports` in the root',
    options: ALL,
    kind: 'path',
    description: 'where each run writes its report for `shard merge`',
  },
  {
    key: 'estimator',
    runners: ALL,
    env: 'SHARDWISE_ESTIMATOR',
    default: '`mean`',
    options: ALL,
    kind: 'estimator',
    description:
      'the duration of units with no timing: `mean`, `median`, `p90` of the known ones, a number of ms as text (`2000`) or `{ "fixedMs": 2000 }`; 1 s when nothing is known',
  },
  {
    key: 'previous',
    runners: ALL,
    env: 'SHARDWISE_PREVIOUS',
    default: 'none',
    options: ALL,
    kind: 'previous',
    description:
      'stability: a previous plan to start from (a report of a sharded run or `shard plan --json` output), so that small drifts in duration move few units between shards; a named file that is missing is an error. (Formerly `stability`: the old name is refused with the new one.)',
  },
  {
    key: 'plan',
    runners: ALL,
    env: 'SHARDWISE_PLAN',
    default: 'none',
    options: ALL,
    kind: 'path',
    description: 'a pinned plan (`shard plan --out plan.json`): run exactly shard I of it, never re-plan',
  },
  {
    key: 'planOut',
    runners: PLUGINS,
    env: 'SHARDWISE_PLAN_OUT',
    default: 'none',
    options: [],
    kind: 'path',
    description: 'write the plan this run makes as a pinned plan, for configs the CLI cannot list',
  },
  {
    key: 'record',
    runners: PLUGINS,
    env: 'SHARDWISE_RECORD',
    default: '`true`',
    options: PLUGINS,
    kind: 'boolean',
    description: '`0`/`false`: the run writes no report',
  },
  {
    key: 'requireTimings',
    runners: ALL,
    env: 'SHARDWISE_REQUIRE_TIMINGS',
    default: 'off',
    options: ['cli'],
    kind: 'boolean',
    description: '`1`: a missing store is an error instead of a plan by estimate',
  },
  {
    key: 'workers',
    runners: ALL,
    env: 'SHARDWISE_WORKERS',
    default: 'as learned',
    options: ALL,
    kind: 'workers',
    description: 'workers per shard job in the wall model, over the count learned from recorded jobs',
  },
  {
    key: 'quarantine',
    runners: ALL,
    env: 'SHARDWISE_QUARANTINE',
    default: '`shard-quarantine.json` in the root',
    options: ALL,
    kind: 'path',
    description: 'tests whose failures do not fail the run (they still run and are reported)',
  },
  {
    key: 'history',
    runners: ['cli'],
    env: 'SHARDWISE_HISTORY',
    default: '`shard-history.json` in the root',
    options: ['cli'],
    kind: 'path',
    description: 'the flaky history `shard merge` appends every outcome to',
  },
  {
    key: 'splitTests',
    runners: ['vitest'],
    env: undefined,
    default: '`true`',
    options: ['vitest'],
    kind: 'boolean',
    description:
      'on Vitest ≥ 4.1, run a file that sets the plan’s floor as pieces on several shards, by test name, when the store’s per-test times say it lowers the slowest shard; `false` keeps every file whole',
  },
] as const satisfies readonly SettingRow[];

/** A key of {@link SETTINGS} that has an environment variable: what core's resolver resolves. */
export type ResolvedKey = Extract<(typeof SETTINGS)[number], { env: string }>['key'];

/** The environment variable of every resolved setting, by key. */
export const SETTINGS_ENV = Object.fromEntries(
  SETTINGS.filter((row) => row.env !== undefined).map((row) => [row.key, row.env]),
) as { readonly [K in ResolvedKey]: Extract<(typeof SETTINGS)[number], { key: K }>['env'] };

/** The rows a front end takes as options, in the table's order. */
export function settingsFor(frontEnd: FrontEnd): SettingRow[] {
  return SETTINGS.filter((row) => (row.options as readonly FrontEnd[]).includes(frontEnd));
}

/**
 * A front end's options as a Markdown table (option, variable, default, meaning), the one the README
 * shows between `<!-- settings:FRONTEND -->` and `<!-- /settings -->`; then the variables it takes with no
 * option.
 */
export function settingsTable(frontEnd: FrontEnd): string {
  const rows = settingsFor(frontEnd).map((row) => [
    `\`${row.key}\``,
    row.env ? `\`${row.env}\`` : '—',
    row.default,
    row.description,
  ]);
  for (const row of SETTINGS) {
    const applies = (row.runners as readonly FrontEnd[]).includes(frontEnd);
    if (row.env && applies && !(row.options as readonly FrontEnd[]).includes(frontEnd))
      rows.push(['—', `\`${row.env}\``, row.default, row.description]);
  }
  const head = ['option', 'env variable', 'default', 'meaning'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Characters as prettier counts a Markdown cell's width (code points). */
function width(text: string): number {
  return [...text].length;
}

const BLOCK = /(<!-- settings:(cli|jest|vitest|playwright) -->)[\s\S]*?(<!-- \/settings -->)/g;

/**
 * A Markdown text with every block between `<!-- settings:FRONTEND -->` and `<!-- /settings -->` replaced by
 * that front end's {@link settingsTable}: what `npm run docs:settings` writes into the READMEs, and what a
 * test compares them with.
 */
export function withSettingsTables(markdown: string): string {
  return markdown.replace(
    BLOCK,
    (_, open: string, frontEnd: FrontEnd, close: string) =>
      `${open}\n\n${settingsTable(frontEnd)}\n\n${close}`,
  );
}
