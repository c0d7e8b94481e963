import { ENV } from './env.js';
/**
 * Stable error codes, each with one meaning. A `ShardwiseError` is never a bug: its message is one line
 * that says what is wrong and where, and front ends print it without a stack trace. Its {@link Hint} says
 * how to fix it as data, so each front end words the fix in its own terms (a CLI flag, a config key).
 */
export type ShardwiseErrorCode =
  /** A shard given as I/N is malformed or out of range. */
  | 'INVALID_SHARD'
  /** An option, flag, environment variable or config value is invalid or contradicts another. */
  | 'INVALID_OPTION'
  /** A file the user named (a store at an explicit path, a plan, a report, a list) does not exist. */
  | 'NOT_FOUND'
  /** The timing store is not valid JSON. */
  | 'STORE_SYNTAX'
  /** The timing store is JSON but not a valid store. */
  | 'STORE_SCHEMA'
  /** A report is not valid JSON or XML. */
  | 'REPORT_SYNTAX'
  /** A report is not a shardwise report or an importable runner report. */
  | 'REPORT_SCHEMA'
  /** An XML report declares entities or a DTD (an entity bomb, an external entity). */
  | 'XML_UNSAFE'
  /** A plan file (`shard plan --json` output, a pinned plan, a report's plan) is not a plan. */
  | 'PLAN_INVALID'
  /** A pinned plan does not hold exactly the test files found now. */
  | 'PLAN_MISMATCH'
  /** No test files were found at all. */
  | 'NO_TEST_FILES'
  /** The command `shard run` was asked to start does not exist. */
  | 'COMMAND_NOT_FOUND'
  /** The command `shard run` would start has more arguments than one command line holds. */
  | 'COMMAND_TOO_LONG'
  /** The command exists but the system refused to start it (permission, resources). */
  | 'COMMAND_FAILED'
  /** A list of test files (`--files-from`) is not text, or cannot be read from where it was asked. */
  | 'FILE_LIST_INVALID'
  /** The flaky history (`shard-history.json`) is not valid JSON or not a valid history. */
  | 'HISTORY_INVALID'
  /** The quarantine file (`shard-quarantine.json`) is not valid, or a quarantine command was misused. */
  | 'QUARANTINE_INVALID'
  /** A file could not be read for a reason outside the user's input (permission, I/O error). */
  | 'READ_FAILED'
  /** A file could not be written (disk full, permission, read-only file system). */
  | 'WRITE_FAILED'
  /** Another process held the lock on a file to be rewritten (the store, the history) for too long. */
  | 'LOCKED'
  /** The queue's Redis server cannot be reached, refused the password, or went away mid-run. */
  | 'QUEUE_UNREACHABLE'
  /** The run's queue was seeded from another plan (other files, shard count or store) under the same run id. */
  | 'QUEUE_MISMATCH'
  /** The run's queue state is gone mid-run (the server restarted without persistence, or it was cleared). */
  | 'QUEUE_LOST';

/** What kind of failure a code is; {@link EXIT_CODES} maps each kind to the process exit code. */
export type FailureKind = 'input' | 'environment';

const KIND: Record<ShardwiseErrorCode, FailureKind> = {
  INVALID_SHARD: 'input',
  INVALID_OPTION: 'input',
  NOT_FOUND: 'input',
  STORE_SYNTAX: 'input',
  STORE_SCHEMA: 'input',
  REPORT_SYNTAX: 'input',
  REPORT_SCHEMA: 'input',
  XML_UNSAFE: 'input',
  PLAN_INVALID: 'input',
  PLAN_MISMATCH: 'input',
  NO_TEST_FILES: 'input',
  COMMAND_NOT_FOUND: 'input',
  COMMAND_TOO_LONG: 'input',
  COMMAND_FAILED: 'environment',
  FILE_LIST_INVALID: 'input',
  HISTORY_INVALID: 'input',
  QUARANTINE_INVALID: 'input',
  READ_FAILED: 'environment',
  WRITE_FAILED: 'environment',
  LOCKED: 'environment',
  QUEUE_UNREACHABLE: 'environment',
  QUEUE_MISMATCH: 'input',
  QUEUE_LOST: 'environment',
};

/**
 * The one table of exit codes, for every front end: 0 success, 1 a check failed (coverage, a missing
 * store for `check`), 2 the user's input is wrong, 3 the environment failed (disk full, permission), and
 * 70 (`EX_SOFTWARE`) a bug in shardwise.
 */
export const EXIT_CODES = { ok: 0, checkFailed: 1, input: 2, environment: 3, internal: 70 } as const;

/**
 * How to fix an error, as data. Front ends render it in their own terms; core never names a flag.
 * - `store`: the timing store at `file` is unusable: fix it, delete it (plan by estimate), or ignore it.
 * - `upgrade`: the file was written by a newer shardwise.
 * - `plan`: pass a plan (`shard plan --json` output or a shardwise report).
 * - `replan`: the pinned plan is out of date: plan again.
 * - `patterns`: no test files were found: check the patterns, the root or the file list.
 * - `report`: pass reports written by the shardwise plugins or use the importers.
 * - `text`: a fix that needs no translation.
 */
