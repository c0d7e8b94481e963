// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import path from 'node:path';
import { normalizeUnitKey, parsePathRule, selectChanged, type ChangeSelection } from '@shardwise/core';
import { askRunner, changedFiles, graphRunnerOf } from './changes.js';
import type { Context } from './context.js';
import { listFiles } from './inputs.js';
import { usageError, type OptionValues } from './options.js';

/**
 * `--changed REF`: what changed (git), which tests the project's runner says depend on it (Vitest, Jest)
 * or the `--related` rules say (any other runner: the files come from the patterns), and core's selection.
 */
export async function selectForChange(
  ctx: Context,
  values: OptionValues,
  globs: readonly string[],
  root: string,
  ref: string,
  /** Absolute paths of shardwise's own files (a directory ends in `/`): never a change. */
  own: readonly string[],
): Promise<ChangeSelection> {
  const rules = (values.related ?? []).map((r) => parsePathRule(r, '--related'));
  const runner = graphRunnerOf(root, values.runner);
  if (runner && rules.length > 0) {
    throw usageError(
      `--related is for runners without a dependency graph; ${runner} has one (drop --related, or pass --runner for another runner)`,
    );
  }
  if (runner && (globs.length > 0 || values['files-from'] !== undefined)) {
    throw usageError(`--changed asks ${runner} for its test files; drop the patterns and --files-from`);
  }
  const changed = await changedFiles(root, ref);
  ctx.debug(`--changed ${ref}: ${changed.root.length} changed files`);
  const base = {
    ref,
    changed: changed.root,
    changedFromTop: changed.top,
    ownPaths: own.map((p) => path.relative(root, p).split(path.sep).join('/') + (p.endsWith('/') ? '/' : '')),
    ...(values['full-on'] ? { fullOn: values['full-on'] } : {}),
  };
  if (runner) {
    const started = performance.now();
    const answer = await askRunner(
      runner,
      root,
      changed.root.map((f) => path.resolve(root, f)),
    );
    ctx.debug(
      `${runner}: ${answer.tests.length} tests, ${answer.graph.related.length} related in ${Math.round(performance.now() - started)} ms`,
    );
    return selectChanged({ ...base, tests: answer.tests, graph: answer.graph });
  }
  const listed = await listFiles(values, globs, root, ctx);
  return selectChanged({
    ...base,
    tests: listed.files.map((f) => normalizeUnitKey(f, root)),
    rules,
    ...(values.runner === undefined ? {} : { runner: values.runner }),
  });
}
