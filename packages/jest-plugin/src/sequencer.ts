import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  compareCodeUnits,
  durationsOf,
  estimateUnknownMs,
  isShardwiseError,
  normalizePath,
  partition,
  readStoreFile,
  reportFileName,
  serializeReport,
  ShardwiseError,
  unitKey,
  writeFileAtomicSync,
  type Plan,
  type PreviousPlan,
  type ReportPlan,
  type ShardSpec,
} from '@shardwise/core';
import type {
  AggregatedResult,
  GlobalConfig,
  SequencerOptions,
  ShardOptions,
  Test,
  TestResult,
} from './jest-types.js';
import { resolveOptions, type ShardwiseJestOptions } from './options.js';
import { buildReport } from './recorder.js';

// The CommonJS build through `require`: `{ default: TestSequencer }` in Jest 29 and 30 alike, which is also
// what the type declarations describe (an ESM `import` of Jest 30's package yields the class itself).
const require = createRequire(import.meta.url);
const { default: TestSequencer } = require('@jest/test-sequencer') as typeof import('@jest/test-sequencer', {
  with: { 'resolution-mode': 'require' },
});

const DEBUG = /(^|,)\s*shardwise\s*(,|$)/.test(process.env.DEBUG ?? '');

/** What one run knows once the options, the store and the previous plan are read. */
interface RunState {
  options: ShardwiseJestOptions;
  root: string;
  multiProject: boolean;
  /** Recorded durations by unit key; undefined when there is no store. */
  durations: Map<string, number> | undefined;
  previous: PreviousPlan | undefined;
}

/**
 * A Jest test sequencer that splits `jest --shard=I/N` by recorded time instead of by file count, orders
 * each shard longest first, and records every file's wall time for the next plan.
 *
 * Set it once in the root Jest config; nothing else is required:
 *
 * @example
 * // jest.config.js
 * export default { testSequencer: '@shardwise/jest' };
 * // CI job i of N:  npx jest --shard=i/N   → writes .shardwise/reports/jest-shard-i-of-N-<plan>.json
 * // final job:      npx shard merge --timings shard-timings.json .shardwise/reports
 */
export class ShardwiseSequencer extends TestSequencer {
  readonly #globalConfig: GlobalConfig | undefined;
  readonly #contextCount: number;
  #state: Promise<RunState> | undefined;
  #loaded: RunState | undefined;
  #plan: Plan | undefined;
  #shard: ShardSpec | undefined;
  readonly #time = new Map<string, number>();

  // Jest 30 passes `{contexts, globalConfig}`; Jest 29 passes nothing.
  constructor(options?: SequencerOptions) {
    super(options as SequencerOptions);
    this.#globalConfig = options?.globalConfig;
    this.#contextCount = options?.contexts.length ?? 0;
  }

  /**
   * Called by Jest only with `--shard=I/N`: plans every discovered test file with the timing store and
   * returns shard I, the same files `shard files --shard I/N` prints for that file list and store.
   */
  override async shard(tests: Array<Test>, options: ShardOptions): Promise<Array<Test>> {
    const start = performance.now();
    try {
      return await this.#shardTests(tests, options);
    } finally {
      this.#spent('shard', start);
    }
  }

