import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UNKNOWN_MS,
  emptyShardCount,
  isShardwiseError,
  partition,
  planLpt,
  shardOf,
  type Plan,
} from '../src/public/index.js';

/** A small suite: file names with shared prefixes and many duration ties, so tie-breaking is exercised. */
const suiteArb = fc.uniqueArray(
  fc.record({
    name: fc.integer({ min: 0, max: 400 }).map((i) => `src/${['a', 'b', 'c'][i % 3]}/f${i}.test.ts`),
    // undefined: no recorded duration (estimated); small values collide often.
    ms: fc.option(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100_000 })), {
      nil: undefined,
      freq: 6,
    }),
  }),
  { selector: (f) => f.name, maxLength: 60 },
);
const kArb = fc.integer({ min: 1, max: 12 });
const RUNS = { numRuns: 150 };

function durationsOf(suite: { name: string; ms: number | undefined }[]): Map<string, number> {
  return new Map(suite.filter((f) => f.ms !== undefined).map((f) => [f.name, f.ms!]));
}

function plan(suite: { name: string; ms: number | undefined }[], k: number): Plan {
  return partition(
    suite.map((f) => f.name),
    { shardCount: k, durations: durationsOf(suite) },
  );
}

/** The duration the plan used for a file. */
function durationIn(p: Plan, durations: ReadonlyMap<string, number>) {
  return (file: string) => durations.get(file) ?? p.unknownEstimateMs;
}

