import { EXIT_CODES, JOB_START_ENV, jobStartMs } from '@shardwise/core/light';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { predictedMs, ShardwiseError, shardOf, shareRunShard } from '@shardwise/core';
import { formatMs } from '../format.js';
import type { Context } from '../context.js';
import { cliSettings } from '../inputs.js';
import { usageError, type CommandLine } from '../options.js';
import { planShard } from '../planning.js';
import { appendStepSummary, planMarkdown } from '../summary.js';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `shard run -- COMMAND [ARGS...]`: runs COMMAND with this shard's files appended as separate arguments.
 * No shell is involved, so spaces, quotes and emoji in paths reach the command intact. Standard streams,
 * signals and the exit code are forwarded; an empty shard does not start the command.
 */
export async function runCommand(ctx: Context, line: CommandLine): Promise<number> {
  const { values, positionals, rest } = line;
  if (rest === undefined || rest.length === 0) {
    throw usageError(
      `shard run needs the command after --, e.g. \`shard run --shard 1/4 -- npx jest --runTestsByPath\`${positionals.length > 0 ? ` (got ${positionals.join(' ')} before any --)` : ''}`,
    );
  }
  if (values.queue) return (await import('./run-queue.js')).runQueueCommand(ctx, line, rest);
  const settings = cliSettings(values, ctx);
  // `node --test` lists other files than Jest and Vitest do, and has its own wall model.
  const runner = values.runner ?? (isNodeTest(rest) ? 'node-test' : undefined);
  const given = runner === undefined ? values : { ...values, runner };
  const { spec, planned, files } = await planShard(ctx, 'run', given, positionals, settings);
  const { plan } = planned.run;
  await appendStepSummary(
    ctx,
    planMarkdown(plan, `shardwise: shard ${spec.index}/${spec.count} (${files.length} files)`, spec.index),
  );
  if (files.length === 0) {
    ctx.note(`shard ${spec.index}/${spec.count} has no test files; not running ${rest[0]}`);
    return EXIT_CODES.ok;
  }
  const [command, ...args] = rest as [string, ...string[]];
  ctx.debug(
    `spawn ${command} with ${args.length} argument(s) and ${files.length} file(s) in ${settings.root}`,
  );
  // The job's clock starts here, not when the runner starts: the runner's plugin reports the wall from
  // this mark, so `shard merge` compares the prediction with what the CI job really spent.
  const started = jobStartMs(ctx.io.env);
  // The shard and its plan, for a reporter that is handed the files and cannot see the shard itself.
  const shared = await shareRunShard(spec, plan);
  const env = { ...ctx.io.env, [JOB_START_ENV]: String(started), ...shared.env };
  try {
    const code = await spawnForwarding(ctx, command, [...args, ...files], settings.root, env);
    const shard = shardOf(plan, spec.index);
    const predicted = predictedMs(plan, shard);
    ctx.note(
      `shard ${spec.index}/${spec.count} took ${formatMs(Date.now() - started)} (predicted ${formatMs(predicted)}${shard.wallMs === undefined ? ', files only: no wall model learned yet' : ''})`,
    );
    return code;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'E2BIG') throw error;
    // Too many paths for one command line (about 2 MB of arguments on Linux, ~50,000 files).
    throw new ShardwiseError(
      'COMMAND_TOO_LONG',
      `shard run: shard ${spec.index}/${spec.count} has ${files.length} files, too many for one command line`,
      {
        cause: error,
        hint: {
          kind: 'text',
          text: `pipe them instead: \`shard files ${filesArgs(line)} -0 | xargs -0 ${rest.map(shellQuote).join(' ')}\`, or shard with the Jest or Vitest plugin, which needs no file list`,
        },
      },
    );
  } finally {
    await shared.remove();
  }
}

/** `node [node options] --test …`: Node's own test runner. */
function isNodeTest([command, ...args]: readonly string[]): boolean {
  return path.basename(command ?? '').replace(/\.exe$/i, '') === 'node' && args.includes('--test');
}

/** The arguments of this `shard run` before `--`, as `shard files` takes them (same shard, same inputs). */
function filesArgs({ values, positionals }: CommandLine): string {
  const args: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === true) args.push(`--${name}`);
    else if (typeof value === 'string') args.push(`--${name}`, value);
  }
  return [...args, ...positionals].map(shellQuote).join(' ');
}

/** An argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
function shellQuote(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Spawns without a shell and resolves to the child's exit code (128 + signal number when killed). */
export function spawnForwarding(
  ctx: Context,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { io } = ctx;
  // In a real process the child shares our stdio; in-process tests collect its output through pipes.
  const inherit = io.stdout === process.stdout && io.stderr === process.stderr;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: inherit ? 'inherit' : ['inherit', 'pipe', 'pipe'],
    });
    if (!inherit) {
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => io.stdout.write(chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => io.stderr.write(chunk));
    }
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const cleanup = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new ShardwiseError(
          error.code === 'ENOENT' ? 'COMMAND_NOT_FOUND' : 'COMMAND_FAILED',
          error.code === 'ENOENT'
            ? `shard run: command not found: ${command} (no shell is used; on Windows name the .cmd, e.g. npx.cmd)`
            : `shard run: cannot start ${command} (${error.message})`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      cleanup();
      if (signal) {
        ctx.debug(`${command} was killed by ${signal}`);
        resolve(128 + (constants.signals[signal] ?? 0));
      } else resolve(code ?? 1);
    });
  });
}