  async #shardTests(tests: Array<Test>, { shardIndex, shardCount }: ShardOptions): Promise<Array<Test>> {
    const state = await this.#load(tests, true);
    const byKey = groupByKey(tests, state);
    const plan = partition(byKey.keys(), {
      shardCount,
      durations: state.durations,
      estimator: state.options.estimator,
      previous: state.previous,
    });
    this.#plan = plan;
    this.#shard = { index: shardIndex, count: shardCount };
    const mine = plan.shards[shardIndex - 1]!;
    const selected = mine.files.flatMap((key) => byKey.get(key) ?? []);
    if (selected.length === 0) {
      const why =
        byKey.size < shardCount
          ? `${byKey.size} test file(s) for ${shardCount} shards`
          : 'the plan put no file in it';
      notice(
        this.#globalConfig?.passWithNoTests
          ? `shard ${shardIndex}/${shardCount} is empty (${why}); nothing to run`
          : `shard ${shardIndex}/${shardCount} is empty (${why}); Jest fails a run with no tests, so pass --passWithNoTests to let an empty shard succeed`,
      );
    } else {
      notice(
        `shard ${shardIndex}/${shardCount}: ${mine.files.length} of ${byKey.size} file(s), ~${seconds(mine.estimatedMs)} of ~${seconds(plan.totalMs)} in total` +
          `${plan.unknownFiles.length > 0 ? `, ${plan.unknownFiles.length} estimated` : ''} (plan ${plan.fingerprint.slice(0, 8)})`,
      );
    }
    return selected;
  }

  /**
   * Orders the files to run longest first by the store, so Jest's workers finish together, and sets each
   * `test.duration` to its recorded time. Without a store it keeps Jest's own order.
   */
  override async sort(tests: Array<Test>): Promise<Array<Test>> {
    const start = performance.now();
    try {
      return await this.#sortTests(tests);
    } finally {
      this.#spent('sort', start);
    }
  }

  async #sortTests(tests: Array<Test>): Promise<Array<Test>> {
    const state = await this.#load(tests);
    if (state.durations === undefined) return super.sort(tests);
    const durations = state.durations;
    const keyed = tests.map((test) => ({ test, key: keyOf(test, state) }));
    const known: number[] = [];
    for (const { key } of keyed) {
      const d = durations.get(key);
      if (d !== undefined) known.push(d);
    }
    const estimate = estimateUnknownMs(known, state.options.estimator);
    const time = new Map<Test, number>();
    for (const { test, key } of keyed) {
      const d = durations.get(key);
      // Only recorded times: Jest runs small suites of fast files in band based on them.
      if (d !== undefined) test.duration = d;
      time.set(test, d ?? estimate);
    }
    return keyed
      .sort(
        (a, b) =>
          time.get(b.test)! - time.get(a.test)! ||
          compareCodeUnits(a.key, b.key) ||
          compareCodeUnits(a.test.path, b.test.path),
      )
      .map(({ test }) => test);
  }

  /**
   * Called by Jest after the run, synchronously and even when `--reporters` replaced the configured ones:
   * keeps Jest's own timing cache, then writes this run's shardwise report (not in watch mode).
   */
  override cacheResults(tests: Array<Test>, results: AggregatedResult): void {
    const start = performance.now();
    super.cacheResults(tests, results);
    this.#record(tests, results);
    this.#spent('cacheResults', start);
    if (DEBUG) {
      const parts = [...this.#time].map(([hook, ms]) => `${hook} ${ms.toFixed(1)}`).join(', ');
      const total = [...this.#time.values()].reduce((a, b) => a + b, 0);
      notice(`debug: time in the sequencer ${total.toFixed(1)} ms (${parts})`);
    }
  }

  #record(tests: Array<Test>, results: AggregatedResult): void {
    const state = this.#loaded;
    if (state === undefined || !state.options.record || this.#isWatching()) return;
    try {
      const plan = this.#plan ?? this.#unshardedPlan(tests, state);
      const keys = keyLookup(tests, state);
      const reportPlan: ReportPlan = {
        fingerprint: plan.fingerprint,
        shardCount: plan.shardCount,
        shards: plan.shards.map((s) => s.files),
      };
      if (this.#isPartial()) reportPlan.partial = true;
      const report = buildReport({
        results,
        keyOf: keys,
        shard: this.#shard,
        plan: reportPlan,
        testsFiltered: Boolean(this.#globalConfig?.testNamePattern),
        createdAt: new Date().toISOString(),
      });
      // Shards are named by plan, so no two shards of any run collide; an unsharded run is always
      // `jest-full.json`, so repeated local runs replace their report instead of piling up plans that
      // `shard merge` would rightly refuse to mix.
      const name = reportFileName('jest', this.#shard, this.#shard ? plan.fingerprint : undefined);
      const file = path.join(state.options.reportsDir, name);
      writeFileAtomicSync(file, serializeReport(report));
    } catch (error) {
      // Never fail a test run over its timing report; `shard merge` will name the shard whose report is missing.
      notice(`could not record timings: ${isShardwiseError(error) ? error.message : String(error)}`);
    }
  }

  /** Time spent in each hook, for `DEBUG=shardwise` (the overhead benchmark reads it). */
  #spent(hook: string, start: number): void {
    this.#time.set(hook, (this.#time.get(hook) ?? 0) + performance.now() - start);
  }

  /** Reads the options, the store and the previous plan once per run (`sharding`: called from `shard()`). */
  #load(tests: Array<Test>, sharding = false): Promise<RunState> {
    this.#state ??= this.#read(tests, sharding).then(
      (state) => (this.#loaded = state),
      (error: unknown) => {
        throw userFacing(error);
      },
    );
    return this.#state;
  }

  async #read(tests: Array<Test>, sharding: boolean): Promise<RunState> {
    const root = this.#globalConfig?.rootDir ?? commonRoot(tests);
    const options = resolveOptions(root);
    // Relative to the current directory when inside it: the path in messages is then the one people type.
    const store = await readStoreFile(displayPath(options.timings));
    if (store === undefined && sharding) {
      notice(
        `no timing store at ${displayPath(options.timings)}; planning by estimate. Run the suite, then \`npx shard merge --timings ${displayPath(options.timings)} ${displayPath(options.reportsDir)}\` to create it`,
      );
    }
    const projects = Math.max(this.#globalConfig?.projects.length ?? 0, this.#contextCount);
    const multiProject =
      projects >= 2 ||
      (this.#globalConfig === undefined && new Set(tests.map((t) => t.context.config)).size >= 2);
    const state: RunState = {
      options,
      root,
      multiProject,
      durations: store && durationsOf(store),
      previous: options.previous === undefined ? undefined : readPrevious(options.previous),
    };
    if (store && store.files.size > 0 && sharding) warnOnLowMatch(tests, state);
    return state;
  }

  #unshardedPlan(tests: Array<Test>, state: RunState): Plan {
    return partition(groupByKey(tests, state).keys(), {
      shardCount: 1,
      durations: state.durations,
      estimator: state.options.estimator,
    });
  }

  #isWatching(): boolean {
    const g = this.#globalConfig;
    if (g) return g.watch || g.watchAll;
    // Jest 29 gives the sequencer no config; its watch flags are on the command line.
    return process.argv.some((arg) => /^--watch(All)?(=|$)/.test(arg));
  }

  /** Whether Jest narrowed the file list (so the plan covers part of the suite). */
  #isPartial(): boolean {
    const g = this.#globalConfig as
      (GlobalConfig & { testPathPattern?: string; testPathPatterns?: { patterns?: string[] } }) | undefined;
    if (!g) return false;
    const patterns = (g.testPathPatterns?.patterns?.length ?? 0) > 0 || Boolean(g.testPathPattern);
    return (
      patterns ||
      g.onlyChanged ||
      g.onlyFailures ||
      g.lastCommit ||
      g.findRelatedTests ||
      Boolean(g.changedSince) ||
      Boolean(g.filter) ||
      // --selectProjects / --ignoreProjects
      (this.#contextCount > 0 && this.#contextCount < g.projects.length)
    );
  }
}

/**
 * A test's unit key: its POSIX path relative to the global `rootDir`, prefixed with the project's
 * `displayName` when the config has two or more projects (the same file in two projects is two units).
 */
function keyOf(test: Test, state: RunState): string {
  const rel = normalizePath(test.path, state.root);
  const name = displayNameOf(test.context.config.displayName);
  return state.multiProject && name ? unitKey(name, rel) : rel;
}

function displayNameOf(displayName: unknown): string | undefined {
  if (typeof displayName === 'string') return displayName;
  if (displayName && typeof displayName === 'object' && 'name' in displayName) {
    const name = (displayName as { name: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

function groupByKey(tests: Array<Test>, state: RunState): Map<string, Test[]> {
  const byKey = new Map<string, Test[]>();
  for (const test of tests) {
    const key = keyOf(test, state);
    const list = byKey.get(key);
    if (list) list.push(test);
    else byKey.set(key, [test]);
  }
  return byKey;
}

/** Maps a file result back to its unit key: by path and project name (a file may be in two projects). */
function keyLookup(tests: Array<Test>, state: RunState): (result: TestResult) => string {
  const byPathAndName = new Map<string, string>();
  for (const test of tests) {
    byPathAndName.set(
      `${test.path}\0${displayNameOf(test.context.config.displayName) ?? ''}`,
      keyOf(test, state),
    );
  }
  return (result) => {
    const name = displayNameOf(result.displayName) ?? '';
    return (
      byPathAndName.get(`${result.testFilePath}\0${name}`) ??
      (state.multiProject && name
        ? unitKey(name, normalizePath(result.testFilePath, state.root))
        : normalizePath(result.testFilePath, state.root))
    );
  };
}

/** Jest 29 only (no global config): the project root, or the deepest directory common to all projects. */
function commonRoot(tests: Array<Test>): string {
  const roots = [...new Set(tests.map((t) => t.context.config.rootDir))];
  if (roots.length === 0) return process.cwd();
  let common = roots[0]!;
  for (const root of roots.slice(1)) {
    while (path.relative(common, root).startsWith('..')) common = path.dirname(common);
  }
  return common;
}

/** Reads the previous plan for the stability option: `shard plan --json` output or a shardwise report. */
function readPrevious(file: string): PreviousPlan | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      notice(`no previous plan at ${displayPath(file)}; planning from scratch`);
      return undefined;
    }
    throw new ShardwiseError(
      'INVALID_OPTION',
      `${file}: cannot read the previous plan (${(error as Error).message})`,
    );
  }
  const invalid = () =>
    new ShardwiseError(
      'INVALID_OPTION',
      `${file}: not a plan; expected the output of \`shard plan --json\` ({"shards":[{"files":[…]}]}) or a shardwise report`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid();
  }
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((f) => typeof f === 'string');
  const v = value as { shards?: unknown; plan?: { shards?: unknown } } | null;
  if (
    v &&
    Array.isArray(v.shards) &&
    v.shards.every((s: unknown) => isStrings((s as { files?: unknown })?.files))
  ) {
    return { shards: (v.shards as { files: string[] }[]).map((s) => ({ files: s.files })) };
  }
  if (v && v.plan && Array.isArray(v.plan.shards) && v.plan.shards.every(isStrings)) {
    return { shards: (v.plan.shards as string[][]).map((files) => ({ files })) };
  }
  throw invalid();
}

/** The classic mistake (absolute or differently rooted keys) silently plans by estimate: say so. */
function warnOnLowMatch(tests: Array<Test>, state: RunState): void {
  const keys = new Set(tests.map((t) => keyOf(t, state)));
  let matched = 0;
  for (const key of keys) if (state.durations!.has(key)) matched++;
  if (keys.size > 0 && matched * 2 < keys.size) {
    const sample = [...state.durations!.keys()][0];
    notice(
      `only ${matched} of ${keys.size} test files have a time in ${displayPath(state.options.timings)}; its keys must be POSIX paths relative to ${state.root}` +
        `${state.multiProject ? ', prefixed "<displayName>|"' : ''} (a store key: ${JSON.stringify(sample)}, a test: ${JSON.stringify([...keys][0])})`,
    );
  }
}

/**
 * Jest prints `error.stack` of whatever the sequencer throws. A user error (a ShardwiseError) becomes one
 * line with no stack trace; anything else is a bug and keeps its stack.
 */
function userFacing(error: unknown): Error {
  if (!isShardwiseError(error)) return error as Error;
  // The store's message ends with the CLI's way out (--no-timings); under Jest the way out is the file.
  const message = error.message.replace(
    /; fix it, delete it to start over, or plan without it \(--no-timings\)$/,
    '; fix it, or delete it to plan by estimate',
  );
  const clean = new Error(`shardwise: ${message}`, { cause: error });
  clean.stack = clean.message;
  return clean;
}

function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
