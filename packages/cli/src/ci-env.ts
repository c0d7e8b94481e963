import { ENV, parseShardSpec, ShardwiseError, type ShardSpec } from '@shardwise/core/planning';

/** A CI provider's parallel-job variables. `base` is the index of the first job (0 or 1). */
export interface CiProvider {
  name: string;
  index: string;
  total: string;
  base: 0 | 1;
}

/**
 * The CI systems whose parallel jobs shardwise detects, in the order they are tried. GitHub Actions has no
 * such variables: pass `--shard ${{ matrix.shard }}/N` from a matrix.
 */
export const CI_PROVIDERS: readonly CiProvider[] = [
  { name: 'GitLab CI', index: 'CI_NODE_INDEX', total: 'CI_NODE_TOTAL', base: 1 },
  { name: 'CircleCI', index: 'CIRCLE_NODE_INDEX', total: 'CIRCLE_NODE_TOTAL', base: 0 },
  { name: 'Buildkite', index: 'BUILDKITE_PARALLEL_JOB', total: 'BUILDKITE_PARALLEL_JOB_COUNT', base: 0 },
  { name: 'Semaphore', index: 'SEMAPHORE_JOB_INDEX', total: 'SEMAPHORE_JOB_COUNT', base: 1 },
  { name: 'Azure Pipelines', index: 'SYSTEM_JOBPOSITIONINPHASE', total: 'SYSTEM_TOTALJOBSINPHASE', base: 1 },
  {
    name: 'Bitbucket Pipelines',
    index: 'BITBUCKET_PARALLEL_STEP',
    total: 'BITBUCKET_PARALLEL_STEP_COUNT',
    base: 0,
  },
];

/** A shard and where it came from, for the one line that says so. */
export interface ShardSource {
  spec: ShardSpec;
  /** `--shard`, `SHARDWISE_SHARD`, or e.g. `CircleCI (CIRCLE_NODE_INDEX=0, CIRCLE_NODE_TOTAL=4, 0-based)`. */
  source: string;
  fromEnv: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The shard to run: `--shard` first, then `SHARDWISE_SHARD`, then the CI's parallel-job variables. Returns
 * `undefined` when none is set; throws a one-line {@link ShardwiseError} naming the variable when one is
 * set to something invalid.
 *
 * @example
 * resolveShard(undefined, { CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '4' })?.spec // { index: 1, count: 4 }
 */
export function resolveShard(flag: string | undefined, env: Env): ShardSource | undefined {
  if (flag !== undefined) return { spec: parseShardSpec(flag, '--shard'), source: '--shard', fromEnv: false };
  const own = env[ENV.shard];
  if (own !== undefined && own !== '') {
    return { spec: parseShardSpec(own, ENV.shard), source: ENV.shard, fromEnv: true };
  }
  return detectCiShard(env);
}

/** The shard from a CI provider's parallel-job variables, or `undefined` when none is set. */
export function detectCiShard(env: Env): ShardSource | undefined {
  for (const ci of CI_PROVIDERS) {
    const indexText = env[ci.index];
    if (indexText === undefined || indexText === '') continue;
    const totalText = env[ci.total];
    const base = ci.base === 0 ? ', 0-based' : '';
    const seen = `${ci.index}=${JSON.stringify(indexText)}${totalText === undefined ? '' : `, ${ci.total}=${JSON.stringify(totalText)}`}`;
    const fail = (problem: string) =>
      new ShardwiseError(
        'INVALID_SHARD',
        `${ci.name} (${seen}${base}): ${problem}; fix the CI configuration or pass --shard I/N`,
      );
    if (totalText === undefined || totalText === '') throw fail(`${ci.index} is set but ${ci.total} is not`);
    if (!/^\d+$/.test(indexText.trim())) throw fail(`${ci.index} must be a whole number`);
    if (!/^\d+$/.test(totalText.trim())) throw fail(`${ci.total} must be a whole number`);
    const total = Number(totalText);
    const index = Number(indexText) + 1 - ci.base;
    if (total < 1) throw fail(`${ci.total} must be at least 1`);
    if (index < 1 || index > total) {
      throw fail(`${ci.index} must be between ${ci.base} and ${total - 1 + ci.base}`);
    }
    return {
      spec: { index, count: total },
      source: `${ci.name} (${ci.index}=${indexText}, ${ci.total}=${totalText}${base})`,
      fromEnv: true,
    };
  }
  return undefined;
}
