import fs from 'node:fs';
import path from 'node:path';
import { checkOptions, parseJson, readError, ShardwiseError, type Settings } from '@shardwise/core/light';

/** The sidecar file, next to the Jest config in the global `rootDir`, that holds the plugin's options. */
export const CONFIG_FILE = 'shardwise.config.json';

/**
 * The options of `@shardwise/jest`, resolved by core's one settings resolver. Each comes from an
 * environment variable, else from `shardwise.config.json` in Jest's `rootDir`, else its default:
 * - `timings` (`SHARDWISE_TIMINGS`): the timing store. Default `<rootDir>/shard-timings.json`.
 * - `reportsDir` (`SHARDWISE_REPORTS_DIR`): where each run writes its report. Default `<rootDir>/.shardwise/reports`.
 * - `estimator` (`SHARDWISE_ESTIMATOR`): `mean` (default), `median`, `p90` or a number of ms for untimed files.
 * - `previous` (`SHARDWISE_PREVIOUS`): the stability option, a previous plan (`shard plan --json` output or
 *   a shardwise report) to start from. A named file that is missing is an error.
 * - `plan` (`SHARDWISE_PLAN`): a pinned plan (`shard plan --out`): run exactly its shard, never re-plan.
 * - `record` (`SHARDWISE_RECORD`, `0`/`false` turns it off): whether runs write a report. Default true.
 * - `quarantine` (`SHARDWISE_QUARANTINE`): tests whose failures do not fail the run. Default
 *   `<rootDir>/shard-quarantine.json`.
 *
 * Paths from the environment are relative to the current directory; paths in the config file are
 * relative to the file.
 */
export type ShardwiseJestOptions = Settings;

/**
 * Resolves the options for a Jest run rooted at `rootDir`. Throws a {@link ShardwiseError} naming the
 * variable or the config key when a value is invalid.
 *
 * @example
 * resolveOptions('/repo', { SHARDWISE_TIMINGS: 'ci/timings.json' }).timings?.path // '<cwd>/ci/timings.json'
 */
export function resolveOptions(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): ShardwiseJestOptions {
  const file = path.join(rootDir, CONFIG_FILE);
  const naming = { whole: file, key: (key: string) => `${file}: "${key}"` };
  return checkOptions('jest', readConfigFile(file), naming)(rootDir, env, cwd);
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw readError(file, error, 'config file');
  }
  // Core's JSON reader: the same "line L, column C" (and "looks truncated") as every other file we read.
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ShardwiseError('INVALID_OPTION', `${file}: invalid JSON at ${parsed.error}`, { file });
  }
  return parsed.value;
}
