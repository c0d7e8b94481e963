// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { parseArgs } from 'node:util';
import { ShardwiseError } from '@shardwise/core/planning';

/** One command-line option: its type, an optional one-letter alias and the text `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `I/N`. */
  value?: string;
  description: string;
}

/** Every option of every command, in one table, so help, parsing and docs never disagree. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h', description: 'Show help for the command' },
  version: { type: 'boolean', short: 'v', description: 'Print the version' },
  verbose: { type: 'boolean', description: 'Show internals on stderr (also DEBUG=shardwise)' },
  root: {
    type: 'string',
    value: 'DIR',
    description: 'Directory that store keys and file paths are relative to (default: the current directory)',
  },
  timings: {
    type: 'string',
    value: 'PATH',
    description: 'The timing store (default: $SHARDWISE_TIMINGS, else shard-timings.json in the root)',
  },
  'no-timings': { type: 'boolean', description: 'Ignore the store: plan every file by estimate' },
  'files-from': {
    type: 'string',
    value: 'FILE|-',
    description: 'Read test files from FILE or stdin (-), one per line; they need not exist',
  },
  estimator: {
    type: 'string',
    value: 'mean|median|p90|MS',
    description: 'Duration assumed for files with no timing (default: mean of the known ones)',
  },
  previous: {
    type: 'string',
    value: 'PLAN.json',
    description: 'Start from a previous plan (`shard plan --json`) so few files change shard',
  },
  plan: {
    type: 'string',
    value: 'PLAN.json',
    description:
      'Run exactly this pinned plan (`shard plan --out`), never re-plan (default: $SHARDWISE_PLAN)',
  },
  workers: {
    type: 'string',
    value: 'N',
    description:
      'Workers per shard job for the wall model (default: $SHARDWISE_WORKERS, else as learned from recorded jobs)',
  },
  runner: {
    type: 'string',
    value: 'NAME',
    description:
      "Plan with this runner's learned wall model: jest, vitest or node-test (default: the store's only one; node-test also lists node --test's default files, and is the default of `shard run -- node --test`); Playwright's units are planned by its reporter",
  },
  'require-timings': {
    type: 'boolean',
    description:
      'Fail when the store is missing instead of planning by estimate (also SHARDWISE_REQUIRE_TIMINGS=1)',
  },
  'skip-invalid': {
    type: 'boolean',
    description: 'Skip unreadable or invalid reports (listed on stderr) instead of failing',
  },
  shard: {
    type: 'string',
    value: 'I/N',
    description: 'This shard, 1-based (default: $SHARDWISE_SHARD, else detected from the CI)',
  },
  shards: {
    type: 'string',
    value: 'N|auto',
    description:
      'Number of shards (default: from the CI, if any); auto: the fewest jobs within 10% of the best wall (or under --target), up to --max-shards (default 16)',
  },
  changed: {
    type: 'string',
    value: 'REF',
    description:
      "Plan only the tests that depend on what changed since REF (committed or not), by the runner's own dependency graph",
  },
  'full-on': {
    type: 'string',
    multiple: true,
    value: 'GLOB',
    description:
      'With --changed: a change to a file matching GLOB selects every test (adds to the lockfile, manifests, configs, setup files)',
  },
  related: {
    type: 'string',
    multiple: true,
    value: 'SRC=TESTS',
    description:
      'With --changed, for a runner with no graph (Playwright, node --test): a change matching SRC selects the tests matching TESTS',
  },
  target: {
    type: 'string',
    value: 'TIME',
    description: 'With --shards auto: the fewest jobs whose slowest one finishes within TIME, e.g. 5m',
  },
  ci: {
    type: 'string',
    value: 'github|gitlab|circleci|buildkite',
    description: 'matrix: the CI whose fan-out to print (default: github, also as matrix= in $GITHUB_OUTPUT)',
  },
  command: {
    type: 'string',
    value: 'TEXT',
    description: 'matrix --ci buildkite: the command each parallel job runs',
  },
  template: {
    type: 'string',
    value: 'PATH',
    description:
      'matrix --ci gitlab: the file that defines the hidden job .shardwise-test (default: .gitlab/shardwise-test.yml)',
  },
  json: { type: 'boolean', description: 'Print JSON instead of text' },
  null: { type: 'boolean', short: '0', description: 'Separate file names with NUL instead of newlines' },
  compare: {
    type: 'boolean',
    description: 'Also show what `jest --shard`, `vitest --shard` and plain LPT would give',
  },
  'split-tests': {
    type: 'boolean',
    description:
      'Split files that set the floor into pieces by test, where that pays (the Vitest plugin runs pieces on Vitest >= 4.1, the Jest plugin with its test runner)',
  },
  'max-shards': {
    type: 'string',
    value: 'M',
    description: 'Also tabulate wall time and CI minutes for 1..M shards and recommend a count',
  },
  overhead: {
    type: 'string',
    value: 'TIME',
    description:
      'Start-up of one shard job for --max-shards, e.g. 30s, 1m, 500ms (default: as learned from recorded jobs, else 30s)',
  },
  out: {
    type: 'string',
    value: 'PATH',
    description:
      'plan: write the pinned plan here; merge, import: write the store here instead of over --timings',
  },
  'no-prune': { type: 'boolean', description: 'Keep entries of files that no longer exist' },
  smoothing: {
    type: 'string',
    value: 'ewma|median|latest',
    description: 'How a new measurement is folded into a duration (default: ewma, alpha 0.5)',
  },
  threshold: {
    type: 'string',
    value: 'FRACTION',
    description: 'Rewrite the store only when a duration moved by more than this (default: 0.1)',
  },
  history: {
    type: 'string',
    value: 'PATH',
    description:
      'The flaky history merge appends to (default: $SHARDWISE_HISTORY, else shard-history.json in the root)',
  },
  'no-history': { type: 'boolean', description: 'Do not append this run to the flaky history' },
  quarantine: {
    type: 'string',
    value: 'PATH',
    description:
      'The quarantine file (default: $SHARDWISE_QUARANTINE, else shard-quarantine.json in the root)',
  },
  record: {
    type: 'boolean',
    description: "Append the reports given as one run to the history first (e.g. a retry job's)",
  },
  failed: {
    type: 'boolean',
    description: 'Print the files (and their failed tests with --json) that failed in the REPORT|DIR… given',
  },
  reason: { type: 'string', value: 'TEXT', description: 'Why the test is quarantined (required by add)' },
  expires: {
    type: 'string',
    value: 'YYYY-MM-DD',
    description: 'The last day the entry protects; after it the test fails the job again',
  },
  owner: { type: 'string', value: 'NAME', description: 'Who fixes it' },
  html: {
    type: 'string',
    value: 'PATH',
    description:
      'Write the run as one self-contained HTML page: a timeline of every job and worker, predictions, the proof, flaky tests',
  },
  junit: {
    type: 'string',
    value: 'PATH',
    description:
      "Write every job's tests as one JUnit XML report for CI test tabs (flaky and quarantined marked)",
  },
  markdown: {
    type: 'string',
    value: 'PATH',
    description:
      'Write a short Markdown summary for a pull-request comment (the GitHub step summary has the same text)',
  },
  queue: {
    type: 'boolean',
    description:
      'Pull batches from the Redis queue at $SHARDWISE_QUEUE (redis:// or rediss://) until the run is done, instead of running a static shard',
  },
  'run-id': {
    type: 'string',
    value: 'ID',
    description:
      "The CI run the queue belongs to (default: $SHARDWISE_RUN_ID, else the CI's run: GitHub, GitLab, Buildkite, CircleCI)",
  },
  force: {
    type: 'boolean',
    description:
      'quarantine add: keep an entry whose file does not exist or whose test the history and store do not know',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** Parsed option values: strings for string options, booleans for flags. */
