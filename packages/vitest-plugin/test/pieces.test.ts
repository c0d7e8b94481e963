import { describe, expect, it } from 'vitest';
import { matchKey, type Piece } from '@shardwise/core';
import { piecePattern, runsPieces } from '../src/pieces.js';

describe('runsPieces', () => {
  it.each([
    ['3.2.4', false],
    ['4.0.18', false],
    ['4.1.0', true],
    ['4.1.12', true],
    ['5.0.0-rc.2', true],
    // An unreadable version counts as new enough (core's versionAtLeast, one policy for every runner).
    [undefined, true],
    ['nonsense', true],
  ] as const)('Vitest %s: %s', (version, expected) => {
    expect(runsPieces(version)).toBe(expected);
  });
});

describe('piecePattern', () => {
  const piece = (n: number, tests: string[]): Piece => ({
    file: 'f.test.ts',
    piece: n,
    of: 3,
    tests,
    estimatedMs: 0,
  });
  const plan = {
    shards: [
      { index: 1, estimatedMs: 0, files: [], pieces: [piece(1, ['a > b', 'x (y) [z]? +*$^|{1}'])] },
      { index: 2, estimatedMs: 0, files: [], pieces: [piece(2, ['c'])] },
      { index: 3, estimatedMs: 0, files: [], pieces: [piece(3, ['d'])] },
    ],
  };

  it.each([
    // [piece, name as Vitest matches it, runs]
    [1, 'a b', true],
    [1, 'x (y) [z]? +*$^|{1}', true],
    [1, 'a b c', false],
    [1, 'c', false],
    [2, 'c', true],
    [2, 'cc', false],
    [3, 'd', true],
    [3, 'a new test', true],
    [3, 'a b', false],
    [3, 'c', false],
    [3, 'x (y) [z]? +*$^|{1}', false],
  ] as const)('piece %i, test "%s": %s', (n, name, runs) => {
    const p = plan.shards[n - 1]!.pieces[0]!;
    expect(piecePattern(p, plan, matchKey).test(name)).toBe(runs);
  });

  it('every name runs in exactly one piece', () => {
    const patterns = plan.shards.map((s) => piecePattern(s.pieces[0]!, plan, matchKey));
    for (const name of ['a b', 'c', 'd', 'x (y) [z]? +*$^|{1}', 'new', '', 'a b ']) {
      expect(patterns.filter((p) => p.test(name))).toHaveLength(1);
    }
  });
});