describe('partition: invariants', () => {
  it('puts every file in exactly one of exactly k shards, with consistent totals', () => {
    fc.assert(
      fc.property(suiteArb, kArb, (suite, k) => {
        const p = plan(suite, k);
        const durations = durationsOf(suite);
        const d = durationIn(p, durations);
        expect(p.shardCount).toBe(k);
        // Every shard up to k when the files fill them; one per file (the rest empty) when they cannot.
        const listed = Math.max(1, Math.min(k, suite.length));
        expect(p.shards.map((s) => s.index)).toEqual(Array.from({ length: listed }, (_, i) => i + 1));
        const all = p.shards.flatMap((s) => s.files);
        expect([...all].sort()).toEqual(suite.map((f) => f.name).sort());
        for (const s of p.shards) expect(s.estimatedMs).toBe(s.files.reduce((a, f) => a + d(f), 0));
        expect(p.totalMs).toBe(all.reduce((a, f) => a + d(f), 0));
        expect(p.makespanMs).toBe(Math.max(0, ...p.shards.map((s) => s.estimatedMs)));
        expect(p.emptyShards).toEqual(p.shards.filter((s) => s.files.length === 0).map((s) => s.index));
        expect(Number.isInteger(p.makespanMs) && Number.isInteger(p.lowerBoundMs)).toBe(true);
      }),
      RUNS,
    );
  });

  it('lists each shard longest first, then by path', () => {
    fc.assert(
      fc.property(suiteArb, kArb, (suite, k) => {
        const p = plan(suite, k);
        const d = durationIn(p, durationsOf(suite));
        for (const s of p.shards) {
          const sorted = [...s.files].sort((a, b) => d(b) - d(a) || (a < b ? -1 : a > b ? 1 : 0));
          expect(s.files).toEqual(sorted);
        }
      }),
      RUNS,
    );
  });

  it('has a makespan between the lower bound and plain LPT', () => {
    fc.assert(
      fc.property(suiteArb, kArb, (suite, k) => {
        const p = plan(suite, k);
        const lpt = planLpt(
          suite.map((f) => f.name),
          durationIn(p, durationsOf(suite)),
          k,
        );
        expect(p.makespanMs).toBeGreaterThanOrEqual(p.lowerBoundMs);
        expect(p.makespanMs).toBeLessThanOrEqual(lpt.makespanMs);
      }),
      RUNS,
    );
  });

  it('gives the same plan and fingerprint for any order and spelling, duplicates folded', () => {
    const spelled = suiteArb.chain((suite) =>
      fc.tuple(
        fc.constant(suite),
        kArb,
        // Each file written as it is, with `./`, with `\`, or with both, plus some written twice.
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: suite.length, maxLength: suite.length }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
      ),
    );
    fc.assert(
      fc.property(spelled, ([suite, k, spellings, dupes, seed]) => {
        const names = suite.map((f) => f.name);
        const respelled = names.map((name, i) => {
          const s = spellings[i]!;
          const slashed = s & 1 ? name.replaceAll('/', '\\') : name;
          return s & 2 ? `.${s & 1 ? '\\' : '/'}${slashed}` : slashed;
        });
        if (names.length > 0) for (const d of dupes) respelled.push(respelled[d % names.length]!);
        const shuffled = fc.sample(fc.shuffledSubarray(respelled, { minLength: respelled.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const a = plan(suite, k);
        const b = partition(shuffled, { shardCount: k, durations: durationsOf(suite) });
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('gives the same plan for durations in any order: a map in path order (a store), in another order, or a record', () => {
    fc.assert(
      fc.property(suiteArb, kArb, fc.nat(), fc.boolean(), (suite, k, seed, twice) => {
        const names = suite.map((f) => f.name);
        // Some files listed twice (the map of the list then has fewer entries than the list).
        const files = twice && names.length > 0 ? [...names, names[seed % names.length]!] : names;
        const known = suite.filter((f) => f.ms !== undefined).map((f) => [f.name, f.ms!] as const);
        const shuffled = fc.sample(fc.shuffledSubarray([...known], { minLength: known.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const inPathOrder = [...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const stores = [
          new Map(inPathOrder),
          new Map(shuffled),
          Object.fromEntries(known) as Record<string, number>,
          // A store much larger than the list: looked up file by file.
          new Map([
            ...inPathOrder,
            ...Array.from({ length: 200 }, (_, i) => [`other/x${i}.test.ts`, i] as const),
          ]),
          // In path order but for the last two keys (a hand-edited store).
          new Map([...inPathOrder.slice(0, -2), ...inPathOrder.slice(-2).reverse()]),
        ];
        // The list as given, and sorted (as `git ls-files` prints it): merged with a store in path order.
        const lists = [files, [...files].sort()];
        const plans = lists.flatMap((list) =>
          stores.map((durations) => partition(list, { shardCount: k, durations })),
        );
        for (const p of plans.slice(1)) expect(p).toEqual(plans[0]);
      }),
      RUNS,
    );
  });

  it.each([
    ['short runs of equal durations', 3],
    ['runs longer than the insertion-sort limit', 40],
  ])('orders %s by path, duplicates folded, whatever the input order', (_, runLength) => {
    const names = Array.from(
      { length: 400 },
      (_, i) => `src/d${i % 7}/f${String(i).padStart(3, '0')}.test.ts`,
    );
    const durations = new Map(names.map((name, i) => [name, 1000 + Math.floor(i / runLength)]));
    const sorted = [...names].sort();
    // A fixed scramble with every tenth file written twice.
    const scrambled = names.map((_, i) => names[(i * 37) % names.length]!);
    for (let i = 0; i < names.length; i += 10) scrambled.push(names[i]!);
    for (const k of [1, 3, 16]) {
      expect(partition(scrambled, { shardCount: k, durations })).toEqual(
        partition(sorted, { shardCount: k, durations }),
      );
    }
  });

  it('computes the fingerprint on first read, as an ordinary value everywhere it is read', () => {
    const durations = { 'a.test.ts': 3000, 'b.test.ts': 2000, 'c.test.ts': 1000 };
    const p = partition(['c.test.ts', 'a.test.ts', 'b.test.ts'], { shardCount: 2, durations });
    const fingerprint = p.fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(p.fingerprint).toBe(fingerprint);
    expect(Object.keys(p)).toContain('fingerprint');
    expect((JSON.parse(JSON.stringify(p)) as Plan).fingerprint).toBe(fingerprint);
    expect({ ...p }.fingerprint).toBe(fingerprint);
    expect(structuredClone(p).fingerprint).toBe(fingerprint);
    // Read first through a copy: the same value.
    const q = partition(['a.test.ts', 'b.test.ts', 'c.test.ts'], { shardCount: 2, durations });
    expect(JSON.parse(JSON.stringify(q))).toEqual(JSON.parse(JSON.stringify(p)));
    // Read after the caller changed its list: the plan's own files, not the caller's array.
    const list = ['a.test.ts', 'b.test.ts', 'c.test.ts'];
    const r = partition(list, { shardCount: 2, durations });
    list.push('d.test.ts');
    list[0] = 'z.test.ts';
    expect(r.fingerprint).toBe(fingerprint);
    // Still writable, as a plain field would be.
    q.fingerprint = 'pinned';
    expect(q.fingerprint).toBe('pinned');
  });

  it('changes the fingerprint when an input changes, and not otherwise', () => {
    fc.assert(
      fc.property(suiteArb, kArb, fc.nat(), (suite, k, pick) => {
        const names = suite.map((f) => f.name);
        const durations = durationsOf(suite);
        const base = partition(names, { shardCount: k, durations }).fingerprint;
        // Not otherwise: a durations entry for a file that is not planned, a copy of the map, reversed input.
        const extra = new Map(durations).set('not/planned.test.ts', 5);
        expect(partition([...names].reverse(), { shardCount: k, durations: extra }).fingerprint).toBe(base);
        expect(
          partition(names, { shardCount: k, durations: Object.fromEntries(durations) }).fingerprint,
        ).toBe(base);
        // A file added.
        expect(partition([...names, 'new/one.test.ts'], { shardCount: k, durations }).fingerprint).not.toBe(
          base,
        );
        // k changed, estimator changed.
        expect(partition(names, { shardCount: k + 1, durations }).fingerprint).not.toBe(base);
        expect(partition(names, { shardCount: k, durations, estimator: 'p90' }).fingerprint).not.toBe(base);
        if (names.length === 0) return;
        // A duration changed, a known duration forgotten, an unknown one learnt.
        const name = names[pick % names.length]!;
        const changed = new Map(durations).set(name, (durations.get(name) ?? 7) + 1);
        expect(partition(names, { shardCount: k, durations: changed }).fingerprint).not.toBe(base);
        const toggled = new Map(durations);
        if (toggled.has(name)) toggled.delete(name);
        else toggled.set(name, 0);
        expect(partition(names, { shardCount: k, durations: toggled }).fingerprint).not.toBe(base);
        // A file removed.
        expect(partition(names.slice(1), { shardCount: k, durations }).fingerprint).not.toBe(base);
      }),
      { numRuns: 60 },
    );
  });

  it('is a pure function: the same call twice gives equal plans', () => {
    fc.assert(
      fc.property(suiteArb, kArb, (suite, k) => {
        expect(plan(suite, k)).toEqual(plan(suite, k));
      }),
      { numRuns: 50 },
    );
  });
});

describe('partition: boundary cases', () => {
  const durations = { 'a.test.ts': 3000, 'b.test.ts': 2000, 'c.test.ts': 1000 };

  it.each([
    { name: 'no files', files: [], k: 3, empty: [1, 2, 3] },
    { name: 'one file, one shard', files: ['a.test.ts'], k: 1, empty: [] },
    { name: 'one file, two shards', files: ['a.test.ts'], k: 2, empty: [2] },
    { name: 'more shards than files', files: ['a.test.ts', 'b.test.ts', 'c.test.ts'], k: 5, empty: [4, 5] },
    { name: 'as many shards as files', files: ['a.test.ts', 'b.test.ts', 'c.test.ts'], k: 3, empty: [] },
  ])('$name: empty shards are reported, not an error', ({ files, k, empty }) => {
    const p = partition(files, { shardCount: k, durations });
    expect(p.shards).toHaveLength(Math.max(1, Math.min(k, files.length)));
    expect(emptyShardCount(p)).toBe(empty.length);
    for (const i of empty) expect(shardOf(p, i)).toEqual({ index: i, estimatedMs: 0, files: [] });
    if (files.length === 0) expect([p.makespanMs, p.lowerBoundMs, p.totalMs]).toEqual([0, 0, 0]);
  });

  it('splits the documented example', () => {
    const p = partition(['c.test.ts', 'a.test.ts', 'b.test.ts'], { shardCount: 2, durations });
    expect(p.shards.map((s) => s.files)).toEqual([['a.test.ts'], ['b.test.ts', 'c.test.ts']]);
    expect(p).toMatchObject({ makespanMs: 3000, lowerBoundMs: 3000, totalMs: 6000, unknownFiles: [] });
    expect(p.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    { name: 'zero', k: 0 },
    { name: 'negative', k: -2 },
    { name: 'fractional', k: 1.5 },
    { name: 'NaN', k: Number.NaN },
    { name: 'infinite', k: Number.POSITIVE_INFINITY },
  ])('rejects a $name shard count', ({ k }) => {
    expect(() => partition(['a.test.ts'], { shardCount: k })).toThrow(/shardCount: expected a whole number/);
  });

  it('says a count past 2^53 - 1 is too large, not too small (a runner’s --shard=1/99999999999999999999)', () => {
    expect(() => partition(['a.test.ts'], { shardCount: 1e20 })).toThrow(
      `shardCount: too large (at most ${Number.MAX_SAFE_INTEGER}), got 100000000000000000000`,
    );
  });

  it.each([
    { name: 'negative', ms: -3 },
    { name: 'fractional', ms: 1.5 },
    { name: 'NaN', ms: Number.NaN },
  ])('rejects a $name duration with the file named', ({ ms }) => {
    const call = () => partition(['src/a.test.ts'], { shardCount: 2, durations: { 'src/a.test.ts': ms } });
    expect(call).toThrow(`durations["src/a.test.ts"]: expected a non-negative integer (ms), got ${ms}`);
    try {
      call();
    } catch (error) {
      expect(isShardwiseError(error) && error.code).toBe('INVALID_OPTION');
    }
  });

  it('treats 0 ms as a known duration, not a missing one', () => {
    const p = partition(['a.test.ts', 'b.test.ts'], { shardCount: 2, durations: { 'a.test.ts': 0 } });
    expect(p.unknownFiles).toEqual(['b.test.ts']);
    expect(p.unknownEstimateMs).toBe(0);
  });

  it('makes absolute paths relative to the root', () => {
    const p = partition(['/repo/src/a.test.ts', 'C:\\repo\\src\\b.test.ts'], {
      shardCount: 1,
      root: '/repo',
      durations: { 'src/a.test.ts': 5 },
    });
    // A Windows path cannot be related to a POSIX root: it stays absolute (and unknown).
    expect([...p.shards[0]!.files].sort()).toEqual(['C:/repo/src/b.test.ts', 'src/a.test.ts']);
    expect(p.unknownFiles).toEqual(['C:/repo/src/b.test.ts']);
    const q = partition(['c:\\repo\\src\\b.test.ts'], { shardCount: 1, root: 'C:\\repo' });
    expect(q.shards[0]!.files).toEqual(['src/b.test.ts']);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'treats a file named %s as an ordinary file with a plain-object durations record',
    (name) => {
      // JSON.parse makes `__proto__` an own key, as parsing a store would.
      const record = JSON.parse(`{${JSON.stringify(name)}: 4000, "b.test.ts": 1000}`) as Record<
        string,
        number
      >;
      const p = partition([name, 'b.test.ts', 'c.test.ts'], { shardCount: 2, durations: record });
      expect(p.unknownFiles).toEqual(['c.test.ts']);
      expect(p.shards[0]).toEqual({ index: 1, estimatedMs: 4000, files: [name] });
      expect(p.totalMs).toBe(4000 + 1000 + 2500);
      // A name that is only on the prototype is unknown, not a function.
      const q = partition([name], { shardCount: 1, durations: {} });
      expect(q.unknownFiles).toEqual([name]);
      expect(q.totalMs).toBe(DEFAULT_UNKNOWN_MS);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('partition: unknown files and estimators', () => {
  const files = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'new1.test.ts', 'new2.test.ts'];
  const durations = { 'a.test.ts': 100, 'b.test.ts': 200, 'c.test.ts': 300, 'd.test.ts': 1001 };

  it.each([
    { name: 'mean (default)', estimator: undefined, expected: 400 },
    { name: 'mean, rounded', estimator: 'mean' as const, expected: 400 },
    { name: 'median (lower)', estimator: 'median' as const, expected: 200 },
    { name: 'p90', estimator: 'p90' as const, expected: 1001 },
    { name: 'fixed', estimator: { fixedMs: 1234 }, expected: 1234 },
    { name: 'fixed zero', estimator: { fixedMs: 0 }, expected: 0 },
  ])('$name', ({ estimator, expected }) => {
    const p = partition(files, { shardCount: 2, durations, estimator });
    expect(p.unknownEstimateMs).toBe(expected);
    expect(p.unknownFiles).toEqual(['new1.test.ts', 'new2.test.ts']);
    expect(p.totalMs).toBe(1601 + 2 * expected);
  });

  it('estimates from the planned files only, not every file in the store', () => {
    const p = partition(['a.test.ts', 'x.test.ts'], {
      shardCount: 2,
      durations: { ...durations, 'gone.test.ts': 999_999 },
    });
    expect(p.unknownEstimateMs).toBe(100);
  });

  it.each(['mean', 'median', 'p90'] as const)('%s: 1 s per file when nothing is known', (estimator) => {
    const p = partition(['b.test.ts', 'a.test.ts'], { shardCount: 2, estimator });
    expect(p.unknownEstimateMs).toBe(DEFAULT_UNKNOWN_MS);
    expect(p.unknownFiles).toEqual(['a.test.ts', 'b.test.ts']);
  });

  it('rejects a negative fixed estimate', () => {
    expect(() => partition(files, { shardCount: 2, estimator: { fixedMs: -1 } })).toThrow(/fixedMs/);
  });
});

describe('partition: the stability option', () => {
  /** A seeded log-normal suite, and the same suite re-measured with ±10% drift. */
  function suite(n: number, seed: number) {
    let s = seed >>> 0;
    const random = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const files = Array.from({ length: n }, (_, i) => `src/m${i % 7}/t${i}.test.ts`);
    const before = new Map(files.map((f) => [f, Math.round(Math.exp(7 + gauss()))]));
    const after = new Map([...before].map(([f, ms]) => [f, Math.round(ms * (0.9 + 0.2 * random()))]));
    return { files, before, after };
  }

  function moved(a: Plan, b: Plan): number {
    const shardOf = new Map<string, number>();
    for (const s of a.shards) for (const f of s.files) shardOf.set(f, s.index);
    let count = 0;
    for (const s of b.shards) for (const f of s.files) if (shardOf.get(f) !== s.index) count++;
    return count;
  }

  it.each([
    { name: '400 files, 8 shards', n: 400, k: 8 },
    { name: '1000 files, 16 shards', n: 1000, k: 16 },
    { name: '200 files, 4 shards', n: 200, k: 4 },
  ])('$name: moves few files under ±10% drift, never worse than a fresh plan', ({ n, k }) => {
    const { files, before, after } = suite(n, n + k);
    const first = partition(files, { shardCount: k, durations: before });
    const fresh = partition(files, { shardCount: k, durations: after });
    const stable = partition(files, { shardCount: k, durations: after, previous: first });
    expect(stable.makespanMs).toBeLessThanOrEqual(fresh.makespanMs);
    expect(moved(first, stable) / n).toBeLessThan(0.2);
    expect(stable.makespanMs).toBeGreaterThanOrEqual(stable.lowerBoundMs);
  });

  it('drops deleted files and places new ones', () => {
    const { files, before } = suite(120, 3);
    const first = partition(files, { shardCount: 4, durations: before });
    const next = [...files.slice(10), 'src/new/a.test.ts', 'src/new/b.test.ts'];
    const p = partition(next, { shardCount: 4, durations: before, previous: first });
    expect(p.shards.flatMap((s) => s.files).sort()).toEqual([...next].sort());
    expect(p.unknownFiles).toEqual(['src/new/a.test.ts', 'src/new/b.test.ts']);
  });

  it('ignores a previous plan with another shard count', () => {
    const { files, before } = suite(50, 4);
    const first = partition(files, { shardCount: 3, durations: before });
    const p = partition(files, { shardCount: 4, durations: before, previous: first });
    expect(p).toEqual(partition(files, { shardCount: 4, durations: before }));
  });

  it('is never worse than a fresh plan, for any previous plan (property)', () => {
    fc.assert(
      fc.property(suiteArb, kArb, fc.array(fc.nat()), (suite, k, assign) => {
        const names = suite.map((f) => f.name);
        // An arbitrary previous assignment, including files that no longer exist.
        const shards = Array.from({ length: k }, () => ({ files: [] as string[] }));
        [...names, 'gone.test.ts'].forEach((f, i) => shards[(assign[i] ?? i) % k]!.files.push(f));
        const durations = durationsOf(suite);
        const p = partition(names, { shardCount: k, durations, previous: { shards } });
        const fresh = partition(names, { shardCount: k, durations });
        expect(p.makespanMs).toBeLessThanOrEqual(fresh.makespanMs);
        expect(p.shards.flatMap((s) => s.files).sort()).toEqual([...names].sort());
      }),
      { numRuns: 100 },
    );
  });
});
