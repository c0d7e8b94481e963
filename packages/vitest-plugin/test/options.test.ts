/** The plugin's options, checked in-process: defaults, the environment, and one clear error per mistake. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunInputs } from '@shardwise/core';
import { validateOptions, type ShardwiseVitestOptions } from '../src/options.js';

const root = path.resolve('/repo');

describe('shardwise() options', () => {
  it('defaults to shard-timings.json and .shardwise/reports in the Vitest root, mean estimator', () => {
    expect(validateOptions({})(root, {}, '/cwd')).toEqual({
      root,
      timings: { path: path.join(root, 'shard-timings.json'), explicit: false, source: 'default' },
      reportsDir: path.join(root, '.shardwise/reports'),
      estimator: 'mean',
      previous: undefined,
      plan: undefined,
      record: true,
      requireTimings: false,
      quarantine: path.join(root, 'shard-quarantine.json'),
      history: path.join(root, 'shard-history.json'),
      debug: false,
    });
  });

  it('resolves option paths against the root; the environment overrides them, relative to the cwd', () => {
    const resolve = validateOptions({ timings: 'ci/t.json', reportsDir: 'out', previous: 'ci/plan.json' });
    expect(resolve(root, {}, '/cwd')).toMatchObject({
      timings: { path: path.join(root, 'ci/t.json') },
      reportsDir: path.join(root, 'out'),
      previous: { path: path.join(root, 'ci/plan.json') },
    });
    const cwd = path.resolve('/cwd');
    expect(
      resolve(root, { SHARDWISE_TIMINGS: '/abs/t.json', SHARDWISE_REPORTS_DIR: 'r' }, cwd),
    ).toMatchObject({
      timings: { path: path.resolve('/abs/t.json') },
      // Relative to the current directory, as in the CLI and the Jest plugin (not the Vitest root).
      reportsDir: path.join(cwd, 'r'),
    });
    // An empty variable is no override.
    expect(resolve(root, { SHARDWISE_TIMINGS: '' }).timings?.path).toBe(path.join(root, 'ci/t.json'));
  });

  it('a malformed inline previous plan fails when planning reads it, naming the option', async () => {
    const settings = validateOptions({ previous: { shards: [{}] } as never })(root, {}, '/cwd');
    await expect(readRunInputs({ ...settings, timings: undefined })).rejects.toThrow(
      /^shardwise\(\{ previous \}\): not a plan \(shards\[0\]\.files/,
    );
  });

  it.each([
    ['median', 'median'],
    ['a number of ms as text', '2500', { fixedMs: 2500 }],
    ['{ fixedMs }', { fixedMs: 0 }, { fixedMs: 0 }],
  ] as const)('accepts the estimator %s', (_, estimator, expected: unknown = estimator) => {
    expect(validateOptions({ estimator })(root, {}).estimator).toEqual(expected);
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
    [
      'no workers',
      { workers: 0 },
      /shardwise\(\{ workers \}\): expected a whole number of workers from 1 to 1024, got 0/,
    ],
    [
      'the former name of previous',
      { stability: 'plan.json' },
      /shardwise\(\{ stability \}\): renamed; write shardwise\(\{ previous \}\)/,
    ],
    [
      'a previous plan that is neither',
      { previous: 3 },
      /shardwise\(\{ previous \}\): expected a file path or a plan/,
    ],
    ['not an object', 'fast', /shardwise\(\): expected an object of options, got "fast"/],
  ])('rejects %s with one line naming the option', (_, options, message) => {
    expect(() => validateOptions(options as ShardwiseVitestOptions)).toThrow(message);
  });
});
