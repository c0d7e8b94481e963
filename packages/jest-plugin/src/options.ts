import fs from 'node:fs';
import path from 'node:path';
import { ShardwiseError, parseEstimator, type Estimator } from '@shardwise/core';

/** The sidecar file, next to the Jest config in the global `rootDir`, that holds the plugin's options. */
export const CONFIG_FILE = 'shardwise.config.json';

/**
 * The options of `@shardwise/jest`. Each comes from an environment variable, else from
 * `shardwise.config.json` in Jest's `rootDir`, else its default. Paths from the environment are relative to
 * the current directory; paths in the config file are relative to the file.
 */
export interface ShardwiseJestOptions {
  /**
   * The timing store that plans the shards. Env `SHARDWISE_TIMINGS`, config `timings`.
   * @default '<rootDir>/shard-timings.json'
   */
  timings: string;
  /**
   * Where each run writes its report for `shard merge`. Env `SHARDWISE_REPORTS_DIR`, config `reportsDir`.
   * @default '<rootDir>/.shardwise/reports'
   */
  reportsDir: string;
  /**
   * How files with no recorded time are estimated: `mean`, `median`, `p90` or a number of ms.
   * Env `SHARDWISE_ESTIMATOR`, config `estimator`.
   * @default 'mean'
   */
  estimator: Estimator;
  /**
   * The stability option: a previous plan (`shard plan --json` output, or a shardwise report) to start from,
   * so small timing drifts move few files between shards. Env `SHARDWISE_PREVIOUS`, config `previous`.
   * @default undefined
   */
  previous: string | undefined;
  /**
   * Whether runs write a report. Env `SHARDWISE_RECORD` (`0`/`false` turns it off), config `record`.
   * @default true
   */
  record: boolean;
}

const KEYS = ['timings', 'reportsDir', 'estimator', 'previous', 'record'] as const;

/**
 * Resolves the options for a Jest run rooted at `rootDir`. Throws a {@link ShardwiseError} naming the
 * variable or the config key when a value is invalid.
 *
 * @example
 * resolveOptions('/repo', { SHARDWISE_TIMINGS: 'ci/timings.json' }).timings // '<cwd>/ci/timings.json'
 */
export function resolveOptions(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): ShardwiseJestOptions {
  const file = path.join(rootDir, CONFIG_FILE);
  const config = readConfigFile(file);
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const envPath = (name: string) => {
    const value = fromEnv(name);
    return value === undefined ? undefined : path.resolve(cwd, value);
  };
  const configPath = (key: 'timings' | 'reportsDir' | 'previous') => {
    const value = config[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${file}: "${key}": expected a path, got ${JSON.stringify(value)}`,
      );
    }
    return path.resolve(rootDir, value);
  };

  const estimatorText = fromEnv('SHARDWISE_ESTIMATOR');
  let estimator: Estimator = 'mean';
  if (estimatorText !== undefined) estimator = parseEstimator(estimatorText, 'SHARDWISE_ESTIMATOR');
  else if (config.estimator !== undefined)
    estimator = parseEstimator(String(config.estimator), `${file}: "estimator"`);

  const recordText = fromEnv('SHARDWISE_RECORD');
  let record = true;
  if (recordText !== undefined) record = parseBoolean(recordText, 'SHARDWISE_RECORD');
  else if (config.record !== undefined) {
    if (typeof config.record !== 'boolean') {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${file}: "record": expected true or false, got ${JSON.stringify(config.record)}`,
      );
    }
    record = config.record;
  }

  return {
    timings:
      envPath('SHARDWISE_TIMINGS') ?? configPath('timings') ?? path.join(rootDir, 'shard-timings.json'),
    reportsDir:
      envPath('SHARDWISE_REPORTS_DIR') ??
      configPath('reportsDir') ??
      path.join(rootDir, '.shardwise', 'reports'),
    estimator,
    previous: envPath('SHARDWISE_PREVIOUS') ?? configPath('previous'),
    record,
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ShardwiseError('INVALID_OPTION', `${file}: cannot read (${(error as Error).message})`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ShardwiseError('INVALID_OPTION', `${file}: invalid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `${file}: expected an object such as {"timings": "ci/timings.json"}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ShardwiseError(
        'INVALID_OPTION',
        `${file}: unknown option "${key}"; expected one of ${KEYS.map((k) => `"${k}"`).join(', ')}`,
      );
    }
  }
  return value as Record<string, unknown>;
}

function parseBoolean(text: string, source: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  throw new ShardwiseError('INVALID_OPTION', `${source}: expected 1/true or 0/false, got "${text}"`);
}
