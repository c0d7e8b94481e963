// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { testFileOf } from '@shardwise/core/planning';
import { DEFAULT_PATTERNS, DEFAULT_SOURCE } from './inputs.js';

/** The fix when the test file patterns miss files the runner runs: its own patterns, or its own list. */
const PATTERNS_FIX =
  "pass the runner's own patterns, or its list (e.g. `npx jest --listTests | shard … --files-from -`, `npx vitest list --filesOnly`)";

/**
 * Why a store's keys miss the listed test files, and the fix, for `shard plan`/`files`/`run` and
 * `shard check` alike (one wording, so the two never disagree):
 * - keyed by project (`name|path`): the runner plugins wrote it for a multi-project config;
 * - the store's files exist but the patterns did not list them: the runner finds other files than the
 *   CLI's patterns (a custom `include` or `testMatch`);
 * - otherwise the keys are rooted elsewhere.
 */
export async function matchHint(
  root: string,
  match: { entries: number; projectKeyed: number; unmatched: readonly string[] },
): Promise<string> {
  if (match.projectKeyed * 2 >= match.entries) {
    return 'The store is keyed by project ("name|path"), as the runner plugins write it for several projects: shard through the plugin (`jest --shard`, `vitest run --shard`), which knows the projects.';
  }
  if (await mostExist(root, match.unmatched)) {
    return `The store's files exist under ${root}, but the test file patterns did not list them: ${PATTERNS_FIX}.`;
  }
  return 'Pass --root, or rebuild the store with `shard merge`.';
}

/**
 * The warning for a store that knows many files the listing left out (core's `unlisted-entries`), when
 * those files exist: the patterns miss part of the suite. Undefined when they are gone (entries of deleted
 * files, which `shard check` lists as stale).
 */
export async function unlistedWarning(
  root: string,
  source: string,
  storeName: string,
  d: {
    match: { files: number; timed: number; entries: number };
    unlisted: number;
    sample: readonly string[];
  },
): Promise<string | undefined> {
  if (!(await mostExist(root, d.sample))) return undefined;
  // Name the patterns themselves: "the default test patterns" says nothing of what they match.
  if (source === DEFAULT_SOURCE) source = `the default test patterns (${DEFAULT_PATTERNS.join(', ')})`;
  return (
    `${storeName} knows ${d.unlisted} test files that exist under ${root} but ${source} did not list (e.g. ${testFileOf(d.sample[0]!)}): ` +
    `only ${d.match.timed} of its ${d.match.entries} entries match one of the ${d.match.files} listed files, so the rest of the suite is not planned; ${PATTERNS_FIX}`
  );
}

/** Whether at least half of (up to 20 of) these store keys name a file under the root. */
async function mostExist(root: string, keys: readonly string[]): Promise<boolean> {
  const sample = keys.slice(0, 20);
  const exist = await Promise.all(
    sample.map((key) =>
      fs.stat(path.join(root, testFileOf(key))).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return sample.length > 0 && exist.filter(Boolean).length * 2 >= sample.length;
}
