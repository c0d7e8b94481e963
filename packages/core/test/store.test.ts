import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationsOf,
  emptyStore,
  formatError,
  parseStore,
  serializeStore,
  ShardwiseError,
  type FileTiming,
  type TimingStore,
} from '../src/public/index.js';

function storeError(text: string): ShardwiseError {
  try {
    parseStore(text, 'shard-timings.json');
  } catch (error) {
    if (error instanceof ShardwiseError) return error;
    throw error;
  }
  throw new Error('expected parseStore to throw');
}

const entryArb: fc.Arbitrary<FileTiming> = fc.record(
  {
    durationMs: fc.nat({ max: 10_000_000 }),
    samples: fc.integer({ min: 1, max: 1000 }),
    recentMs: fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 5 }),
    provisional: fc.constant(true),
    lastSeen: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    tests: fc.array(
      fc.record({
        name: fc.string(),
        durationMs: fc.nat({ max: 100_000 }),
        status: fc.constantFrom('passed' as const, 'failed' as const, 'skipped' as const),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['durationMs', 'samples'] },
);
const keyArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}(\/[a-z0-9_.-]{1,8}){0,3}\.test\.ts$/),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'web|src/a.test.ts', 'src/é ü.test.ts'),
);
const storeArb: fc.Arbitrary<TimingStore> = fc
  .uniqueArray(fc.tuple(keyArb, entryArb), { selector: ([k]) => k, maxLength: 20 })
  .map((entries) => ({ version: 1, files: new Map(entries) }));

