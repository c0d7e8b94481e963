import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import {
  EXIT_CODES,
  exitCodeOf,
  formatError,
  isDebugEnabled,
  isShardwiseError,
  type Hint,
} from '@shardwise/core/planning';
import { createContext, type Context } from './context.js';
import { processIo, type CliIo } from './io.js';
import { helpText, parseCommandLine, type CommandLine, type CommandName } from './options.js';

type Command = (ctx: Context, line: CommandLine) => Promise<number>;

// Each command is its own module, loaded on demand: `shard files` never loads the merge, the XML parser or
// the progress bar.
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  plan: async () => (await import('./commands/plan.js')).planCommand,
  matrix: async () => (await import('./commands/matrix.js')).matrixCommand,
  files: async () => (await import('./commands/files.js')).filesCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  merge: async () => (await import('./commands/merge.js')).mergeCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  flaky: async () => (await import('./commands/flaky.js')).flakyCommand,
  quarantine: async () => (await import('./commands/quarantine.js')).quarantineCommand,
  queue: async () => (await import('./commands/queue.js')).queueCommand,
};

/**
 * Runs the `shard` CLI and resolves to its exit code: 0 ok, 1 failure (e.g. coverage), 2 usage or input
 * error. Never calls `process.exit`, so tests run it in-process with a fake {@link CliIo}.
 *
 * @example
 * const code = await main(['files', '--shard', '1/4', '--files-from', 'list.txt']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // --verbose is read before parsing, so that even a usage error can show its internals (but not from the
  // arguments of the command `shard run` runs, after `--`).
  const end = argv.indexOf('--');
  const ours = end === -1 ? argv : argv.slice(0, end);
  const ctx = createContext(io, isDebugEnabled(io.env) || ours.includes('--verbose'));
  let command: CommandName | undefined;
  try {
    const line = parseCommandLine(argv);
    command = line.command;
    if (line.values.version) {
      io.stdout.write(`${version()}\n`);
      return EXIT_CODES.ok;
    }
    if (line.values.help) {
      io.stdout.write(helpText(line.command));
      return EXIT_CODES.ok;
    }
    if (line.command === undefined) {
      // `shard` alone is a usage error: the help goes to stderr, so nothing reads it as a result.
      io.stderr.write(helpText(undefined));
      return EXIT_CODES.input;
    }
    const run = await LOADERS[line.command]();
    ctx.debug(`command ${line.command}`);
    return await run(ctx, line);
  } catch (error) {
    return reportError(ctx, error, command);
  }
}

/** Prints an error in one line (a user error) or with its stack (a bug); returns the exit code. */
function reportError(ctx: Context, error: unknown, command: CommandName | undefined): number {
  const { err, io } = ctx;
  if (isShardwiseError(error)) {
    io.stderr.write(
      `${err.red(err.bold('error'))} ${formatError(error, (hint) => cliHint(hint, command))}\n`,
    );
    if (ctx.verbose && error.cause) io.stderr.write(`${inspect(error.cause)}\n`);
    return exitCodeOf(error);
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `${err.red(err.bold('internal error'))} (this is a bug in shardwise; please report it with the output below)\n${stack}\n`,
  );
  return EXIT_CODES.internal;
}

/** Core's hints in the CLI's terms: only the commands that plan take --no-timings. */
function cliHint(hint: Hint, command: CommandName | undefined): string | undefined {
  const plans = command === 'plan' || command === 'files' || command === 'run';
  if (hint.kind === 'store') {
    return plans
      ? 'fix it, delete it to start over, or plan without it (--no-timings)'
      : 'fix it, or delete it to start over';
  }
  return undefined;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
