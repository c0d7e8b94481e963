import { realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareCodeUnits,
  exitOnUserError,
  fileKey,
  finishRun,
  formatError,
  isDebugEnabled,
  isShardwiseError,
  jobStartMs,
  nameFilter,
  notice,
  pieceFilter,
  pieceTests,
  planShard,
  unshardedPlan,
  warn,
  writeFileAtomicSync,
  type Piece,
  type PieceTests,
  type Plan,
  type ShardSpec,
  type TestFilter,
} from '@shardwise/core/light';
import type {
  AggregatedResult,
  BaseSequencerModule,
  GlobalConfig,
  SequencerOptions,
  ShardOptions,
  Test,
  TestResult,
} from './jest-types.js';
import { resolveOptions, type ShardwiseJestOptions } from './options.js';
import { jestFiles, jestWorkers, type JestPiece } from './recorder.js';
import { INNER_RUNNER_ENV, PIECES_ENV } from './runner.js';

const { default: TestSequencer } = loadBaseSequencer();

const DEBUG = isDebugEnabled(process.env);

/** What one run knows once the options, the store and the previous plan are read. */
interface RunState {
  options: ShardwiseJestOptions;
  root: string;
  multiProject: boolean;
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
  /** This shard's pieces of split files, by unit key, and the file that hands them to the runner. */
  #pieces: Map<string, JestPiece> | undefined;
  #piecesFile: string | undefined;
  /** This shard's units in the plan's order (pieces first), when sharded. */
  #units: string[] | undefined;
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
    } catch (error) {
      return exitOnUserError(error);
    } finally {
      this.#spent('shard', start);
    }
  }

  async #shardTests(tests: Array<Test>, { shardIndex, shardCount }: ShardOptions): Promise<Array<Test>> {
    const state = await this.#load(tests);
    const byKey = groupByKey(tests, state);
    const shard = { index: shardIndex, count: shardCount };
    const run = await planShard({
      runner: 'jest',
      settings: state.options,
      files: byKey.keys(),
      shard,
      partial: this.#isPartial(),
      filter: this.#testFilter(),
      ...this.#splitInput(tests),
      failsWhenEmpty: !this.#globalConfig?.passWithNoTests,
      word: (d, neutral) => {
        if (d.kind === 'unknown-files') return null;
        if (d.kind !== 'low-match') return undefined;
        const prefix = state.multiProject ? ', prefixed "<displayName>|"' : '';
        return `${neutral} Keys are POSIX paths relative to ${state.root}${prefix}.`;
      },
    });
    this.#plan = run.plan;
    this.#shard = shard;
    if (run.pieces.length > 0) this.#handPieces(run.pieces, run.plan, byKey);
    // Pieces first: they belong to the files that set the plan's floor, the longest units of the shard.
    this.#units = [...run.pieces.map((p) => p.file), ...run.units];
    return this.#units.flatMap((key) => byKey.get(key) ?? []);
  }

  /**
   * Whether this run can run pieces of files, and why not: every project must run its tests through
   * shardwise's test runner (`testRunner: '@shardwise/jest/runner'`), which delegates to jest-circus, and
   * the user's own `-t` would meet a piece's filter.
   */
  #splitInput(tests: Array<Test>): { split: boolean; wholeFilesBecause?: string } {
    const inner = process.env[INNER_RUNNER_ENV];
    let because: string | undefined;
    if (this.#testFilter() !== undefined) because = 'a run with -t plans whole files';
    else if (inner && !/jest-circus/.test(inner))
      because = `${INNER_RUNNER_ENV}=${inner} is not jest-circus, and only jest-circus can run part of a file`;
    else if (!tests.every((t) => realpathOf(t.context.config.testRunner) === OWN_RUNNER))
      because = `Jest runs whole files: add \`testRunner: '@shardwise/jest/runner'\` beside the sequencer in the Jest config to run pieces`;
    return because === undefined ? { split: true } : { split: false, wholeFilesBecause: because };
  }

  /**
   * Hands this shard's pieces to the runner in Jest's workers: a file named in the environment, which
   * the workers Jest starts after sharding inherit (the list can be too long for a variable).
   */
  #handPieces(pieces: readonly Piece[], plan: Plan, byKey: Map<string, Test[]>): void {
    this.#pieces = new Map();
    const byPath: Record<string, PieceTests> = {};
    for (const piece of pieces) {
      const tests = pieceTests(piece, plan);
      this.#pieces.set(piece.file, { piece: piece.piece, of: piece.of, runs: pieceFilter(tests) });
      for (const test of byKey.get(piece.file) ?? []) byPath[test.path] = tests;
    }
    this.#piecesFile = path.join(os.tmpdir(), `shardwise-jest-pieces-${process.pid}.json`);
    writeFileAtomicSync(this.#piecesFile, JSON.stringify(byPath));
    process.env[PIECES_ENV] = this.#piecesFile;
  }

  /**
   * Orders the files to run longest first by the store, so Jest's workers finish together. Each
   * `test.duration` is what Jest's own sequencer sets (from Jest's cache), never a time from the store: Jest
   * decides from those whether to run in band, and shardwise must not change how tests execute.
   */
  override async sort(tests: Array<Test>): Promise<Array<Test>> {
    const start = performance.now();
    try {
      return await this.#sortTests(tests);
    } catch (error) {
      // A named quarantine file that is broken or missing (read with the store) ends the run now.
      return exitOnUserError(error);
    } finally {
      this.#spent('sort', start);
    }
  }

  async #sortTests(tests: Array<Test>): Promise<Array<Test>> {
    const state = await this.#load(tests);
    const native = await super.sort(tests);
    // A sharded run runs its files in the plan's order (longest first when planned), as Vitest does.
    if (this.#units) {
      const rank = new Map(this.#units.map((key, i) => [key, i]));
      const at = (test: Test) => rank.get(keyOf(test, state)) ?? Number.MAX_SAFE_INTEGER;
      return native
        .map((test, i) => ({ test, at: at(test), i }))
        .sort((a, b) => a.at - b.at || a.i - b.i)
        .map(({ test }) => test);
    }
    // Nothing to order (a --listTests or --findRelatedTests that matched no file): nothing to plan either.
    if (native.length === 0) return native;
    const keyed = native.map((test) => ({ test, key: keyOf(test, state) }));
    this.#plan = await unshardedPlan(new Set(keyed.map((k) => k.key)));
    const durations = await this.#storeTimes(state);
    if (durations === undefined) return native;
    const { estimateUnknownMs } = await import('@shardwise/core/planning');
    const known: number[] = [];
    for (const { key } of keyed) {
      const d = durations.get(key);
      if (d !== undefined) known.push(d);
    }
    const estimate = estimateUnknownMs(known, state.options.estimator);
    const time = new Map<Test, number>();
    for (const { test, key } of keyed) time.set(test, durations.get(key) ?? estimate);
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
   * The store's times, by unit key, for an unsharded run's order (undefined with no store). It orders files
   * only (Vitest's unsharded run does not read it at all): a broken store is said loudly, but does not fail
   * tests that run in full either way. Its report still goes to `shard merge`, which refuses the broken store.
   */
  async #storeTimes(state: RunState): Promise<Map<string, number> | undefined> {
    const { readRunInputs, durationsOf } = await import('@shardwise/core/planning');
    const inputs = await readRunInputs(state.options).catch((error: unknown) => {
      if (!isShardwiseError(error) || !error.code.startsWith('STORE_')) throw error;
      warn(`${formatError(error)}; running in Jest's own order`);
      return readRunInputs({ ...state.options, timings: undefined });
    });
    return inputs.store.state === 'loaded' ? durationsOf(inputs.store.store) : undefined;
  }

  /**
   * Called by Jest after the run, synchronously and even when `--reporters` replaced the configured ones:
   * keeps Jest's own timing cache, then writes this run's shardwise report (not in watch mode).
   */
  override cacheResults(tests: Array<Test>, results: AggregatedResult): void {
    const start = performance.now();
    super.cacheResults(tests, results);
    if (this.#piecesFile) rmSync(this.#piecesFile, { force: true });
    this.#finish(tests, results);
    this.#spent('cacheResults', start);
    if (DEBUG) {
      const parts = [...this.#time].map(([hook, ms]) => `${hook} ${ms.toFixed(1)}`).join(', ');
      const total = [...this.#time.values()].reduce((a, b) => a + b, 0);
      notice(`debug: time in the sequencer ${total.toFixed(1)} ms (${parts})`);
    }
  }

  /**
   * Writes the run's report and judges a failed run by the quarantine: a failed run whose every failure is
   * a quarantined test passes. Jest picks its exit code from `results.success` after this hook returns
   * (jest-cli's readResultsAndExit), so the sequencer, which the one-line setup installs, has its say
   * without a wrapper. A file that did not load or a snapshot left obsolete fails the run outside its tests.
   */
  #finish(tests: Array<Test>, results: AggregatedResult): void {
    const state = this.#loaded;
    if (state === undefined || this.#isWatching() || tests.length === 0) return;
    const jobStart = jobStartMs();
    const { pass } = finishRun({
      runner: 'jest',
      settings: state.options,
      shard: this.#shard,
      plan: this.#plan,
      partial: this.#isPartial(),
      filter: this.#testFilter(),
      job: { start: jobStart, end: Date.now(), workers: jestWorkers(tests, this.#globalConfig) },
      files: () => jestFiles(results, keyLookup(tests, state), jobStart, this.#pieces),
      failed: !results.success,
      failedOutsideTests: results.numRuntimeErrorTestSuites > 0 || results.snapshot.failure,
    });
    if (pass) results.success = true;
  }

  /** Time spent in each hook, for `DEBUG=shardwise` (the overhead benchmark reads it). */
  #spent(hook: string, start: number): void {
    this.#time.set(hook, (this.#time.get(hook) ?? 0) + performance.now() - start);
  }

  /** Reads the options once per run. */
  #load(tests: Array<Test>): Promise<RunState> {
    this.#state ??= Promise.resolve(tests)
      .then((t) => this.#read(t))
      .then(
        (state) => (this.#loaded = state),
        (error: unknown) => {
          return exitOnUserError(error);
        },
      );
    return this.#state;
  }

  #read(tests: Array<Test>): RunState {
    const root = this.#globalConfig?.rootDir ?? commonRoot(tests);
    const options = resolveOptions(root);
    const projects = Math.max(this.#globalConfig?.projects.length ?? 0, this.#contextCount);
    const multiProject =
      projects >= 2 ||
      (this.#globalConfig === undefined && new Set(tests.map((t) => t.context.config)).size >= 2);
    return { options, root, multiProject };
  }

  #isWatching(): boolean {
    const g = this.#globalConfig;
    if (g) return g.watch || g.watchAll;
    // Jest 29 gives the sequencer no config; its watch flags are on the command line.
    return process.argv.some((arg) => /^--watch(All)?(=|$)/.test(arg));
  }

  /**
   * The test-name filter of the run (`-t`, `--testNamePattern`, or `testNamePattern` in the config), as
   * Jest applies it: case-insensitive, against the test's names joined by a space. Jest 30 gives it in the
   * global config, whichever way it was written; Jest 29 gives the sequencer no config, so its command
   * line is read, as for the watch flags.
   */
  #testFilter(): TestFilter | undefined {
    const pattern = this.#globalConfig ? this.#globalConfig.testNamePattern : namePatternInArgv(process.argv);
    return pattern ? nameFilter(`testNamePattern /${pattern}/i`, new RegExp(pattern, 'i')) : undefined;
  }

  /** Whether Jest narrowed the file list (so the plan covers part of the suite). */
  #isPartial(): boolean {
    // Jest 29's `testPathPattern` is not in Jest 30's types (tsc needs the cast; typescript-eslint misreads it).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
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
  return fileKey(test.path, state.root, displayNameOf(test.context.config.displayName), state.multiProject);
}

function displayNameOf(displayName: unknown): string | undefined {
  if (typeof displayName === 'string') return displayName;
  if (displayName && typeof displayName === 'object' && 'name' in displayName) {
    const name = displayName.name;
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
      fileKey(result.testFilePath, state.root, name, state.multiProject)
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

/** shardwise's own test runner, as Jest resolves a `testRunner` (a real path). */
const OWN_RUNNER = realpathOf(fileURLToPath(new URL('./runner.js', import.meta.url)));

function realpathOf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Jest's own base sequencer, from the Jest that is running: the `@jest/test-sequencer` its `jest-config`
 * resolves (what Jest uses when no sequencer is configured), so a project on Jest 29 or 30.2 gets its own
 * version, not a second copy. Outside a Jest run (a test importing this module), the peer dependency.
 * The CommonJS build through `require`: `{ default: TestSequencer }` in Jest 29 and 30 alike.
 */
function loadBaseSequencer(): BaseSequencerModule {
  const require = createRequire(import.meta.url);
  const jestConfig = Object.keys(require.cache).find((file) =>
    /[\\/]jest-config[\\/]build[\\/]index\.js$/.test(file),
  );
  const from = jestConfig ? createRequire(jestConfig) : require;
  return from('@jest/test-sequencer') as BaseSequencerModule;
}

/** The value of `-t`/`--testNamePattern` on Jest's command line (Jest 29 gives the sequencer no config). */
function namePatternInArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const match = /^(?:-t|--testNamePattern|--test-name-pattern)(?:=(.*))?$/.exec(argv[i]!);
    if (match) return match[1] ?? argv[i + 1];
  }
  return undefined;
}
