import { describe, expect, it } from 'vitest';
import { parsePlan, parsePlanText } from '../src/formats/plan-file.js';

describe('parsePlan', () => {
  it.each([
    {
      name: '`shard plan --json` output',
      value: {
        shardCount: 2,
        fingerprint: 'f1',
        shards: [
          { index: 1, estimatedMs: 5, files: ['a'] },
          { index: 2, estimatedMs: 3, files: ['b'] },
        ],
      },
      want: { fingerprint: 'f1', shardCount: 2, shards: [['a'], ['b']], estimatedMs: [5, 3] },
    },
    {
      name: 'a hand-written plan',
      value: { shards: [{ files: ['a'] }, { files: [] }] },
      want: { fingerprint: undefined, shardCount: 2, shards: [['a'], []], estimatedMs: undefined },
    },
    {
      name: 'a shardwise report',
      value: {
        format: 'shardwise-report',
        version: 1,
        runner: 'jest',
        files: [],
        plan: { fingerprint: 'f2', shardCount: 1, shards: [['a']] },
      },
      want: { fingerprint: 'f2', shardCount: 1, shards: [['a']], estimatedMs: undefined },
    },
  ])('reads $name', ({ value, want }) => {
    expect(parsePlan(value, 'p.json')).toEqual(want);
  });

  it.each([
    { name: 'not JSON', text: '{', error: /^p\.json: invalid JSON at line 1, column 2/ },
    { name: 'no shards', text: '{"files":[]}', error: /^p\.json: not a plan \(shards: / },
    {
      name: 'a path that is not a string',
      text: '{"shards":[{"files":[1]}]}',
      error: /^p\.json: not a plan \(shards\[0\]\.files\[0\]/,
    },
    {
      name: 'a count that disagrees',
      text: '{"shardCount":1,"shards":[{"files":[]},{"files":[]}]}',
      error: /shardCount is 1 but 2 shards are listed/,
    },
    {
      name: 'a file in two shards',
      text: '{"shards":[{"files":["a"]},{"files":["b","a"]}]}',
      error: /^p\.json: "a" is listed in shard 1 and in shard 2; a plan runs every file once$/,
    },
    {
      name: 'a file twice in one shard',
      text: '{"shards":[{"files":["a","a"]}]}',
      error: /"a" is listed twice in shard 1/,
    },
    {
      name: 'an unsharded report',
      text: '{"format":"shardwise-report","version":1,"runner":"jest","files":[]}',
      error: /a report of an unsharded run carries no plan/,
    },
  ])('refuses $name in one line, code PLAN_INVALID', ({ text, error }) => {
    expect(() => parsePlanText(text, 'p.json')).toThrow(error);
    expect(() => parsePlanText(text, 'p.json')).toThrow(
      expect.objectContaining({ code: 'PLAN_INVALID', hint: { kind: 'plan' } }),
    );
  });
});

describe('parsePlan with pieces (test-level splits)', () => {
  const piece = (n: number, of = 2, file = 'big') => ({ file, piece: n, of, tests: [`t${n}`] });
  const planWith = (shards: { files: string[]; pieces?: ReturnType<typeof piece>[] }[]) => ({ shards });

  it('reads the pieces of `shard plan --split-tests --json` output, and of a report', () => {
    expect(
      parsePlan(
        planWith([
          { files: ['a'], pieces: [piece(1)] },
          { files: [], pieces: [piece(2)] },
        ]),
        'p.json',
      ).pieces,
    ).toEqual([[piece(1)], [piece(2)]]);
    const report = {
      format: 'shardwise-report',
      version: 1,
      runner: 'vitest',
      files: [],
      plan: {
        fingerprint: 'f',
        shardCount: 2,
        shards: [['a'], []],
        pieces: [
          { shard: 2, ...piece(2) },
          { shard: 1, ...piece(1) },
        ],
      },
    };
    expect(parsePlan(report, 'r.json').pieces).toEqual([[piece(1)], [piece(2)]]);
  });

  it.each([
    [
      'a file listed whole and as pieces',
      [
        { files: ['big'], pieces: [piece(1)] },
        { files: [], pieces: [piece(2)] },
      ],
      /"big" is listed whole and as pieces/,
    ],
    ['a piece missing', [{ files: ['a'], pieces: [piece(1)] }, { files: [] }], /"big" has 1 of its 2 pieces/],
    [
      'a piece twice',
      [
        { files: ['a'], pieces: [piece(1)] },
        { files: [], pieces: [piece(1)] },
      ],
      /the pieces of "big" are not 1 to 2, once each, in different shards/,
    ],
    [
      'two pieces in one shard',
      [{ files: ['a'], pieces: [piece(1), piece(2)] }, { files: [] }],
      /not 1 to 2, once each, in different shards/,
    ],
    [
      'pieces that disagree on their count',
      [
        { files: ['a'], pieces: [piece(1)] },
        { files: [], pieces: [piece(2, 3)] },
      ],
      /not 1 to 2/,
    ],
  ])('refuses %s', (_name, shards, error) => {
    expect(() => parsePlan(planWith(shards), 'p.json')).toThrow(error);
  });
});
