import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILE, resolveOptions } from '../src/options.js';

let root: string;
let withConfig: string;
const temps: string[] = [];
const tempDir = async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-jest-options-'));
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  root = await tempDir();
  withConfig = path.join(root, 'configured');
  await fs.mkdir(withConfig);
  await fs.writeFile(
    path.join(withConfig, CONFIG_FILE),
    JSON.stringify({ timings: 'ci/timings.json', reportsDir: 'out', estimator: 'median', record: false }),
  );
});

afterAll(() => Promise.all(temps.map((dir) => fs.rm(dir, { recursive: true, force: true }))));

describe('resolveOptions', () => {
  it('defaults: the store and the reports next to the Jest config', () => {
    expect(resolveOptions(root, {}, '/cwd')).toEqual({
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

  it('reads shardwise.config.json, paths relative to it', () => {
    expect(resolveOptions(withConfig, {}, '/cwd')).toMatchObject({
      timings: { path: path.join(withConfig, 'ci', 'timings.json'), explicit: true },
      reportsDir: path.join(withConfig, 'out'),
      estimator: 'median',
      record: false,
    });
  });

  it('environment variables win, paths relative to the current directory', () => {
    const env = {
      SHARDWISE_TIMINGS: 'a.json',
      SHARDWISE_REPORTS_DIR: '/abs/reports',
      SHARDWISE_ESTIMATOR: '250',
      SHARDWISE_PREVIOUS: 'plan.json',
      SHARDWISE_RECORD: '1',
    };
    expect(resolveOptions(withConfig, env, '/cwd')).toEqual({
      root: withConfig,
      timings: { path: path.resolve('/cwd', 'a.json'), explicit: true, source: 'SHARDWISE_TIMINGS' },
      reportsDir: path.resolve('/abs/reports'),
      estimator: { fixedMs: 250 },
      previous: { path: path.resolve('/cwd', 'plan.json'), source: 'SHARDWISE_PREVIOUS' },
      plan: undefined,
      record: true,
      requireTimings: false,
      quarantine: path.join(withConfig, 'shard-quarantine.json'),
      history: path.join(withConfig, 'shard-history.json'),
      debug: false,
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
  ])('rejects an invalid $name in one line', ({ env, error }) => {
    expect(() => resolveOptions(root, env, '/cwd')).toThrow(error);
  });

  it.each([
    {
      name: 'a typo',
      text: '{"timing": "x.json"}',
      error: /"timing": unknown option; expected one of timings, /,
    },
    {
      name: 'bad JSON',
      text: '{"timings": ',
      error: /shardwise\.config\.json: invalid JSON at line 1, column 13: .*\(the file looks truncated\)$/,
    },
    { name: 'not an object', text: '[]', error: /expected an object of options, got \[\]/ },
    { name: 'a non-path', text: '{"timings": 3}', error: /"timings": expected a non-empty path, got 3/ },
  ])('rejects a config file with $name', async ({ text, error }) => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, CONFIG_FILE), text);
    expect(() => resolveOptions(dir, {}, '/cwd')).toThrow(error);
  });
});
