import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDebugEnabled, resolveSettings, type SettingSource } from '../src/base/settings.js';

const root = path.resolve('/repo');
const cwd = path.resolve('/repo/ci');
const source = (values: SettingSource['values'], base: string, label: string): SettingSource => ({
  values,
  base,
  name: (key) => `${label}${key}`,
});

describe('resolveSettings', () => {
  it('defaults: the store and the reports in the root', () => {
    expect(resolveSettings({ root, cwd, env: {} })).toEqual({
      root,
      timings: { path: path.join(root, 'shard-timings.json'), explicit: false, source: 'default' },
      reportsDir: path.join(root, '.shardwise', 'reports'),
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

  it('the quarantine and the history: flag over environment over config', () => {
    const settings = resolveSettings({
      root,
      cwd,
      env: { SHARDWISE_QUARANTINE: 'q.json', SHARDWISE_HISTORY: 'h.json' },
      flags: { values: { history: 'flag.json' }, base: cwd, name: (key) => `--${key}` },
      config: { values: { quarantine: 'c.json' }, base: root, name: (key) => key },
    });
    expect([settings.quarantine, settings.history]).toEqual([
      path.join(cwd, 'q.json'),
      path.join(cwd, 'flag.json'),
    ]);
  });

  it.each([
    {
      name: 'env over config',
      flags: undefined,
      env: 'e.json',
      config: 'c.json',
      want: path.join(cwd, 'e.json'),
    },
    {
      name: 'flags over env',
      flags: 'f.json',
      env: 'e.json',
      config: undefined,
      want: path.join(cwd, 'f.json'),
    },
    {
      name: 'config alone, against its base',
      flags: undefined,
      env: undefined,
      config: 'c.json',
      want: path.join(root, 'cfg', 'c.json'),
    },
    {
      name: 'a blank env value is unset',
      flags: undefined,
      env: '  ',
      config: undefined,
      want: path.join(root, 'shard-timings.json'),
    },
  ])('timings: $name', ({ flags, env, config, want }) => {
    const settings = resolveSettings({
      root,
      cwd,
      env: env === undefined ? {} : { SHARDWISE_TIMINGS: env },
      ...(flags ? { flags: source({ timings: flags }, cwd, '--') } : {}),
      ...(config ? { config: source({ timings: config }, path.join(root, 'cfg'), 'cfg.') } : {}),
    });
    expect(settings.timings?.path).toBe(want);
  });

  it('relative paths in the environment are against the current directory, for every setting', () => {
    const settings = resolveSettings({
      root,
      cwd,
      env: { SHARDWISE_REPORTS_DIR: 'r', SHARDWISE_PREVIOUS: 'p.json', SHARDWISE_PLAN: 'plan.json' },
    });
    expect(settings.reportsDir).toBe(path.join(cwd, 'r'));
    expect(settings.previous).toEqual({ path: path.join(cwd, 'p.json'), source: 'SHARDWISE_PREVIOUS' });
    expect(settings.plan).toEqual({ path: path.join(cwd, 'plan.json'), source: 'SHARDWISE_PLAN' });
  });

  it('timings: false turns the store off', () => {
    expect(
      resolveSettings({ root, cwd, env: {}, flags: source({ timings: false }, cwd, '--') }).timings,
    ).toBe(undefined);
  });

  it('keeps an inline previous plan for planning to validate', () => {
    const plan = { shards: [{ files: ['a'] }] };
    expect(
      resolveSettings({ root, cwd, env: {}, config: source({ previous: plan }, root, 'o.') }).previous,
    ).toEqual({
      value: plan,
      source: 'o.previous',
    });
  });

  it.each([
    {
      name: 'estimator',
      env: { SHARDWISE_ESTIMATOR: 'fast' },
      error: /^SHARDWISE_ESTIMATOR: expected mean, median, p90/,
    },
    {
      name: 'record',
      env: { SHARDWISE_RECORD: 'maybe' },
      error: /^SHARDWISE_RECORD: expected 1\/true or 0\/false, got "maybe"$/,
    },
  ])('rejects an invalid $name, naming the variable', ({ env, error }) => {
    expect(() => resolveSettings({ root, cwd, env })).toThrow(error);
  });

  it('names the config key of a bad path', () => {
    expect(() =>
      resolveSettings({
        root,
        cwd,
        env: {},
        config: source({ timings: 3 as unknown as string }, root, 'cfg.'),
      }),
    ).toThrow(/^cfg\.timings: expected a path, got 3$/);
  });
});

describe('isDebugEnabled', () => {
  it.each([
    ['shardwise', true],
    ['shardwise*', true],
    ['*', true],
    ['vite,shardwise', true],
    ['shardwise:*', true],
    ['vite', false],
    ['', false],
  ])('DEBUG=%j → %s', (value, want) => {
    expect(isDebugEnabled({ DEBUG: value })).toBe(want);
  });
});
