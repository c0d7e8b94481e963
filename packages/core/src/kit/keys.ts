import { normalizePath, unitKey } from '../base/paths.js';

/**
 * A test file's unit key, the one rule of every front end: its POSIX path relative to the root, prefixed
 * `project|` when the run has several projects (the same file in two projects is two units). A run with
 * one project keeps plain paths, so that adding a runner's project name never rekeys a store.
 *
 * @example
 * fileKey('/repo/a/x.test.ts', '/repo', 'unit', true); // 'unit|a/x.test.ts'
 * fileKey('/repo/a/x.test.ts', '/repo', 'unit', false); // 'a/x.test.ts'
 */
export function fileKey(file: string, root: string, project: string | undefined, several: boolean): string {
  const rel = normalizePath(file, root);
  return several && project ? unitKey(project, rel) : rel;
}
