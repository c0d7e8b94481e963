import {
  fileKey,
  nameFilter,
  type Plan,
  type RunPlan,
  type Settings,
  type TestFilter,
} from '@shardwise/core/light';
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
  /** An unsharded run's own plan (core's one policy), and whether the run was narrowed. */
  unsharded?: { plan: Plan; partial: boolean };
  /** Planning threw: the run did not execute the planned shard, so no report is written. */
  planningFailed?: boolean;
}

/**
 * The unit key of a test file: its POSIX path relative to the Vitest root (not the project root, so
 * that keys do not depend on how projects are laid out), prefixed `project|` when the workspace has
 * several projects. A `--project` filter keeps the prefix, so keys stay the same in filtered runs.
 */
export function keyOf(vitest: Vitest, projectName: string, moduleId: string): string {
  const several = vitest.projects.length > 1 || (vitest.config.project?.length ?? 0) > 0;
  return fileKey(moduleId, vitest.config.root, projectName, several);
}

/**
 * The run's test-name filter: `-t` and `testNamePattern` in the config are one setting to Vitest (a
 * RegExp in its resolved config), matched against a test's names joined by a space.
 */
export function testFilterOf(vitest: Vitest): TestFilter | undefined {
  const pattern = vitest.config.testNamePattern;
  return pattern ? nameFilter(`testNamePattern ${String(pattern)}`, pattern) : undefined;
}

/**
 * Whether Vitest was asked for part of the suite: a plan over part of the files proves nothing about the
 * others, so `shard merge` must not prune the store by it. Reads fields that Vitest 3.2, 4 and 5 all set;
 * a missing one counts as "not narrowed".
 */
export function isPartial(vitest: Vitest): boolean {
  const config = vitest.config;
  const filters = (vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  return Boolean(
    (filters && filters.length > 0) ||
    config.changed ||
    (config.related && config.related.length > 0) ||
    (config.project && config.project.length > 0),
  );
}
