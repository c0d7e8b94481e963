/** The plugin's options, checked in-process: defaults, the environment, and one clear error per mistake. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateOptions, type ShardwiseVitestOptions } from '../src/options.js';

const root = path.resolve('/repo');

describe('shardwise() options', () => {
  it('defaults to shard-timings.json and .shardwise/reports in the Vitest root, mean estimator', () => {
    expect(validateOptions({})(root, {})).toEqual({
      root,
      timingsPath: path.join(root, 'shard-timings.json'),
      reportsDir: path.join(root, '.shardwise/reports'),
      estimator: 'mean',
      stability: undefined,
    });
  });

  it('resolves paths against the root, and SHARDWISE_TIMINGS / SHARDWISE_REPORTS_DIR override them', () => {
    const resolve = validateOptions({ timings: 'ci/t.json', reportsDir: 'out', stability: 'ci/plan.json' });
    expect(resolve(root, {})).toMatchObject({
      timingsPath: path.join(root, 'ci/t.json'),
      reportsDir: path.join(root, 'out'),
      stability: path.join(root, 'ci/plan.json'),
    });
    expect(resolve(root, { SHARDWISE_TIMINGS: '/abs/t.json', SHARDWISE_REPORTS_DIR: 'r' })).toMatchObject({
      timingsPath: path.resolve('/abs/t.json'),
      reportsDir: path.join(root, 'r'),
    });
    // An empty variable is no override.
    expect(resolve(root, { SHARDWISE_TIMINGS: '' }).timingsPath).toBe(path.join(root, 'ci/t.json'));
  });

  it.each([
    ['median', 'median'],
    ['a number of ms as text', '2500', { fixedMs: 2500 }],
    ['{ fixedMs }', { fixedMs: 0 }, { fixedMs: 0 }],
  ] as const)('accepts the estimator %s', (_, estimator, expected: unknown = estimator) => {
    expect(validateOptions({ estimator } as ShardwiseVitestOptions)(root, {}).estimator).toEqual(expected);
  });

  it.each([
    [
      'an unknown option',
      { timing: 'x.json' },
      /shardwise\(\{ timing \}\): unknown option; expected one of timings/,
    ],
    ['an empty path', { timings: '' }, /shardwise\(\{ timings \}\): expected a non-empty path, got ""/],
    ['an unknown estimator', { estimator: 'avg' }, /estimator.*expected mean, median, p90 .*got "avg"/],
    ['a negative fixed estimate', { estimator: { fixedMs: -1 } }, /shardwise\(\{ estimator \}\)/],
    ['a malformed previous plan', { stability: { shards: [{}] } }, /shardwise\(\{ stability \}\): expected/],
    ['not an object', 'fast', /shardwise\(\): expected an object of options, got "fast"/],
  ])('rejects %s with one line naming the option', (_, options, message) => {
    expect(() => validateOptions(options as ShardwiseVitestOptions)).toThrow(message);
  });
});
