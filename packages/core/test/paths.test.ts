import { describe, expect, it } from 'vitest';
import {
  compareCodeUnits,
  isAbsolutePath,
  normalizePath,
  splitUnitKey,
  unitKey,
} from '../src/public/index.js';

describe('normalizePath', () => {
  it.each([
    { name: 'already normal', input: 'src/a.test.ts', expected: 'src/a.test.ts' },
    { name: './ prefix', input: './src/a.test.ts', expected: 'src/a.test.ts' },
    { name: 'backslashes', input: 'src\\a\\b.test.ts', expected: 'src/a/b.test.ts' },
    { name: '.\\ prefix', input: '.\\src\\a.test.ts', expected: 'src/a.test.ts' },
    { name: 'duplicate slashes', input: 'src//a///b.test.ts', expected: 'src/a/b.test.ts' },
    { name: 'inner ..', input: 'src/x/../a.test.ts', expected: 'src/a.test.ts' },
    { name: 'inner .', input: 'src/./a.test.ts', expected: 'src/a.test.ts' },
    { name: 'leading .. kept', input: '../other/a.test.ts', expected: '../other/a.test.ts' },
    { name: '.. beyond the start', input: 'a/../../b.test.ts', expected: '../b.test.ts' },
    { name: 'trailing slash', input: 'src/dir/', expected: 'src/dir' },
    { name: 'dot', input: '.', expected: '' },
    { name: 'dot slash', input: './', expected: '' },
    { name: 'empty', input: '', expected: '' },
    {
      name: 'root-relative without a root stays absolute',
      input: '/src/a.test.ts',
      expected: '/src/a.test.ts',
    },
    { name: 'Windows path without a root', input: 'C:\\repo\\a.ts', expected: 'C:/repo/a.ts' },
  ])('$name: $input', ({ input, expected }) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it.each([
    { name: 'POSIX under the root', input: '/repo/src/a.test.ts', root: '/repo', expected: 'src/a.test.ts' },
    {
      name: 'root with trailing slash',
      input: '/repo/src/a.test.ts',
      root: '/repo/',
      expected: 'src/a.test.ts',
    },
    { name: 'outside the root', input: '/other/a.test.ts', root: '/repo', expected: '../other/a.test.ts' },
    { name: 'the root itself', input: '/repo', root: '/repo', expected: '' },
    {
      name: 'relative path ignores the root',
      input: 'src/a.test.ts',
      root: '/repo',
      expected: 'src/a.test.ts',
    },
    { name: 'Windows drive', input: 'C:\\repo\\src\\a.ts', root: 'C:\\repo', expected: 'src/a.ts' },
    {
      name: 'drive letters in other case',
      input: 'c:\\repo\\src\\a.ts',
      root: 'C:\\repo',
      expected: 'src/a.ts',
    },
    { name: 'forward-slash drive', input: 'C:/repo/src/a.ts', root: 'c:/repo', expected: 'src/a.ts' },
    { name: 'another drive stays absolute', input: 'D:\\x\\a.ts', root: 'C:\\repo', expected: 'D:/x/a.ts' },
    { name: 'POSIX root for a drive path', input: 'C:\\repo\\a.ts', root: '/repo', expected: 'C:/repo/a.ts' },
  ])('with a root: $name', ({ input, root, expected }) => {
    expect(normalizePath(input, root)).toBe(expected);
  });
});

describe('isAbsolutePath', () => {
  it.each([
    { input: '/a', expected: true },
    { input: '\\a', expected: true },
    { input: 'C:/a', expected: true },
    { input: 'c:\\a', expected: true },
    { input: '//server/share', expected: true },
    { input: 'a/b', expected: false },
    { input: './a', expected: false },
    { input: 'C:a', expected: false },
  ])('$input → $expected', ({ input, expected }) => {
    expect(isAbsolutePath(input)).toBe(expected);
  });
});

describe('unit keys', () => {
  it.each([
    { name: 'no project', project: undefined, path: 'src/a.ts', key: 'src/a.ts' },
    { name: 'empty project', project: '', path: 'src/a.ts', key: 'src/a.ts' },
    { name: 'named project', project: 'web', path: 'src/a.ts', key: 'web|src/a.ts' },
  ])('$name', ({ project, path, key }) => {
    expect(unitKey(project, path)).toBe(key);
    expect(splitUnitKey(key)).toEqual({ project: project ?? '', path });
  });

  it('keeps a file whose directory contains | as a file', () => {
    expect(splitUnitKey('src/a|b/c.ts')).toEqual({ project: '', path: 'src/a|b/c.ts' });
  });
});

describe('compareCodeUnits', () => {
  it('orders by UTF-16 code units, not locale', () => {
    expect(['b', 'B', 'a', 'é', 'Z', '_'].sort(compareCodeUnits)).toEqual(['B', 'Z', '_', 'a', 'b', 'é']);
  });
});