export type Hint =
  | { kind: 'store' }
  | { kind: 'upgrade' }
  | { kind: 'plan' }
  | { kind: 'replan' }
  | { kind: 'patterns' }
  | { kind: 'report' }
  | { kind: 'text'; text: string };

/** How a front end words the hints it knows better; the rest fall back to {@link describeHint}. */
export type HintRenderer = (hint: Hint) => string | undefined;

export interface ShardwiseErrorOptions {
  /** The file the error is about, when there is one. */
  file?: string;
  hint?: Hint;
  cause?: unknown;
}

/** A user-facing error with a stable `code`. */
export class ShardwiseError extends Error {
  readonly code: ShardwiseErrorCode;
  readonly file: string | undefined;
  readonly hint: Hint | undefined;

  constructor(code: ShardwiseErrorCode, message: string, options: ShardwiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShardwiseError';
    this.code = code;
    this.file = options.file;
    this.hint = options.hint;
  }

  /** Whether the user's input or the environment failed. */
  get kind(): FailureKind {
    return KIND[this.code];
  }
}

/** True for errors whose message is meant for the user as it is (no stack trace). */
export function isShardwiseError(error: unknown): error is ShardwiseError {
  return error instanceof ShardwiseError;
}

/** The exit code for anything thrown: 2 for user input, 3 for the environment, 70 for a bug. */
export function exitCodeOf(error: unknown): number {
  if (!isShardwiseError(error)) return EXIT_CODES.internal;
  return error.kind === 'environment' ? EXIT_CODES.environment : EXIT_CODES.input;
}

/** The neutral wording of a hint, for front ends with nothing more specific to say. */
export function describeHint(hint: Hint): string {
  switch (hint.kind) {
    case 'store':
      return 'fix it, or delete it to plan by estimate';
    case 'upgrade':
      return 'upgrade @shardwise/* to read it';
    case 'plan':
      return 'pass a plan written by `shard plan --out` (or `--json` output, or a shardwise report)';
    case 'replan':
      return 'the plan is out of date: plan again with `shard plan --out`';
    case 'patterns':
      return 'check the test file patterns, the root directory and the file list';
    case 'report':
      return 'pass the reports the shardwise plugins write, or use `shard import` for JUnit or runner JSON';
    case 'text':
      return hint.text;
  }
}

/**
 * The one line a front end prints for a user error: the message, then the hint in the front end's words.
 *
 * @example
 * formatError(error, (h) => (h.kind === 'store' ? 'or pass --no-timings' : undefined));
 */
export function formatError(error: ShardwiseError, render?: HintRenderer): string {
  if (!error.hint) return error.message;
  return `${error.message}; ${render?.(error.hint) ?? describeHint(error.hint)}`;
}

/** Node's error codes that mean the machine, not the input, failed. */
const ENVIRONMENT_ERRNOS = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
]);

/**
 * A read failure as a ShardwiseError: a missing path is the user's input (`NOT_FOUND`), a directory
 * where a file was expected too (`inputCode`), a permission or I/O error is the environment.
 */
export function readError(
  file: string,
  error: unknown,
  what: string,
  inputCode: ShardwiseErrorCode = 'INVALID_OPTION',
  hint?: Hint,
): ShardwiseError {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = (error as Error | undefined)?.message ?? String(error);
  const code: ShardwiseErrorCode =
    errno === 'ENOENT' ? 'NOT_FOUND' : ENVIRONMENT_ERRNOS.has(errno) ? 'READ_FAILED' : inputCode;
  const message =
    code === 'NOT_FOUND' ? `${file}: no such ${what}` : `${file}: cannot read the ${what} (${reason})`;
  return new ShardwiseError(code, message, { file, cause: error, ...(hint ? { hint } : {}) });
}

/** A write failure as a ShardwiseError: always the environment (disk full, permission, read-only). */
export function writeError(file: string, error: unknown): ShardwiseError {
  return new ShardwiseError('WRITE_FAILED', `${file}: cannot write (${(error as Error).message})`, {
    file,
    cause: error,
  });
}

/**
 * A warning as the CI shows it best: a `::warning::` annotation on GitHub Actions (it lands on the run's
 * summary page), a plain `shardwise: warning:` line elsewhere.
 */
export function warningLine(message: string, env: Readonly<Record<string, string | undefined>>): string {
  return onGitHubActions(env) ? annotation('warning', message) : `shardwise: warning: ${message}`;
}

/** Whether the process runs on GitHub Actions, where warnings and errors are annotations. */
export function onGitHubActions(env: Readonly<Record<string, string | undefined>>): boolean {
  return env[ENV.githubActions] === 'true';
}

/**
 * The one GitHub Actions annotation (`::warning title=shardwise::…`) every front end prints, its data
 * escaped as the runner reads it (`%`, `\r`, `\n`), so that a message stays one annotation.
 *
 * @example
 * annotation('error', 'a\nb', 'shardwise coverage'); // '::error title=shardwise coverage::a%0Ab'
 */
export function annotation(
  level: 'warning' | 'error' | 'notice',
  message: string,
  title = 'shardwise',
): string {
  const data = message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  return `::${level} title=${title}::${data}`;
}
