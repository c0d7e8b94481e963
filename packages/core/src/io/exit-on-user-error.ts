import { exitCodeOf, formatError, isShardwiseError, type HintRenderer } from '../base/errors.js';

/**
 * Ends a runner's run on a user error (a bad store, option or pinned plan) the way the CLI does: one line
 * on stderr and the exit code of core's table (2 for input, 3 for the environment), with no stack trace
 * and no runner error box. Jest and Vitest both print a stack, a box, or their own exit code (Jest's 1,
 * the code of failing tests) for anything a plugin throws. Anything else is a bug: rethrown, so that the
 * runner shows its stack.
 *
 * The process ends once the line is written (stderr may be an asynchronous pipe). The returned promise
 * never settles, so a runner that awaits the hook that called this runs nothing in the meantime. `render`
 * words the fix in the runner's terms where core's neutral words would name the wrong command.
 */
export function exitOnUserError(error: unknown, render?: HintRenderer): Promise<never> {
  if (!isShardwiseError(error)) throw error;
  process.exitCode = exitCodeOf(error);
  process.stderr.write(`shardwise: ${formatError(error, render)}\n`, () => process.exit());
  return new Promise<never>(() => {});
}
