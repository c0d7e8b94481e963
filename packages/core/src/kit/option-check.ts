import { ShardwiseError } from '../base/errors.js';
import { describe, resolveSettings, type Settings, type SettingValues } from '../base/settings.js';
import { settingsFor, type FrontEnd, type SettingKind } from '../base/settings-table.js';

/** How a front end names its options in messages. */
export interface OptionNaming {
  /** The options as a whole: `shardwise()`, `['@shardwise/playwright', options]`, a config file's path. */
  whole: string;
  /** One option: `shardwise({ timings })`, `shardwise.config.json: "timings"`. */
  key: (key: string) => string;
}

/** Resolves a run's settings once its root is known: flags aside, the environment over the options. */
export type SettingsResolver = (
  root: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd?: string,
) => Settings;

/** Former names, refused with the new one so that an old config fails loudly instead of being ignored. */
const RENAMED: Record<string, string> = { stability: 'previous' };

/**
 * Checks the options a user gave a front end against the settings table ({@link settingsFor}): an object,
 * only the keys this front end takes, each of the right kind (the resolver checks estimators and worker
 * counts), and returns a resolver that applies core's settings rules to them once the root is known.
 * Values that can be checked without the root (the estimator, the workers) are checked now, so that a bad
 * option fails when the config loads. Throws a {@link ShardwiseError} (`INVALID_OPTION`) naming the option.
 *
 * @example
 * const resolve = checkOptions('vitest', { timings: 'ci/t.json' }, { whole: 'shardwise()', key: (k) => `shardwise({ ${k} })` });
 * resolve('/repo', process.env).timings?.path; // '/repo/ci/t.json'
 */
export function checkOptions(frontEnd: FrontEnd, raw: unknown, naming: OptionNaming): SettingsResolver {
  const values = optionValues(frontEnd, raw, naming);
  const resolve: SettingsResolver = (root, env, cwd = process.cwd()) =>
    resolveSettings({ root, cwd, env, config: { values, base: root, name: naming.key } });
  resolve('/', {});
  return resolve;
}

/** The options, checked as {@link checkOptions} does; what the front end reads itself (`splitTests`) too. */
export function optionValues(frontEnd: FrontEnd, raw: unknown, naming: OptionNaming): SettingValues {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid(naming.whole, 'expected an object of options', raw);
  }
  const rows = settingsFor(frontEnd);
  for (const [key, value] of Object.entries(raw)) {
    const renamed = RENAMED[key];
    if (renamed) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${naming.key(key)}: renamed; write ${naming.key(renamed)} instead`,
      );
    }
    const row = rows.find((r) => r.key === key);
    if (!row) {
      const known = rows.map((r) => r.key).join(', ');
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${naming.key(key)}: unknown option; expected one of ${known}`,
      );
    }
    const problem = value === undefined ? undefined : PROBLEM[row.kind](value);
    if (problem) throw invalid(naming.key(key), problem, value);
  }
  return raw;
}

const isPath = (value: unknown) => typeof value === 'string' && value.trim() !== '';

/** What is wrong with a value of each kind, or undefined; the resolver checks what it parses. */
const PROBLEM: Record<SettingKind, (value: unknown) => string | undefined> = {
  path: (value) => (isPath(value) ? undefined : 'expected a non-empty path'),
  boolean: (value) => (typeof value === 'boolean' ? undefined : 'expected true or false'),
  previous: (value) =>
    isPath(value) || (typeof value === 'object' && value !== null && !Array.isArray(value))
      ? undefined
      : 'expected a file path or a plan like { shards: [{ files: [...] }] }',
  estimator: () => undefined,
  workers: () => undefined,
};

function invalid(where: string, expected: string, got: unknown): ShardwiseError {
  return new ShardwiseError('INVALID_OPTION', `${where}: ${expected}, got ${describe(got)}`);
}
