import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeUnitKey,
  partition,
  planRun,
  splitTestKey,
  splitUnitKey,
  testFileOf,
  testUnitKey,
  TITLE_SEPARATOR,
} from '../src/public/index.js';

describe('testUnitKey', () => {
  it.each([
    { name: 'a file', file: 'tests/a.spec.ts', titles: [], expected: 'tests/a.spec.ts' },
    { name: 'a test', file: 'tests/a.spec.ts', titles: ['adds'], expected: 'tests/a.spec.ts › adds' },
    {
      name: 'a test in a describe of a project',
      file: 'chromium|tests/a.spec.ts',
      titles: ['cart', 'adds'],
      expected: 'chromium|tests/a.spec.ts › cart › adds',
    },
  ])('$name', ({ file, titles, expected }) => {
    expect(testUnitKey(file, titles)).toBe(expected);
    expect(splitTestKey(expected)).toEqual({ file, titles });
  });
});

describe('normalizeUnitKey', () => {
  it.each([
    { name: 'a file key', key: './tests//a.spec.ts', expected: 'tests/a.spec.ts' },
    { name: 'a URL in a title', key: 'a.spec.ts › GET http://x//y', expected: 'a.spec.ts › GET http://x//y' },
    { name: 'a backslash in a title', key: 'a.spec.ts › C:\\dir', expected: 'a.spec.ts › C:\\dir' },
    { name: '.. in a title', key: 'a.spec.ts › a/../b', expected: 'a.spec.ts › a/../b' },
    { name: 'the file part is normalized', key: 'x/../a.spec.ts › t/', expected: 'a.spec.ts › t/' },
    { name: 'absolute under the root', key: '/repo/a.spec.ts › t', root: '/repo', expected: 'a.spec.ts › t' },
  ])('$name', ({ key, root, expected }) => {
    expect(normalizeUnitKey(key, root)).toBe(expected);
  });
});

describe('testFileOf', () => {
  it.each([
    ['a file key', 'src/a.test.ts', 'src/a.test.ts'],
    ['a project key', 'unit|src/a.test.ts', 'src/a.test.ts'],
    ['a test key', 'tests/cart.spec.ts › checkout › pays', 'tests/cart.spec.ts'],
    ['a project test key', 'chromium|tests/cart.spec.ts › pays', 'tests/cart.spec.ts'],
    ['a | in a title', 'tests/a.spec.ts › x|y', 'tests/a.spec.ts'],
  ])('%s', (_, key, file) => {
    expect(testFileOf(key)).toBe(file);
  });
});

describe('splitUnitKey on test keys', () => {
  it.each([
    { name: 'a | in a title is not a project', key: 'a.spec.ts › x|y', project: '', path: 'a.spec.ts › x|y' },
    { name: 'a project', key: 'chromium|a.spec.ts › x|y', project: 'chromium', path: 'a.spec.ts › x|y' },
  ])('$name', ({ key, project, path }) => {
    expect(splitUnitKey(key)).toEqual({ project, path });
  });
});

describe('planning test keys', () => {
  const title = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((t) => !t.includes(TITLE_SEPARATOR) && t.trim() === t && t !== '');

  it('keeps every test key as it is, whatever its titles hold', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.array(title, { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 20,
          selector: (t) => t.join('\u0000'),
        }),
        (titleLists) => {
          const keys = titleLists.map((titles) => testUnitKey('tests/a.spec.ts', titles));
          const plan = partition(keys, { shardCount: 3 });
          const planned = plan.shards.flatMap((s) => s.files).sort();
          expect(planned).toEqual([...new Set(keys)].sort());
        },
      ),
    );
  });

  it('a pinned plan of test keys with URLs in their titles fits the same keys', () => {
    const keys = ['a.spec.ts › GET http://x//y', 'a.spec.ts › b\\c', 'b.spec.ts'];
    const { plan } = planRun({ files: keys, shardCount: 2, store: { state: 'disabled' } });
    const pinned = {
      plan: {
        shardCount: 2,
        fingerprint: plan.fingerprint,
        shards: plan.shards.map((s) => s.files),
        estimatedMs: undefined,
        wall: undefined,
      },
      source: 'plan.json',
    };
    const run = planRun({ files: keys, shard: { index: 1, count: 2 }, store: { state: 'disabled' }, pinned });
    expect(run.plan.shards.flatMap((s) => s.files).sort()).toEqual([...keys].sort());
  });
});