export type OptionValues = {
  [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]['type'] extends 'string'
      ? string
      : boolean;
};

export type CommandName =
  | 'plan'
  | 'matrix'
  | 'files'
  | 'run'
  | 'merge'
  | 'report'
  | 'import'
  | 'check'
  | 'flaky'
  | 'quarantine'
  | 'queue';

export interface CommandSpec {
  summary: string;
  usage: string;
  options: readonly OptionName[];
  /** What positional arguments are, for help. */
  positionals?: string;
  examples: readonly string[];
}

const INPUT_OPTIONS = [
  'root',
  'timings',
  'no-timings',
  'require-timings',
  'files-from',
  'estimator',
  'previous',
  'plan',
  'workers',
  'runner',
] as const;
const COMMON = ['verbose', 'help'] as const;

export const COMMANDS: Record<CommandName, CommandSpec> = {
  plan: {
    summary: 'Show the whole plan: every shard, its files and predicted time',
    usage: 'shard plan [--shards N] [--timings PATH] [--root DIR] [--files-from FILE|-] [--json] [GLOB...]',
    options: [
      'shards',
      ...INPUT_OPTIONS,
      'json',
      'out',
      'compare',
      'split-tests',
      'max-shards',
      'overhead',
      'changed',
      'full-on',
      'related',
      'target',
      ...COMMON,
    ],
    positionals: 'GLOB...  test files (relative to the root); default: the usual test patterns',
    examples: [
      'shard plan --shards 4',
      'npx jest --listTests | shard plan --shards 4 --files-from -',
      'shard plan --max-shards 16 --overhead 45s',
      'shard plan --shards 4 --out plan.json   # pin once; job I runs `shard files --shard I/4 --plan plan.json`',
      'shard plan --changed origin/main --shards auto --out plan.json   # only what the change needs',
    ],
  },
  matrix: {
    summary:
      "Print a pinned plan's jobs as the CI's fan-out (a GitHub Actions matrix, GitLab, CircleCI, Buildkite)",
    usage: 'shard matrix --plan plan.json [--ci github|gitlab|circleci|buildkite] [--command TEXT]',
    options: ['plan', 'root', 'ci', 'command', 'template', ...COMMON],
    examples: [
      'shard matrix --plan plan.json   # {"shard":["1/3","2/3","3/3"]}, and matrix= in $GITHUB_OUTPUT',
      'shard matrix --plan plan.json --ci gitlab > shards.yml   # a child pipeline with parallel: N',
    ],
  },
  files: {
    summary: "Print this shard's test files, one per line",
    usage:
      'shard files --shard I/N [--timings PATH] [--root DIR] [--files-from FILE|-] [--json | -0] [GLOB...]',
    options: ['shard', ...INPUT_OPTIONS, 'json', 'null', 'failed', ...COMMON],
    positionals:
      'GLOB...  test files (relative to the root); default: the usual test patterns. With --failed: REPORT|DIR...',
    examples: [
      'shard files --shard 2/4',
      'npx jest $(shard files --failed .shardwise/reports)   # retry only what failed',
      'npx jest --listTests | shard files --shard 2/4 --files-from -',
      'shard files --shard 1/3 -0 | xargs -0 npx mocha',
    ],
  },
  run: {
    summary: "Run a command with this shard's test files appended as arguments",
    usage:
      'shard run --shard I/N [--timings PATH] [--root DIR] [--files-from FILE|-] [GLOB...] -- COMMAND [ARGS...]',
    options: ['shard', ...INPUT_OPTIONS, 'queue', 'run-id', ...COMMON],
    positionals:
      'GLOB...  test files (relative to the root); after --, the command to run: one that takes exact paths (plain jest and vitest read them as patterns: use their plugins)',
    examples: [
      'shard run --shard 2/4 -- npx mocha',
      'shard run -- npx jest --ci --runTestsByPath',
      'shard run -- node --test',
      'SHARDWISE_QUEUE=redis://cache:6379 shard run --queue --shard 2/4 -- node --test   # a command per batch',
    ],
  },
  merge: {
    summary: 'Fold shard reports into the store and prove every planned file ran exactly once',
    usage: 'shard merge [--timings STORE] [--out PATH] [REPORT|DIR...]',
    options: [
      'timings',
      'root',
      'out',
      'no-prune',
      'smoothing',
      'threshold',
      'skip-invalid',
      'history',
      'no-history',
      'quarantine',
      'html',
      'junit',
      'markdown',
      'json',
      ...COMMON,
    ],
    positionals:
      'REPORT|DIR...  report files or directories of them (default: .shardwise/reports in the root)',
    examples: [
      'shard merge --timings shard-timings.json .shardwise/reports',
      'shard merge --html report.html --junit merged.xml --markdown comment.md',
      'shard merge reports/*.json',
    ],
  },
  report: {
    summary:
      'Write the HTML, JUnit or Markdown report of a run from its reports, store and history, changing nothing',
    usage:
      'shard report --html PATH|--junit PATH|--markdown PATH [--timings STORE] [--history PATH] [REPORT|DIR...]',
    options: [
      'timings',
      'root',
      'history',
      'quarantine',
      'skip-invalid',
      'html',
      'junit',
      'markdown',
      ...COMMON,
    ],
    positionals:
      'REPORT|DIR...  report files or directories of them (default: .shardwise/reports in the root); give the store the run was planned with',
    examples: [
      'shard report --html report.html artifacts/',
      'shard report --junit merged.xml --markdown comment.md',
    ],
  },
  import: {
    summary: 'Build or update the store from JUnit XML, Jest --json or Vitest JSON reports',
    usage: 'shard import junit|jest-json|vitest-json [--timings STORE] [--root DIR] FILE|GLOB...',
    options: ['timings', 'root', 'out', 'smoothing', 'skip-invalid', ...COMMON],
    positionals: 'FORMAT FILE|GLOB...  the report format, then report files, directories or globs',
    examples: ["shard import junit 'reports/**/*.xml'", 'shard import jest-json jest-results.json'],
  },
  check: {
    summary: 'Validate the store; list stale entries and files with no timing',
    usage: 'shard check [--timings PATH] [--root DIR] [--files-from FILE|-] [GLOB...]',
    options: ['timings', 'root', 'files-from', 'json', ...COMMON],
    positionals: 'GLOB...  test files (relative to the root); default: the usual test patterns',
    examples: ['shard check', 'shard check --timings ci/shard-timings.json'],
  },
  flaky: {
    summary: 'List the flaky and broken tests the history shows',
    usage: 'shard flaky [--history PATH] [--json] [--record REPORT|DIR...]',
    options: ['history', 'root', 'record', 'json', ...COMMON],
    positionals: 'REPORT|DIR...  with --record: reports to append to the history first (a retry job)',
    examples: ['shard flaky', 'shard flaky --json', 'shard flaky --record retry-reports/'],
  },
  quarantine: {
    summary: "Add, remove or list quarantined tests; check a job's failures against them",
    usage:
      'shard quarantine add FILE NAME --reason TEXT [--expires YYYY-MM-DD] [--owner NAME] [--force] | remove FILE NAME | list | check [REPORT|DIR...]  (each takes --json)',
    options: [
      'quarantine',
      'root',
      'reason',
      'expires',
      'owner',
      'force',
      'history',
      'timings',
      'json',
      ...COMMON,
    ],
    positionals:
      'add|remove FILE NAME: the test file (relative to the root, or absolute) and the full test name (`describe > it`), which add refuses unless the flaky history or the store knows it (or --force); check REPORT|DIR...: default .shardwise/reports',
    examples: [
      'shard quarantine add src/cart.test.ts "cart > applies the discount" --reason "races the clock" --expires 2027-01-15 --owner @ana',
      'shard quarantine list',
      'npx mocha … || shard quarantine check   # exit 0 when every failure is quarantined',
    ],
  },
  queue: {
    summary: "Show a queue run's progress, or remove its keys",
    usage: 'shard queue status|clear [--run-id ID] [--json]   (the server from $SHARDWISE_QUEUE)',
    options: ['run-id', 'json', ...COMMON],
    positionals: 'status|clear: what to do with the run named by --run-id, $SHARDWISE_RUN_ID or the CI',
    examples: ['shard queue status --run-id 1234', 'shard queue clear --run-id 1234'],
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export interface CommandLine {
  command: CommandName | undefined;
  values: OptionValues;
  positionals: string[];
  /** Arguments after `--` (the command of `shard run`). */
  rest: string[] | undefined;
}

/**
 * Splits argv into the command, its options (validated against the command's own option table: an option of
 * another command is an error, not silently ignored) and positionals.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const dashDash = argv.indexOf('--');
  const head = dashDash === -1 ? [...argv] : argv.slice(0, dashDash);
  const rest = dashDash === -1 ? undefined : argv.slice(dashDash + 1);

  // The command is the first word that is not an option or the value of one (`--root DIR plan` works).
  const takesValue = (arg: string | undefined) =>
    arg !== undefined &&
    !arg.includes('=') &&
    Object.entries(OPTIONS).some(
      ([name, o]: [string, OptionSpec]) =>
        o.type === 'string' && (arg === `--${name}` || (o.short !== undefined && arg === `-${o.short}`)),
    );
  // A value that starts with "-" and a digit (`--shard -1/3`, `--threshold -0.1`) is a value, not an
  // option: join it, so the option's own check says what is wrong with it.
  for (let i = head.length - 2; i >= 0; i--) {
    if (takesValue(head[i]) && head[i]!.startsWith('--') && /^-\d/.test(head[i + 1]!)) {
      head.splice(i, 2, `${head[i]}=${head[i + 1]}`);
    }
  }
  const first = head.findIndex((arg, i) => !arg.startsWith('-') && !takesValue(head[i - 1]));
  const named = first === -1 ? undefined : head[first];
  let command: CommandName | undefined;
  if (named !== undefined) {
    if (!(COMMAND_NAMES as string[]).includes(named)) {
      // Only the first positional can be a command; anything else before it is an option.
      throw usageError(`unknown command "${named}"; expected one of ${COMMAND_NAMES.join(', ')}`);
    }
    command = named as CommandName;
    head.splice(first, 1);
  }
  const allowed: readonly OptionName[] = command ? COMMANDS[command].options : ['help', 'version', 'verbose'];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const name of allowed) {
    const spec: OptionSpec = OPTIONS[name];
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: head, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(describeParseError(error, command));
  }
  if (rest !== undefined && command !== 'run') {
    throw usageError(`"--" is only for \`shard run\`; ${command ?? 'shard'} takes no command to run`);
  }
  return {
    command,
    values: parsed.values,
    positionals: parsed.positionals,
    rest,
  };
}

/** Levenshtein distance, for "did you mean" on a mistyped option (`--shrad` → `--shard`). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

function describeParseError(error: unknown, command: CommandName | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const where = command ? `shard ${command}` : 'shard';
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const name = unknown[1]!.replace(/^-+/, '');
    const elsewhere = COMMAND_NAMES.filter((c) => (COMMANDS[c].options as readonly string[]).includes(name));
    const own: readonly string[] = command ? COMMANDS[command].options : ['help', 'version', 'verbose'];
    const near = own.find((o) => editDistance(o, name) <= (name.length > 4 ? 2 : 1));
    const belongs =
      elsewhere.length > 0 ? ` (it belongs to ${elsewhere.map((c) => `shard ${c}`).join(', ')})` : '';
    const hint =
      near !== undefined ? `${belongs}; did you mean --${near}?` : belongs || `; see \`${where} --help\``;
    return `${where}: unknown option ${unknown[1]}${hint}`;
  }
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${where}: ${missing[1]} needs a value; see \`${where} --help\``;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return `${where}: ${ambiguous[1]} needs a value; write a value that starts with "-" as ${ambiguous[1]}=-VALUE`;
  }
  const noValue = /Option '(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${where}: ${noValue[1]} is a flag and takes no value`;
  return `${where}: ${message.split('\n')[0]}`;
}

/** A usage error: one line, exit code 2. */
export function usageError(message: string): ShardwiseError {
  return new ShardwiseError('INVALID_OPTION', message);
}

/** A whole number ≥ `min` from an option's text; the error names the option and the accepted range. */
export function parseWholeNumber(text: string, option: string, min = 1): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (value > Number.MAX_SAFE_INTEGER) {
    throw usageError(`Expected ${option} to be at most ${Number.MAX_SAFE_INTEGER}, got "${text}": too large`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw usageError(`Expected ${option} to be a whole number from ${min} and up, got "${text}"`);
  }
  return value;
}

/** A finite number ≥ 0 from an option's text. */
export function parseNonNegative(text: string, option: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw usageError(`Expected ${option} to be a number from 0 and up, got "${text}"`);
  }
  return value;
}

/**
 * A duration as people write it: `500ms`, `30s`, `1.5m`, `1m30s`, or a bare number of seconds (what
 * `--overhead` took before units). Returns ms.
 */
export function parseDuration(text: string, option: string): number {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (t !== '' && parts.map((p) => p[0]).join('') === t) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
    return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2] as keyof typeof unit], 0));
  }
  throw usageError(`Expected ${option} to be a duration such as 30s, 1m or 500ms, got "${text}"`);
}

/** Help for one command, or the overview. */
export function helpText(command: CommandName | undefined): string {
  if (!command) {
    const width = Math.max(...COMMAND_NAMES.map((c) => c.length));
    return [
      'shard: split test files into shards of equal duration from recorded timings',
      '',
      'Usage: shard <command> [options]',
      '',
      'Commands:',
      ...COMMAND_NAMES.map((c) => `  ${c.padEnd(width)}  ${COMMANDS[c].summary}`),
      '',
      'Options:',
      '  -h, --help     Show help (also `shard <command> --help`)',
      '  -v, --version  Print the version',
      '',
      'Exit codes: 0 ok, 1 a check failed (e.g. a planned file did not run), 2 usage or input error,',
      '3 the environment failed (disk full, permission), 70 a bug in shardwise.',
      '',
    ].join('\n');
  }
  const spec = COMMANDS[command];
  const rows = spec.options.map((name) => {
    const o: OptionSpec = OPTIONS[name];
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `shard ${command}: ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    ...(spec.positionals ? ['', `  ${spec.positionals}`] : []),
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
