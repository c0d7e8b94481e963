// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { splitUnitKey } from '@shardwise/core/planning';

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
  const sample = match.unmatched.slice(0, 20);
  const exist = await Promise.all(
    sample.map((key) =>
      fs.stat(path.join(root, splitUnitKey(key).path)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  if (sample.length > 0 && exist.filter(Boolean).length * 2 >= sample.length) {
    return `The store's files exist under ${root}, but the test file patterns did not list them: pass the runner's own patterns, or its list (e.g. \`npx jest --listTests | shard … --files-from -\`, \`npx vitest list --filesOnly\`).`;
  }
  return 'Pass --root, or rebuild the store with `shard merge`.';
}
