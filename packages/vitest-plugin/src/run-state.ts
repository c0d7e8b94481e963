import type { RunPlan, Settings } from '@shardwise/core';
import { exitCodeOf, formatError, isShardwiseError, normalizePath, unitKey } from '@shardwise/core/light';
import type { Vitest } from 'vitest/node';

/** The plan the sequencer computed for this run, which the reporter writes into its report. */
export interface PlannedRun {
  run: RunPlan;
  /** The file list was narrowed (path filters, `--changed`, `--related`, `--project`). */
  partial: boolean;
}

/**
 * What the sequencer and the reporter of one Vitest instance share. Both live in Vitest's main process,
 * so a plain object closed over by both is enough: no files, no environment variables.
 */
export interface RunState {
  vitest: Vitest;
  options: Settings;
  planned?: PlannedRun;
  /** Planning threw: the run did not execute the planned shard, so no report is written. */
  planningFailed?: boolean;
}

/**
 * The unit key of a test file: its POSIX path relative to the Vitest root (not the project root, so
 * that keys do not depend on how projects are laid out), prefixed `project|` when the workspace has
 * several projects. A `--project` filter keeps the prefix, so keys stay the same in filtered runs.
 */
export function keyOf(vitest: Vitest, projectName: string, moduleId: string): string {
  const rel = normalizePath(moduleId, vitest.config.root);
  return hasSeveralProjects(vitest) ? unitKey(projectName, rel) : rel;
}

function hasSeveralProjects(vitest: Vitest): boolean {
  return vitest.projects.length > 1 || (vitest.config.project?.length ?? 0) > 0;
}

/** Prints one diagnostic line on stderr (stdout may carry `vitest list --json`). */
export function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
}

/**
 * Ends the run on a user error (a bad store, option or pinned plan) the way Jest and the CLI do: one line
 * on stderr and exit 2 (3 when the environment failed), with no stack and no "Unhandled Errors" box, which
 * is what Vitest prints for anything a plugin or sequencer throws. Anything else is a bug: rethrown, so
 * that Vitest shows its stack.
 */
export function exitOnUserError(error: unknown): Promise<never> {
  if (!isShardwiseError(error)) throw error;
  process.exitCode = exitCodeOf(error);
  // Exit once the line is written (stderr may be an asynchronous pipe). The promise never settles, so a
  // caller that awaits it (Vitest awaits its plugin hooks and the sequencer) runs nothing in the meantime.
  process.stderr.write(`shardwise: ${formatError(error)}\n`, () => process.exit());
  return new Promise<never>(() => {});
}
