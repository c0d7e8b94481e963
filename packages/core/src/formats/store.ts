import type * as Zod from 'zod';
import { ShardwiseError } from '../base/errors.js';
import { describeIssue, loadZod, parseJson } from '../base/json-text.js';
import { MAX_DURATION_MS } from './report.js';
import { StoreEntries } from './store-entries.js';
import { RUNNER_NAME, STORE_VERSION, type FileTiming, type TimingStore, type WallModel } from './records.js';

/**
 * The store's zod schemas, built on first use: valid stores never need them (see {@link parseStore}), and
 * loading zod costs more than the rest of `shard files`' start-up. The schemas stay the one authority on
 * what is valid and on every error message.
 */
export function timingSchemas() {
  return (schemas ??= buildSchemas(loadZod().z));
}
let schemas: ReturnType<typeof buildSchemas> | undefined;

function buildSchemas(z: typeof Zod.z) {
  const nonNegativeInt = z
    .number({ error: 'expected a non-negative integer' })
    .int('expected a non-negative integer')
    .min(0, 'expected a non-negative integer');
  const positiveInt = z
    .number({ error: 'expected a positive integer' })
    .int('expected a positive integer')
    .min(1, 'expected a positive integer');
  const duration = nonNegativeInt.max(MAX_DURATION_MS, `expected at most ${MAX_DURATION_MS} ms (7 days)`);
  const statusSchema = z.enum(['passed', 'failed', 'skipped'], {
    error: 'expected "passed", "failed" or "skipped"',
  });

  const testTiming = z.looseObject({
    name: z.string({ error: 'expected a string' }),
    durationMs: duration,
    status: statusSchema,
    group: z.string({ error: 'expected a string' }).optional(),
  });

  // Loose objects: fields added by a newer shardwise survive a rewrite by an older one.
  const fileTiming = z.looseObject({
    durationMs: duration,
    samples: positiveInt,
    recentMs: z.array(duration).optional(),
    provisional: z.boolean({ error: 'expected true or false' }).optional(),
    lastSeen: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
      .optional(),
    tests: z.array(testTiming).optional(),
    setupMs: duration.optional(),
  });

  const wallModel = z.looseObject({
    startupMs: duration,
    workerStartupMs: duration,
    workers: positiveInt,
    fileFixedMs: duration.optional(),
    fileGapMs: duration.optional(),
    samples: positiveInt.optional(),
  });
  const models = z.record(z.string().regex(RUNNER_NAME, 'expected a runner name such as "jest"'), wallModel);

  const store = z.looseObject({
    version: z.literal(
      STORE_VERSION,
      `expected ${STORE_VERSION} (this shardwise reads store format version 1)`,
    ),
    files: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object of file paths'),
  });
  return { testTiming, fileTiming, store, models };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An empty store. */
export function emptyStore(): TimingStore {
  return { version: STORE_VERSION, files: new Map() };
}

/**
 * Parses and validates store text. `source` names the file in errors. Throws a {@link ShardwiseError}
 * (`STORE_SYNTAX` or `STORE_SCHEMA`) whose message says the file, the place and the way out.
 *
 * @example
 * parseStore('{"version":1,"files":{"a.test.ts":{"durationMs":120,"samples":1}}}').files.get('a.test.ts')
 * // { durationMs: 120, samples: 1 }
 */
export function parseStore(text: string, source = 'timing store'): TimingStore {
  return parseStoreAs(text, source, false);
}

/**
 * {@link parseStore} for a job that only plans: the same validation and errors, but `files` reads the
 * parsed JSON itself (a {@link StoreEntries}) and becomes an ordinary map only when written to. Internal:
 * a structured clone of an unwritten one would see an empty map.
 */
export function parseStoreView(text: string, source = 'timing store'): TimingStore {
  return parseStoreAs(text, source, true);
}

function parseStoreAs(text: string, source: string, view: boolean): TimingStore {
  const options = { file: source, hint: { kind: 'store' } } as const;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ShardwiseError('STORE_SYNTAX', `${source}: invalid JSON at ${parsed.error}`, options);
  }
  // The common store, `{ version: 1, files: { … } }`, is recognised by hand; anything else goes to the
  // schema, which accepts or words the error exactly as it always has.
  const value = parsed.value as Record<string, unknown>;
  if (isPlainObject(value)) rejectNewerVersion(value.version, STORE_VERSION, source, 'STORE_SCHEMA');
  let entries: Record<string, unknown>;
  if (isPlainObject(value) && value.version === STORE_VERSION && isPlainObject(value.files)) {
    entries = value.files;
  } else {
    const top = timingSchemas().store.safeParse(value);
    if (!top.success) {
      throw new ShardwiseError('STORE_SCHEMA', `${source}: ${describeIssue(top.error, value)}`, options);
    }
    entries = top.data.files;
  }
  // Own keys of the parsed JSON (JSON.parse defines `__proto__` as an own property, which a read by key
  // finds before the prototype's accessor); never copied onto a plain object, so no key can reach a
  // prototype. Keys and a read each, not Object.entries: no [key, value] pair built per file.
  const keys = Object.keys(entries);
  // Preallocated and filled in order (no holes): the entries beside their keys, for one pass in order.
  const values = new Array<FileTiming>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = entries[key];
    if (isPlainEntry(value)) values[i] = value;
    else {
      // The schema is the one authority; the fast path above only admits what it would admit unchanged.
      const entry = timingSchemas().fileTiming.safeParse(value);
      if (!entry.success) {
        throw new ShardwiseError(
          'STORE_SCHEMA',
          `${source}: ${describeIssue(entry.error, value, ['files', key])}`,
          options,
        );
      }
      // The parsed object is ours: the schema's output replaces the entry in place (an own property, so
      // even `__proto__` is an ordinary write).
      entries[key] = values[i] = entry.data;
    }
    // Empty, a backslash, a leading '/' or a drive letter, in one native scan.
    if (NOT_RELATIVE_POSIX.test(key)) {
      throw new ShardwiseError(
        'STORE_SCHEMA',
        `${source}: files.${JSON.stringify(key)}: expected a POSIX path relative to the root (no "\\", not absolute)`,
        options,
      );
    }
  }
  // For planning, a map over the parsed object itself: no copy of 100,000 entries for a job that only
  // reads them.
  let files: Map<string, FileTiming>;
  if (view) files = new StoreEntries(keys, values, entries as Record<string, FileTiming>);
  else {
    files = new Map();
    for (let i = 0; i < keys.length; i++) files.set(keys[i]!, values[i]!);
  }
  const store: TimingStore = { version: STORE_VERSION, files };
  if (isPlainObject(value) && value.model !== undefined) store.models = parseModels(value.model, source);
  return store;
}

