import { describe, expect, it } from 'vitest';
import { parseStore } from '../src/public/index.js';
import { parseStoreView } from '../src/formats/store.js';
import { StoreEntries } from '../src/formats/store-entries.js';

const text = JSON.stringify({
  version: 1,
  files: {
    'b.test.ts': { durationMs: 2, samples: 1 },
    __proto__: { durationMs: 3, samples: 2 },
    'a b 🙂.test.ts': { durationMs: 1, samples: 1, recentMs: [1] },
  },
});
// JSON.stringify drops a `__proto__` written in an object literal (it sets the prototype): spell it out.
const withProto = text.replace('"files":{', '"files":{"__proto__":{"durationMs":3,"samples":2},');

/** A parsed store's entries, before anything is written to them. */
const fresh = () => parseStoreView(withProto, 'store.json').files;

describe('StoreEntries: a parsed store read as a map without copying it', () => {
  it('is the map a planning job reads; parseStore still returns a plain Map', () => {
    expect(fresh()).toBeInstanceOf(StoreEntries);
    expect(fresh()).toBeInstanceOf(Map);
    const plain = parseStore(withProto, 'store.json').files;
    expect(plain.constructor).toBe(Map);
    expect(plain).toEqual(new Map(fresh()));
  });

  it.each([
    ['a listed key', 'b.test.ts', true, { durationMs: 2, samples: 1 }],
    ['__proto__, an ordinary key', '__proto__', true, { durationMs: 3, samples: 2 }],
    ['a key with spaces and emoji', 'a b 🙂.test.ts', true, { durationMs: 1, samples: 1, recentMs: [1] }],
    ['a missing key', 'c.test.ts', false, undefined],
    ['a name on Object.prototype', 'constructor', false, undefined],
    ['another one', 'toString', false, undefined],
  ])('reads %s before and after its first write', (_, key, has, value) => {
    const unread = fresh();
    expect(unread.has(key)).toBe(has);
    expect(unread.get(key)).toEqual(value);
    const written = fresh().set('z.test.ts', { durationMs: 9, samples: 1 });
    expect(written.has(key)).toBe(has);
    expect(written.get(key)).toEqual(value);
  });

  it('has the size and order of the store, read or iterated, before and after a write', () => {
    const order = ['__proto__', 'b.test.ts', 'a b 🙂.test.ts'];
    const visited: string[] = [];
    const entries = fresh();
    expect(entries.size).toBe(3);
    entries.forEach((value, key, map) => {
      visited.push(key);
      expect(map).toBe(entries);
      expect(value).toBe(entries.get(key));
    });
    expect(visited).toEqual(order);
    expect([...fresh().keys()]).toEqual(order);
    expect([...fresh()].map(([key]) => key)).toEqual(order);
    expect([...fresh().values()].map((v) => v.durationMs)).toEqual([3, 2, 1]);
    expect([...fresh().entries()].map(([key]) => key)).toEqual(order);
  });

  it('behaves as a map once written: set, delete, clear', () => {
    const entries = fresh();
    entries.set('b.test.ts', { durationMs: 5, samples: 2 });
    expect(entries.get('b.test.ts')).toEqual({ durationMs: 5, samples: 2 });
    expect(entries.size).toBe(3);
    expect(entries.delete('__proto__')).toBe(true);
    expect(entries.has('__proto__')).toBe(false);
    expect([...entries.keys()]).toEqual(['b.test.ts', 'a b 🙂.test.ts']);
    const deleted = fresh();
    expect(deleted.delete('nope')).toBe(false);
    expect(deleted.size).toBe(3);
    const cleared = fresh();
    cleared.clear();
    expect(cleared.size).toBe(0);
    expect(cleared.get('b.test.ts')).toBeUndefined();
    let calls = 0;
    cleared.forEach(() => calls++);
    expect(calls).toBe(0);
  });

  it('copies into a plain Map equal to the store', () => {
    expect(new Map(fresh())).toEqual(
      new Map([
        ['__proto__', { durationMs: 3, samples: 2 }],
        ['b.test.ts', { durationMs: 2, samples: 1 }],
        ['a b 🙂.test.ts', { durationMs: 1, samples: 1, recentMs: [1] }],
      ]),
    );
  });

  it('holds what the schema made of an entry the fast check passes to it', () => {
    // A `tests` list is validated by the schema, not by the hand check; the schema's output is what is read.
    const store = parseStoreView(
      '{"version":1,"files":{"a.ts":{"durationMs":3,"samples":1,"tests":[{"name":"t","durationMs":1,"status":"passed"}]}}}',
    );
    expect(store.files.get('a.ts')!.tests).toEqual([{ name: 't', durationMs: 1, status: 'passed' }]);
  });
});