describe('serializeStore / parseStore', () => {
  it('round-trips byte for byte (property)', () => {
    fc.assert(
      fc.property(storeArb, (store) => {
        const text = serializeStore(store);
        const parsed = parseStore(text);
        expect(parsed.files).toEqual(store.files);
        expect(serializeStore(parsed)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on insertion order (property)', () => {
    fc.assert(
      fc.property(storeArb, (store) => {
        const reversed: TimingStore = { version: 1, files: new Map([...store.files].reverse()) };
        expect(serializeStore(reversed)).toBe(serializeStore(store));
      }),
      { numRuns: 100 },
    );
  });

  it('writes sorted keys, one file per line, fields in a fixed order', () => {
    const store: TimingStore = {
      version: 1,
      files: new Map<string, FileTiming>([
        ['src/b.test.ts', { samples: 2, durationMs: 20 }],
        ['Z.test.ts', { durationMs: 5, samples: 1, lastSeen: '2026-11-27', provisional: true }],
        ['src/a.test.ts', { durationMs: 10, samples: 1, recentMs: [9, 10, 11] }],
      ]),
    };
    expect(serializeStore(store)).toBe(
      [
        '{',
        '  "version": 1,',
        '  "files": {',
        '    "Z.test.ts": { "durationMs": 5, "samples": 1, "provisional": true, "lastSeen": "2026-11-27" },',
        '    "src/a.test.ts": { "durationMs": 10, "samples": 1, "recentMs": [9,10,11] },',
        '    "src/b.test.ts": { "durationMs": 20, "samples": 2 }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty store', () => {
    expect(serializeStore(emptyStore())).toBe('{\n  "version": 1,\n  "files": {}\n}\n');
    expect(parseStore(serializeStore(emptyStore()))).toEqual(emptyStore());
  });

  it('keeps unknown fields written by a newer version, in sorted order', () => {
    const text = '{"version":1,"files":{"a.ts":{"zeta":1,"durationMs":3,"samples":1,"alpha":{"x":2}}}}';
    expect(serializeStore(parseStore(text))).toContain(
      '"a.ts": { "durationMs": 3, "samples": 1, "alpha": {"x":2}, "zeta": 1 }',
    );
  });

  it('accepts a byte order mark and any formatting', () => {
    const store = parseStore('\uFEFF {"files":{"a.ts":{"samples":1,"durationMs":0}},"version":1}');
    expect(store.files.get('a.ts')).toEqual({ durationMs: 0, samples: 1 });
  });

  it('gives durations for the partitioner', () => {
    const store = parseStore(
      '{"version":1,"files":{"a.ts":{"durationMs":3,"samples":1},"b.ts":{"durationMs":0,"samples":4}}}',
    );
    expect(durationsOf(store)).toEqual(
      new Map([
        ['a.ts', 3],
        ['b.ts', 0],
      ]),
    );
  });
});

describe('parseStore: prototype safety', () => {
  it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty'])('%s is an ordinary key', (key) => {
    const text = `{"version":1,"files":{${JSON.stringify(key)}:{"durationMs":7,"samples":1},"a.ts":{"durationMs":1,"samples":1}}}`;
    const store = parseStore(text);
    expect([...store.files.keys()].sort()).toEqual([key, 'a.ts'].sort());
    expect(store.files.get(key)).toEqual({ durationMs: 7, samples: 1 });
    expect(durationsOf(store).get(key)).toBe(7);
    expect(serializeStore(store)).toContain(`${JSON.stringify(key)}: { "durationMs": 7, "samples": 1 }`);
    expect(({} as Record<string, unknown>).durationMs).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('durationMs');
  });

  it('does not pollute prototypes through a nested __proto__', () => {
    const text =
      '{"version":1,"__proto__":{"polluted":1},"files":{"a.ts":{"durationMs":1,"samples":1,"__proto__":{"polluted":2}}}}';
    parseStore(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseStore: errors', () => {
  it.each([
    {
      name: 'a truncated file',
      text: '{\n  "version": 1,\n  "files": {\n    "a.ts": { "durationMs": 1',
      message: 'shard-timings.json: invalid JSON at line 4, column 30: ',
      also: 'the file looks truncated',
    },
    {
      name: 'an empty file',
      text: '',
      message: 'shard-timings.json: invalid JSON at line 1, column 1: ',
      also: 'the file looks truncated',
    },
    {
      name: 'an unexpected token',
      text: '{\n  "version": 1,\n  "files": }\n}',
      message: 'shard-timings.json: invalid JSON at line 3, column 12: ',
      also: "Unexpected token '}'",
    },
    {
      name: 'a trailing comma',
      text: '{\n  "version": 1,\n  "files": {\n    "a.ts": { "durationMs": 1, "samples": 1 },\n  }\n}',
      message: 'shard-timings.json: invalid JSON at line 5, column 3: ',
      also: 'property name',
    },
    {
      name: 'a merge conflict marker',
      text: '{\n  "version": 1,\n<<<<<<< HEAD\n',
      message: 'shard-timings.json: invalid JSON at line 3, column 1: ',
      also: '',
    },
  ])('$name: says line and column', ({ text, message, also }) => {
    const error = storeError(text);
    expect(error.code).toBe('STORE_SYNTAX');
    expect(error.message).toContain(message);
    expect(error.message).toContain(also);
    // How to fix it is data: each front end words it (core never names a CLI flag).
    expect(error.hint).toEqual({ kind: 'store' });
    expect(error.message).not.toContain('--no-timings');
  });

  it.each([
    {
      name: 'a negative duration',
      files: '{"src/a.test.ts":{"durationMs":-3,"samples":1}}',
      message: 'files."src/a.test.ts".durationMs: expected a non-negative integer, got -3',
    },
    {
      name: 'a fractional duration',
      files: '{"a":{"durationMs":1.5,"samples":1}}',
      message: 'files.a.durationMs: expected a non-negative integer, got 1.5',
    },
    {
      name: 'a string duration',
      files: '{"a":{"durationMs":"12","samples":1}}',
      message: 'files.a.durationMs: expected a non-negative integer, got "12"',
    },
    {
      name: 'a missing duration',
      files: '{"a":{"samples":1}}',
      message: 'files.a.durationMs: expected a non-negative integer, got nothing',
    },
    {
      name: 'zero samples',
      files: '{"a":{"durationMs":1,"samples":0}}',
      message: 'files.a.samples: expected a positive integer, got 0',
    },
    {
      name: 'a bad date',
      files: '{"a":{"durationMs":1,"samples":1,"lastSeen":"27/11/2026"}}',
      message: 'files.a.lastSeen: expected a date as YYYY-MM-DD, got "27/11/2026"',
    },
    {
      name: 'a bad recent sample',
      files: '{"a":{"durationMs":1,"samples":1,"recentMs":[1,-2]}}',
      message: 'files.a.recentMs[1]: expected a non-negative integer, got -2',
    },
    {
      name: 'a bad test status',
      files: '{"a":{"durationMs":1,"samples":1,"tests":[{"name":"t","durationMs":1,"status":"ok"}]}}',
      message: 'files.a.tests[0].status: expected "passed", "failed" or "skipped", got "ok"',
    },
    {
      name: 'an entry that is not an object',
      files: '{"a":12}',
      message: 'files.a: ',
    },
    {
      name: 'files as an array',
      files: '[]',
      message: 'files: expected an object of file paths, got []',
    },
    {
      name: 'an absolute key',
      files: '{"/home/ci/a.test.ts":{"durationMs":1,"samples":1}}',
      message: 'files."/home/ci/a.test.ts": expected a POSIX path relative to the root',
    },
    {
      name: 'a Windows key',
      files: '{"C:/repo/a.test.ts":{"durationMs":1,"samples":1}}',
      message: 'files."C:/repo/a.test.ts": expected a POSIX path relative to the root',
    },
    {
      name: 'a backslash key',
      files: '{"src\\\\a.test.ts":{"durationMs":1,"samples":1}}',
      message: 'files."src\\\\a.test.ts": expected a POSIX path relative to the root',
    },
    {
      name: 'an empty key',
      files: '{"":{"durationMs":1,"samples":1}}',
      message: 'files."": expected a POSIX path relative to the root',
    },
  ])('$name: says the path and what was expected', ({ files, message }) => {
    const error = storeError(`{"version":1,"files":${files}}`);
    expect(error.code).toBe('STORE_SCHEMA');
    expect(error.message).toContain(`shard-timings.json: ${message}`);
  });

  it.each([
    { name: 'an older or odd version', text: '{"version":0,"files":{}}', message: 'version: expected 1' },
    { name: 'no version', text: '{"files":{}}', message: 'version: expected 1' },
    {
      name: 'no files',
      text: '{"version":1}',
      message: 'files: expected an object of file paths, got nothing',
    },
    { name: 'not an object', text: '[1,2]', message: '(top level): ' },
    { name: 'null', text: 'null', message: '(top level): ' },
  ])('top level: $name', ({ text, message }) => {
    const error = storeError(text);
    expect(error.code).toBe('STORE_SCHEMA');
    expect(error.message).toContain(message);
  });
});

describe('parseStore: limits and versions', () => {
  it('a duration above 7 days is refused, naming the file and the entry', () => {
    const text = JSON.stringify({
      version: 1,
      files: { 'a.test.ts': { durationMs: 604_800_001, samples: 1 } },
    });
    expect(() => parseStore(text, 'shard-timings.json')).toThrow(
      'shard-timings.json: files."a.test.ts".durationMs: expected at most 604800000 ms (7 days), got 604800001',
    );
  });

  it('a store from a newer shardwise says to upgrade, not that the file is broken', () => {
    const error = storeError('{"version":2,"files":{}}');
    expect(error.code).toBe('STORE_SCHEMA');
    expect(error.message).toBe(
      'shard-timings.json: format version 2, written by a newer shardwise (this one reads version 1)',
    );
    expect(formatError(error)).toContain('upgrade @shardwise/*');
  });
});