/** The store's `model` field: runner name → wall model, validated by its schema. */
function parseModels(value: unknown, source: string): Map<string, WallModel> {
  // Zod's record passes over a `__proto__` key in silence; a runner name is checked here first.
  const odd = isPlainObject(value) ? Object.keys(value).find((k) => !RUNNER_NAME.test(k)) : undefined;
  if (odd !== undefined) {
    throw new ShardwiseError(
      'STORE_SCHEMA',
      `${source}: model.${JSON.stringify(odd)}: expected a runner name such as "jest"`,
      { file: source, hint: { kind: 'store' } },
    );
  }
  const result = timingSchemas().models.safeParse(value);
  if (!result.success) {
    throw new ShardwiseError('STORE_SCHEMA', `${source}: ${describeIssue(result.error, value, ['model'])}`, {
      file: source,
      hint: { kind: 'store' },
    });
  }
  const models = new Map<string, WallModel>();
  for (const runner of Object.keys(result.data).sort()) models.set(runner, result.data[runner]!);
  return models;
}

/**
 * A file written by a newer shardwise (a higher format version) cannot be read by this one: say so, and that
 * upgrading is the fix, rather than calling the file broken.
 */
export function rejectNewerVersion(
  version: unknown,
  known: number,
  source: string,
  code: 'STORE_SCHEMA' | 'REPORT_SCHEMA' | 'HISTORY_INVALID' | 'QUARANTINE_INVALID',
): void {
  if (typeof version === 'number' && Number.isInteger(version) && version > known) {
    throw new ShardwiseError(
      code,
      `${source}: format version ${version}, written by a newer shardwise (this one reads version ${known})`,
      { file: source, hint: { kind: 'upgrade' } },
    );
  }
}

