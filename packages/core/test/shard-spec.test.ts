import { describe, expect, it } from 'vitest';
import { makeShardSpec, parseShardSpec, ShardwiseError } from '../src/public/index.js';

describe('parseShardSpec', () => {
  it.each([
    { name: 'first of one', text: '1/1', spec: { index: 1, count: 1 } },
    { name: 'first of two', text: '1/2', spec: { index: 1, count: 2 } },
    { name: 'last of two', text: '2/2', spec: { index: 2, count: 2 } },
    { name: 'first of three', text: '1/3', spec: { index: 1, count: 3 } },
    { name: 'middle', text: '2/4', spec: { index: 2, count: 4 } },
    { name: 'surrounding spaces', text: ' 2/4 ', spec: { index: 2, count: 4 } },
    { name: 'leading zeros', text: '02/04', spec: { index: 2, count: 4 } },
    { name: 'many shards', text: '256/256', spec: { index: 256, count: 256 } },
  ])('$name: $text', ({ text, spec }) => {
    expect(parseShardSpec(text)).toEqual(spec);
  });

  it.each([
    { name: 'index zero', text: '0/4', message: '--shard 0/4: index must be between 1 and 4' },
    { name: 'index above count', text: '5/4', message: '--shard 5/4: index must be between 1 and 4' },
    { name: 'count zero', text: '2/0', message: '--shard 2/0: the shard count must be at least 1' },
    { name: 'letters', text: 'a/b', message: 'expected I/N with whole numbers' },
    { name: 'no slash', text: '2', message: 'expected I/N' },
    { name: 'three parts', text: '1/2/3', message: 'expected I/N' },
    { name: 'negative', text: '-1/4', message: 'expected I/N' },
    { name: 'fraction', text: '1.5/4', message: 'expected I/N' },
    { name: 'empty', text: '', message: 'expected I/N' },
    { name: 'spaces inside', text: '1 / 4', message: 'expected I/N' },
    {
      name: 'beyond safe integers',
      text: '1/99999999999999999999',
      message: '--shard 1/99999999999999999999: the shard count is too large (at most 9007199254740991)',
    },
    {
      name: 'index beyond safe integers',
      text: '99999999999999999999/4',
      message: 'index must be between 1 and 4',
    },
  ])('rejects $name ("$text")', ({ text, message }) => {
    let error: unknown;
    try {
      parseShardSpec(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShardwiseError);
    expect((error as ShardwiseError).code).toBe('INVALID_SHARD');
    expect((error as ShardwiseError).message).toContain(message);
  });

  it('names the source of the text and shows an example', () => {
    expect(() => parseShardSpec('x', 'SHARDWISE_SHARD')).toThrow(
      'SHARDWISE_SHARD: expected I/N with whole numbers and 1 ≤ I ≤ N (e.g. 2/4), got "x"',
    );
  });

  it.each([
    { name: 'valid', index: 3, count: 3, ok: true },
    { name: 'fractional index', index: 1.5, count: 3, ok: false },
    { name: 'NaN count', index: 1, count: Number.NaN, ok: false },
  ])('makeShardSpec: $name', ({ index, count, ok }) => {
    if (ok) expect(makeShardSpec(index, count)).toEqual({ index, count });
    else expect(() => makeShardSpec(index, count)).toThrow(ShardwiseError);
  });
});
