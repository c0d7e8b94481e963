import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  annotation,
  checkOptions,
  fileKey,
  resolveSettings,
  SETTINGS,
  settingsFor,
  versionAtLeast,
  withSettingsTables,
  type FrontEnd,
} from '../src/public/index.js';

const packages = path.resolve(import.meta.dirname, '../..');
const naming = { whole: 'options', key: (key: string) => `{ ${key} }` };

describe('the settings table', () => {
  it.each([
    ['jest', 'jest-plugin'],
    ['vitest', 'vitest-plugin'],
    ['playwright', 'playwright-plugin'],
  ])(
    'is the options table of the %s README (run `npm run docs:settings` after changing it)',
    (runner, pkg) => {
      const text = readFileSync(path.join(packages, pkg, 'README.md'), 'utf8');
      expect(text).toContain(`<!-- settings:${runner} -->`);
      expect(withSettingsTables(text)).toBe(text);
    },
  );

  it.each(SETTINGS.filter((row) => row.env !== undefined))(
    'the resolver reads $key from $env',
    ({ key, env, kind, default: byDefault }) => {
      // A value other than the default: 0 for a setting that is on by default, 1 for one that is off.
      const flag = byDefault === '`true`' ? '0' : '1';
      const value = { path: 'x.json', boolean: flag, estimator: 'p90', previous: 'x.json', workers: '3' }[
        kind
      ];
      const read = (vars: Record<string, string>) =>
        resolveSettings({ root: '/r', cwd: '/c', env: vars })[key as 'timings'];
      expect(read({ [env]: value })).not.toEqual(read({}));
    },
  );

  it.each(['jest', 'vitest', 'playwright'] as const)(
    '%s takes exactly its rows as options, and names them when one is unknown',
    (runner: FrontEnd) => {
      const keys = settingsFor(runner).map((row) => row.key);
      expect(() =>
        checkOptions(runner, Object.fromEntries(keys.map((k) => [k, undefined])), naming),
      ).not.toThrow();
      expect(() => checkOptions(runner, { timngs: 'x' }, naming)).toThrow(
        `{ timngs }: unknown option; expected one of ${keys.join(', ')}`,
      );
    },
  );

  it.each([
    {
      name: 'not an object',
      options: ['t.json'],
      error: 'options: expected an object of options, got ["t.json"]',
    },
    {
      name: 'an empty path',
      options: { timings: ' ' },
      error: '{ timings }: expected a non-empty path, got " "',
    },
    {
      name: 'a non-boolean',
      options: { record: 'no' },
      error: '{ record }: expected true or false, got "no"',
    },
    {
      name: 'a previous plan of neither kind',
      options: { previous: 3 },
      error: '{ previous }: expected a file path or a plan like { shards: [{ files: [...] }] }, got 3',
    },
    {
      name: 'a renamed option',
      options: { stability: 'p.json' },
      error: '{ stability }: renamed; write { previous } instead',
    },
    {
      name: 'a bad estimator, when the config loads',
      options: { estimator: 'avg' },
      error: /^\{ estimator \}: expected mean/,
    },
  ])('refuses $name in one line', ({ options, error }) => {
    expect(() => checkOptions('vitest', options, naming)).toThrow(error);
  });
});

describe('versionAtLeast: one policy for every runner', () => {
  it.each([
    { version: '4.0.18', minimum: '4.1', ok: false },
    { version: '4.1.0', minimum: '4.1', ok: true },
    { version: '5.0.0-rc.2', minimum: '4.1', ok: true },
    { version: '1.61.0-alpha-2026-06-01', minimum: '1.62', ok: false },
    { version: '1.62.0-next', minimum: '1.62', ok: true },
    { version: '1.100.0', minimum: '1.62', ok: true },
    { version: '0.99.0', minimum: '1.62', ok: false },
    // Unreadable: new enough (a version in a new shape is more likely a newer runner).
    { version: 'unknown', minimum: '1.62', ok: true },
    { version: undefined, minimum: '4.1', ok: true },
  ])('$version ≥ $minimum: $ok', ({ version, minimum, ok }) => {
    expect(versionAtLeast(version, minimum)).toBe(ok);
  });
});

describe('annotation', () => {
  it.each([
    { name: 'a plain line', message: 'a b', data: 'a b' },
    { name: 'a percent sign', message: '100%', data: '100%25' },
    { name: 'a new line', message: 'a\nb', data: 'a%0Ab' },
    { name: 'a carriage return', message: 'a\r\nb', data: 'a%0D%0Ab' },
  ])('keeps $name one annotation', ({ message, data }) => {
    expect(annotation('error', message, 'shardwise coverage')).toBe(
      `::error title=shardwise coverage::${data}`,
    );
  });
});

describe('fileKey: "prefix keys with the project when there are several"', () => {
  it.each([
    { name: 'one project', project: 'unit', several: false, key: 'a/x.test.ts' },
    { name: 'several projects', project: 'unit', several: true, key: 'unit|a/x.test.ts' },
    { name: 'several, this one unnamed', project: '', several: true, key: 'a/x.test.ts' },
  ])('$name', ({ project, several, key }) => {
    expect(fileKey('/repo/a/x.test.ts', '/repo', project, several)).toBe(key);
  });
});