const NOT_RELATIVE_POSIX = /^$|\\|^\/|^[A-Za-z]:/;

/**
 * The common entry, `{ durationMs, samples[, recentMs][, lastSeen][, provisional] }`, checked by hand:
 * running the schema over 100,000 entries costs several times the `JSON.parse` of the file, and `shard files`
 * must start fast.
 */
function isPlainEntry(value: unknown): value is FileTiming {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  let fields = 0;
  for (const field in value) {
    if (
      field !== 'durationMs' &&
      field !== 'samples' &&
      field !== 'recentMs' &&
      field !== 'lastSeen' &&
      field !== 'provisional'
    )
      return false;
    fields++;
  }
  const v = value as Record<string, unknown>;
  return (
    isDuration(v.durationMs) &&
    (v.recentMs === undefined || (Array.isArray(v.recentMs) && v.recentMs.every(isDuration))) &&
    Number.isSafeInteger(v.samples) &&
    (v.samples as number) >= 1 &&
    (v.lastSeen === undefined ||
      (typeof v.lastSeen === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.lastSeen))) &&
    (v.provisional === undefined || typeof v.provisional === 'boolean') &&
    fields >= 2
  );
}

function isDuration(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_DURATION_MS;
}

/** The known durations of a store, for {@link partition}. */
export function durationsOf(store: TimingStore): Map<string, number> {
  const durations = new Map<string, number>();
  // forEach, not for…of: no [key, value] pair per entry (twice as fast on a cold first call).
  store.files.forEach((entry, key) => {
    durations.set(key, entry.durationMs);
  });
  return durations;
}

const ENTRY_FIELDS = [
  'durationMs',
  'samples',
  'recentMs',
  'provisional',
  'lastSeen',
  'setupMs',
  'tests',
] as const;

/**
 * Serializes a store deterministically: keys sorted by code units, one file per line, fields in a fixed
 * order. Identical stores give identical bytes, and one changed file changes one line of a diff.
 */
export function serializeStore(store: TimingStore): string {
  const keys = [...store.files.keys()].sort();
  const lines = keys.map((key) => `    ${JSON.stringify(key)}: ${serializeEntry(store.files.get(key)!)}`);
  const body = lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n  }`;
  return `{\n  "version": ${STORE_VERSION},\n${serializeModels(store.models)}  "files": ${body}\n}\n`;
}

const MODEL_FIELDS = [
  'startupMs',
  'workerStartupMs',
  'workers',
  'fileGapMs',
  'fileFixedMs',
  'samples',
] as const;

/** The `model` field, one runner per line, or nothing when no model was learned. */
function serializeModels(models: TimingStore['models']): string {
  if (!models || models.size === 0) return '';
  const lines = [...models.keys()].sort().map((runner) => {
    const model = models.get(runner)! as unknown as Record<string, unknown>;
    const parts = MODEL_FIELDS.filter((f) => model[f] !== undefined).map(
      (f) => `${JSON.stringify(f)}: ${JSON.stringify(model[f])}`,
    );
    return `    ${JSON.stringify(runner)}: { ${parts.join(', ')} }`;
  });
  return `  "model": {\n${lines.join(',\n')}\n  },\n`;
}

function serializeEntry(entry: FileTiming): string {
  const record = entry as unknown as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of ENTRY_FIELDS) {
    if (record[field] !== undefined) parts.push(`${JSON.stringify(field)}: ${JSON.stringify(record[field])}`);
  }
  // Unknown fields from a newer version, in sorted order.
  for (const field of Object.keys(record).sort()) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(field) && record[field] !== undefined) {
      parts.push(`${JSON.stringify(field)}: ${JSON.stringify(record[field])}`);
    }
  }
  return `{ ${parts.join(', ')} }`;
}
