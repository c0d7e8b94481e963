import type { RunPlan, Settings } from '@shardwise/core';
import { nameFilter, normalizePath, unitKey, type TestFilter } from '@shardwise/core/light';
import type { Vitest } from 'vitest/node';

/** The plan the sequencer computed for this run, which the reporter writes into its report. */
export interface PlannedRun {
  run: RunPlan;
  /** The file list was narrowed (path filters, `--changed`, `--related`, `--project`). */
  partial: boolean;
  /** This shard's pieces of split files, by unit key: which piece, and the test-name filter it runs. */
  pieces: Map<string, { piece: number; of: number; pattern: RegExp }>;
}

/**
 * What the sequencer and the reporter of one Vitest instance share. Both live in Vitest's main process,
 * so a plain object closed over by both is enough: no files, no environment variables.
 */
export interface RunState {
  vitest: Vitest;
  options: Settings;
  /** Split files into pieces when that pays (Vitest ≥ 4.1; the `splitTests` option). */
  splitTests: boolean;
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

/**
 * The run's test-name filter: `-t` and `testNamePattern` in the config are one setting to Vitest (a
 * RegExp in its resolved config), matched against a test's names joined by a space.
 */
export function testFilterOf(vitest: Vitest): TestFilter | undefined {
  const pattern = vitest.config.testNamePattern;
  return pattern ? nameFilter(`testNamePattern ${String(pattern)}`, pattern) : undefined;
}

/** Prints one diagnostic line on stderr (stdout may carry `vitest list --json`). */
export function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
}

export { exitOnUserError } from '@shardwise/core/light';
