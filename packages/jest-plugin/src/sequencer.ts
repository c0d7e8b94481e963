import { realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareCodeUnits,
  createReport,
  describeDiagnostic,
  detectCommit,
  judgeRun,
  planMessages,
  displayPath,
  durationsOf,
  estimateUnknownMs,
  exitOnUserError,
  formatError,
  isDebugEnabled,
  isShardwiseError,
  jobStartMs,
  jobTiming,
  nameFilter,
  normalizePath,
  pieceFilter,
  pieceTests,
  planRun,
  readRunInputs,
  reportFileName,
  serializeReport,
  writePinnedPlan,
  shardOf,
  unitKey,
  warningLine,
  writeFileAtomicSync,
  type PlanDiagnostic,
  type Piece,
  type PieceTests,
  type Plan,
  type ReportedFile,
  type RunInputs,
  type ShardSpec,
  type TestFilter,
} from '@shardwise/core';
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
  /** The store, previous plan and pinned plan, as read. */
  inputs: RunInputs;
  /** Recorded durations by unit key; undefined when there is no store. */
  durations: Map<string, number> | undefined;
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
    const state = await this.#load(tests, true);
    const byKey = groupByKey(tests, state);
    const shard = { index: shardIndex, count: shardCount };
    const run = planRun({
      files: byKey.keys(),
      shard,
      ...state.inputs,
      partial: this.#isPartial(),
      runner: 'jest',
      filter: this.#testFilter(),
      ...(state.options.workers ? { workers: state.options.workers } : {}),
      ...this.#splitInput(tests),
    });
    this.#plan = run.plan;
    this.#shard = shard;
    if (run.pieces.length > 0) this.#handPieces(run.pieces, run.plan, byKey);
    // `SHARDWISE_PLAN_OUT=plan.json jest --listTests --shard=1/N`: the plan job of a config the CLI cannot
    // list (several projects, whose files are keyed `name|path`) pins the plan the plugin made.
    if (state.options.planOut && !run.pinned) notice(await writePinnedPlan(state.options.planOut, run.plan));
    const store = state.options.timings ? displayPath(state.options.timings.path) : '';
    for (const m of planMessages(run, store, (d) => this.#word(d, state, store))) {
      if (m.level === 'warning') process.stderr.write(`${warningLine(m.text, process.env)}\n`);
      else notice(m.text);
    }
    // Pieces first: they belong to the files that set the plan's floor, the longest units of the shard.
    return [...run.pieces.map((p) => p.file), ...run.units].flatMap((key) => byKey.get(key) ?? []);
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

  /** Core's diagnostics in Jest's terms, where they differ from core's words (null: not said). */
  #word(d: PlanDiagnostic, state: RunState, store: string): string | null | undefined {
    switch (d.kind) {
      case 'no-store':
        if (d.explicit) return undefined;
        return `no timing store at ${store}; planning by estimate. Run the suite, then \`npx shard merge --timings ${store} ${displayPath(state.options.reportsDir)}\` to create it`;
      case 'low-match':
        return `${describeDiagnostic(d, store)} Keys are POSIX paths relative to ${state.root}${state.multiProject ? ', prefixed "<displayName>|"' : ''}.`;
      case 'empty-shard':
        return this.#globalConfig?.passWithNoTests
          ? undefined
          : `shard ${d.shard.index}/${d.shard.count} is empty (${d.files} test file(s) for ${d.shard.count} shards); Jest fails a run with no tests, so pass --passWithNoTests to let an empty shard succeed`;
      case 'unknown-files':
        return null;
      default:
        return undefined;
    }
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
    } finally {
      this.#spent('sort', start);
    }
  }

  async #sortTests(tests: Array<Test>): Promise<Array<Test>> {
    const state = await this.#load(tests);
    const native = await super.sort(tests);
    // A sharded run runs its files in the plan's order (longest first when planned), as Vitest does.
    if (this.#plan && this.#shard) {
      const mine = shardOf(this.#plan, this.#shard.index);
      const order = [...(mine.pieces ?? []).map((p) => p.file), ...mine.files];
      const rank = new Map(order.map((key, i) => [key, i]));
      const at = (test: Test) => rank.get(keyOf(test, state)) ?? Number.MAX_SAFE_INTEGER;
      return native
        .map((test, i) => ({ test, at: at(test), i }))
        .sort((a, b) => a.at - b.at || a.i - b.i)
        .map(({ test }) => test);
    }
    if (state.durations === undefined) return native;
    const durations = state.durations;
    const keyed = native.map((test) => ({ test, key: keyOf(test, state) }));
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
   * Called by Jest after the run, synchronously and even when `--reporters` replaced the configured ones:
   * keeps Jest's own timing cache, then writes this run's shardwise report (not in watch mode).
   */
  override cacheResults(tests: Array<Test>, results: AggregatedResult): void {
    const start = performance.now();
    super.cacheResults(tests, results);
    if (this.#piecesFile) rmSync(this.#piecesFile, { force: true });
    const files = this.#record(tests, results);
    if (files && !results.success) this.#applyQuarantine(files, results);
    this.#spent('cacheResults', start);
    if (DEBUG) {
      const parts = [...this.#time].map(([hook, ms]) => `${hook} ${ms.toFixed(1)}`).join(', ');
      const total = [...this.#time.values()].reduce((a, b) => a + b, 0);
      notice(`debug: time in the sequencer ${total.toFixed(1)} ms (${parts})`);
    }
  }

  /** Writes the run's report; returns its files (for the quarantine), or undefined when nothing is recorded. */
  #record(tests: Array<Test>, results: AggregatedResult): ReportedFile[] | undefined {
    const state = this.#loaded;
    if (state === undefined || this.#isWatching() || tests.length === 0) return undefined;
    // Nothing to write and nothing for the quarantine to judge: no entries (they hash every test file).
    if (!state.options.record && results.success) return undefined;
    const end = Date.now();
    const jobStart = jobStartMs();
    const files = jestFiles(results, keyLookup(tests, state), jobStart, this.#pieces);
    if (!state.options.record) return files;
    try {
      const filter = this.#testFilter();
      const plan = this.#plan ?? this.#unshardedPlan(tests, state);
      const commit = detectCommit(process.env, state.root);
      const report = createReport({
        runner: 'jest',
        shard: this.#shard,
        plan,
        partial: this.#isPartial(),
        testsFiltered: false,
        ...(filter ? { filter } : {}),
        createdAt: new Date(end).toISOString(),
        job: jobTiming(jobStart, end, jestWorkers(tests, this.#globalConfig)),
        ...(commit ? { commit } : {}),
        files,
      });
      // Shards are named by plan, so no two shards of any run collide; an unsharded run is always
      // `jest-full.json`, so repeated local runs replace their report instead of piling up plans that
      // `shard merge` would rightly refuse to mix.
      const name = reportFileName('jest', this.#shard, this.#shard ? plan.fingerprint : undefined);
      const file = path.join(state.options.reportsDir, name);
      writeFileAtomicSync(file, serializeReport(report));
    } catch (error) {
      // Never fail a test run over its timing report; `shard merge` will name the shard whose report is missing.
      notice(`could not record timings: ${isShardwiseError(error) ? formatError(error) : String(error)}`);
    }
    return files;
  }

  /**
   * A failed run whose every failure is a quarantined test passes: Jest picks its exit code from
   * `results.success` after this hook returns (jest-cli's readResultsAndExit), so the sequencer, which the
   * one-line setup installs, has its say without a wrapper. Failures outside tests (a file that did not
   * load, a snapshot left obsolete) are never the quarantine's to forgive.
   */
  #applyQuarantine(files: ReportedFile[], results: AggregatedResult): void {
    const state = this.#loaded!;
    try {
      const { pass, lines } = judgeRun(state.options.quarantine, files, process.env);
      for (const line of lines) process.stderr.write(`${line}\n`);
      if (pass && results.numRuntimeErrorTestSuites === 0 && !results.snapshot.failure)
        results.success = true;
    } catch (error) {
      void exitOnUserError(error);
    }
  }

  /** Time spent in each hook, for `DEBUG=shardwise` (the overhead benchmark reads it). */
  #spent(hook: string, start: number): void {
    this.#time.set(hook, (this.#time.get(hook) ?? 0) + performance.now() - start);
  }

  /** Reads the options, the store and the previous and pinned plans once per run. */
  #load(tests: Array<Test>, sharding = false): Promise<RunState> {
    this.#state ??= this.#read(tests, sharding).then(
      (state) => (this.#loaded = state),
      (error: unknown) => {
        return exitOnUserError(error);
      },
    );
    return this.#state;
  }

  async #read(tests: Array<Test>, sharding: boolean): Promise<RunState> {
    const root = this.#globalConfig?.rootDir ?? commonRoot(tests);
    const options = resolveOptions(root);
    const inputs = await readRunInputs(options).catch((error: unknown) => {
      // An unsharded run uses the store only to order its files (Vitest's does not read it at all): a
      // broken store is said loudly there, but does not fail tests that run in full either way. Its report
      // still goes to `shard merge`, which refuses the broken store.
      if (sharding || !isShardwiseError(error) || !error.code.startsWith('STORE_')) throw error;
      process.stderr.write(
        `${warningLine(`${formatError(error)}; running in Jest's own order`, process.env)}\n`,
      );
      return readRunInputs({ ...options, timings: undefined });
    });
    const projects = Math.max(this.#globalConfig?.projects.length ?? 0, this.#contextCount);
    const multiProject =
      projects >= 2 ||
      (this.#globalConfig === undefined && new Set(tests.map((t) => t.context.config)).size >= 2);
    return {
      options,
      root,
      multiProject,
      inputs,
      durations: inputs.store.state === 'loaded' ? durationsOf(inputs.store.store) : undefined,
    };
  }

  #unshardedPlan(tests: Array<Test>, state: RunState): Plan {
    // The run's own plan, for its report: no previous or pinned plan applies to an unsharded run.
    const { store, estimator } = state.inputs;
    return planRun({ files: groupByKey(tests, state).keys(), shardCount: 1, store, estimator }).plan;
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
  const rel = normalizePath(test.path, state.root);
  const name = displayNameOf(test.context.config.displayName);
  return state.multiProject && name ? unitKey(name, rel) : rel;
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

/** shardwise's own test runner, as Jest resolves a `testRunner` (a real path). */
const OWN_RUNNER = realpathOf(fileURLToPath(new URL('./runner.js', import.meta.url)));

function realpathOf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function notice(message: string): void {
  process.stderr.write(`shardwise: ${message}\n`);
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
