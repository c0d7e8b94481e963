import { describe, expect, it } from 'vitest';
import { readOptions } from '../src/options.js';
import { commandLineFilter } from '../src/filter.js';

describe('readOptions', () => {
  it.each([
    { name: 'nothing', raw: undefined },
    {
      name: 'Playwright’s own keys',
      raw: { configDir: '/repo', _mode: 'list', _commandHash: '', onlyFailures: false },
    },
    {
      name: 'every option',
      raw: { timings: 't.json', reportsDir: 'r', estimator: 'p90', previous: 'p.json', plan: 'plan.json' },
    },
    { name: 'a fixed estimate', raw: { estimator: { fixedMs: 500 } } },
  ])('accepts $name', ({ raw }) => {
    expect(() => readOptions(raw)).not.toThrow();
  });

  it.each([
    {
      name: 'a misspelt key',
      raw: { timngs: 'x' },
      message:
        "['@shardwise/playwright', { timngs }]: unknown option; expected one of timings, reportsDir, estimator, previous, plan",
    },
    {
      name: 'an empty path',
      raw: { timings: ' ' },
      message: '[\'@shardwise/playwright\', { timings }]: expected a non-empty path, got " "',
    },
    {
      name: 'not an object',
      raw: 'timings.json',
      message: '[\'@shardwise/playwright\', options]: expected an object of options, got "timings.json"',
    },
    {
      name: 'a bad estimator',
      raw: { estimator: 'fast' },
      message: "['@shardwise/playwright', { estimator }]",
    },
  ])('refuses $name with one line naming it', ({ raw, message }) => {
    expect(() => readOptions(raw)).toThrow(message);
  });

  it('resolves paths against the root and lets the environment override them', () => {
    const { resolve, added } = readOptions({ timings: 'ci/t.json', configDir: '/repo', _mode: 'test' });
    expect(added).toEqual({ configDir: '/repo', _mode: 'test' });
    expect(resolve('/repo', {}).timings?.path).toBe('/repo/ci/t.json');
    expect(resolve('/repo', { SHARDWISE_TIMINGS: 'x.json' }, '/work').timings?.path).toBe('/work/x.json');
  });
});

describe('commandLineFilter', () => {
  const argv = (...args: string[]) => [
    '/usr/bin/node',
    '/repo/node_modules/.bin/playwright',
    'test',
    ...args,
  ];
  it.each([
    { name: 'no filter', args: [], words: [] },
    { name: 'a shard', args: ['--shard=1/3'], words: [] },
    { name: 'a file filter', args: ['tests/a.spec.ts'], words: [] },
    { name: 'a project', args: ['--project', 'chromium'], words: [] },
    { name: '--grep', args: ['--grep', 'cart'], words: ['--grep cart'] },
    { name: '-g', args: ['-g', 'cart'], words: ['-g cart'] },
    { name: '--grep-invert=', args: ['--grep-invert=slow'], words: ['--grep-invert=slow'] },
    { name: '--last-failed', args: ['--last-failed'], words: ['--last-failed'] },
    { name: 'a line', args: ['tests/a.spec.ts:12'], words: ['tests/a.spec.ts:12'] },
    { name: 'a line and column', args: ['tests/a.spec.ts:12:3'], words: ['tests/a.spec.ts:12:3'] },
  ])('$name → $words', ({ args, words }) => {
    expect(commandLineFilter(argv(...args))).toEqual(words);
  });
});
