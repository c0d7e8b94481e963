import { ShardwiseError } from '../base/errors.js';
import { estimateUnknownMs, type Estimator } from '../base/estimate.js';
import { partition } from './partition.js';
import { compareCodeUnits, splitUnitKey } from '../base/paths.js';
import type { PlanFile } from '../formats/plan-file.js';
import { predictedMs, shardOf, type Plan, type PlannedShard } from '../formats/plan.js';
import { splitPlan } from './split-choice.js';
import type { Piece } from '../formats/plan.js';
import type { ShardSpec } from '../base/shard-spec.js';
import { addSpreads } from '../model/spread.js';
import type { TimingStore } from '../formats/records.js';
import { normalizeUnitKey, splitTestKey, testFileOf } from '../base/test-key.js';
import { filteredDurationMs, type TestFilter } from '../model/test-filter.js';
import type { WallModel } from '../formats/records.js';

/** What a front end knows before planning: every unit of the run and the inputs it read. */
export interface PlanRunInput {
  /** Every unit key of the run (POSIX paths relative to `root`, `project|path` for named projects). */
  files: Iterable<string>;
  /** Directory that absolute paths in `files` are made relative to. */
  root?: string;
  /** Where the files came from, for the error when there are none (e.g. `the default test patterns in /repo`). */
  fileSource?: string;
  /** This job's shard; without it (`shard plan`) only the plan is made. */
  shard?: ShardSpec;
  /** The shard count when no shard is given. */
  shardCount?: number;
  /** The store: loaded, missing (a first run) or turned off. */
  store:
    | { state: 'loaded'; store: TimingStore }
    | { state: 'missing'; explicit?: boolean }
    | { state: 'disabled' };
  /** @default 'mean' */
  estimator?: Estimator;
  /** The stability option's previous plan. */
  previous?: PlanFile | undefined;
  /** A pinned plan: run exactly its shards, never re-plan (an error when it no longer fits the files). */
  pinned?: { plan: PlanFile; source: string } | undefined;
  /** The runner was asked for part of the suite (a path filter, `--changed`, a project filter). */
  partial?: boolean;
  /**
   * Whose wall-clock model to plan with (`jest`, `vitest`, `playwright`): the store's model for that
   * runner. Without it, the store's only model when it has exactly one.
   */
  runner?: string;
  /** Workers per shard job, over the learned count (a `--workers` flag, a plugin option). */
  workers?: number;
  /**
   * The front end can run pieces of files (test-level splits): a file that sets the floor of the plan is
   * split when that lowers the slowest shard. Without it the plan stays file-level, and `plan.split` says
   * what splitting would gain.
   * @default false
   */
  split?: boolean;
  /**
   * Whether to work out what splitting would gain when it is not applied (`plan.split`, the
   * `split-unused` diagnostic): a second plan of the whole suite when one file sets the floor. Off for a
   * front end that says nothing of it (`shard files`, `shard run`). @default true
   */
  splitSummary?: boolean;
  /**
   * Why this run plans whole files when `split` is off, in the front end's words ("…: add
   * `testRunner: '@shardwise/jest/runner'` to the Jest config"), for the `split-unused` line.
   */
  wholeFilesBecause?: string;
  /**
   * The run's test filter: a file it runs only part of is planned at its fixed cost plus the stored times
   * of the tests it selects (what a run with the same filter recorded), not at its whole time.
   */
  filter?: TestFilter;
  /**
   * What the front end calls one thing it plans, in every line about the plan: Playwright plans `unit`s
   * (a file, or a test or group of a parallel file), the others test files.
   * @default 'file'
   */
  unit?: UnitNoun;
  /**
   * The front end lists test files itself (the CLI's patterns or file list), where a runner plugin has the
   * runner list its units: such a front end cannot plan Playwright's units, and says so.
   * @default false
   */
  listsFiles?: boolean;
  /**
   * Whether to work out each shard's spread (`spreadMs`, a second read of every file's entry): off for a
   * front end that neither shows it nor writes a report (`shard files`, `shard run`). @default true
   */
  spreads?: boolean;
}

/** The word for one planned thing: a test `file`, or a Playwright `unit`. */
export type UnitNoun = 'file' | 'unit';

/** How well the store fits the units of the run. */
export interface MatchStats {
  /** Units in the run. */
  files: number;
  /** Units with a recorded duration. */
  timed: number;
  /** Entries in the store. */
  entries: number;
}

/**
 * What a front end should tell the user about a plan, as data; each front end words it its own way
 * ({@link describeDiagnostic} is the neutral wording).
 */
export type PlanDiagnostic =
  /**
   * No store at its path: every file was planned by estimate. Normal on a first run at the default path;
   * at a path the user named (`explicit`) it is probably a mistake, and front ends warn loudly.
   */
  | { kind: 'no-store'; files: number; estimateMs: number; explicit: boolean }
  /** Some files have no recorded duration and were planned by estimate. */
  | { kind: 'unknown-files'; count: number; files: number; estimateMs: number }
  /** Few store entries match the units: the store's keys are probably rooted elsewhere. */
  | {
      kind: 'low-match';
      match: MatchStats;
      example: { key: string; file: string } | undefined;
      sample: string;
      /** Store keys `project|path` whose path is a file of the run: a store written for named projects. */
      projectKeyed: number;
      /** Store keys that match no unit of the run (a sample of up to 20, for front ends to look into). */
      unmatched: string[];
    }
  /**
   * The store knows many files the run did not list ({@link isManyUnlisted}): test file patterns that miss
   * part of the suite, or entries of files deleted since. Only for a front end that lists files itself
   * (`listsFiles`), which can look at the files to tell which.
   */
  | {
      kind: 'unlisted-entries';
      match: MatchStats;
      /** Store keys that name no listed file (neither it, its project's key, nor a test or group of it). */
      unlisted: number;
      /** Up to 20 of them. */
      sample: string[];
    }
  /** This job's shard got no file (more shards than files, or the plan left it empty). */
  | { kind: 'empty-shard'; shard: ShardSpec; files: number }
  /** The previous plan has another shard count, so it was not used. */
  | { kind: 'previous-ignored'; shardCount: number; previousShardCount: number }
  /**
   * A file sets the floor of the plan and splitting it by test would lower the slowest shard, but this
   * front end plans whole files (it cannot run pieces, or was asked not to).
   */
  | {
      kind: 'split-unused';
      /** Why the run plans whole files, when the front end said. */
      because?: string;
      files: { file: string; of: number }[];
      fileLevelMs: number;
      splitMs: number;
    };

/** The result of {@link planRun}. */
export interface RunPlan {
  plan: Plan;
  /** This job's shard, when one was given. */
  shard: ShardSpec | undefined;
  /** This shard's unit keys in run order (longest first); empty without a shard. */
  units: string[];
  /** This shard's pieces of split files, longest first; empty without a shard or a split. */
  pieces: Piece[];
  /** Whether the plan came from a pinned plan file (its source), rather than from planning. */
  pinned: string | undefined;
  match: MatchStats;
  diagnostics: PlanDiagnostic[];
  /** What the plan's lines call one planned thing ({@link PlanRunInput.unit}). */
  unit: UnitNoun;
}

/**
 * The one planning rule of every front end: the files, the store and the options in; the plan, this
 * shard's units and what to tell the user out. Pure and deterministic.
 *
 * @example
 * const run = planRun({ files: ['a.test.ts', 'b.test.ts'], shard: { index: 1, count: 2 }, store: { state: 'missing' } });
 * run.units; // ['a.test.ts']
 */
export function planRun(input: PlanRunInput): RunPlan {
  const shardCount = input.shard?.count ?? input.shardCount ?? 1;
  const store = input.store.state === 'loaded' ? input.store.store : undefined;
  // The store's own entries: partition reads their durationMs, so no second map of 100k entries is built
  // (but for a filtered run, whose files cost what the filter selects).
  const durations = store && input.filter ? filteredDurations(store, input.filter) : store?.files;
  const estimator = input.estimator ?? 'mean';
  const unit = input.unit ?? 'file';
  const diagnostics: PlanDiagnostic[] = [];
  if (input.listsFiles) refuseRunnerUnits(store, input.runner, shardCount);

  let plan: Plan;
  if (input.pinned) {
    const keys = [...input.files].map((f) => normalizeUnitKey(f, input.root)).filter((f) => f !== '');
    plan = pinnedPlan(
      input.pinned,
      keys,
      shardCount,
      durations,
      estimator,
      input.partial === true,
      input.split === true,
      unit,
    );
  } else {
    const previous = input.previous;
    if (previous && previous.shardCount !== shardCount) {
      diagnostics.push({ kind: 'previous-ignored', shardCount, previousShardCount: previous.shardCount });
    }
    // partition normalizes the paths itself (once: at 100k files it is a good part of planning).
    const wall = wallModelFor(store, input.runner, input.workers);
    plan = partition(input.files, {
      shardCount,
      ...(input.root === undefined ? {} : { root: input.root }),
      ...(wall ? { wall } : {}),
      durations,
      estimator,
      ...(previous ? { previous: { shards: previous.shards.map((files) => ({ files })) } } : {}),
    });
    if (store && (input.split === true || input.splitSummary !== false))
      plan = splitPlan(plan, { store, estimator, apply: input.split === true, ...(wall ? { wall } : {}) });
    if (store && input.spreads !== false) addSpreads(plan, store.files);
  }

  let files = 0;
  for (const shard of plan.shards) files += shard.files.length;
  // A split file is one file of the run, whatever its pieces.
  if (plan.split?.applied) files += plan.split.files.length;
  const match: MatchStats = {
    files,
    timed: files - plan.unknownFiles.length,
    entries: store?.files.size ?? 0,
  };
  if (files === 0) {
    // Nothing to run at all is never a green build: a glob typo, a wrong root, an empty list.
    const from = input.fileSource ? ` (from ${input.fileSource})` : '';
    throw new ShardwiseError('NO_TEST_FILES', `no test files found${from}`, { hint: { kind: 'patterns' } });
  }
  // A pinned plan is not planned here, so what the store holds says nothing about it.
  if (!input.pinned) diagnoseStore(input, plan, match, store, diagnostics);
  const split = plan.split;
  if (split && !split.applied && split.files.length > 0) {
    diagnostics.push({
      kind: 'split-unused',
      ...(input.wholeFilesBecause ? { because: input.wholeFilesBecause } : {}),
      files: split.files,
      fileLevelMs: split.fileLevelMs,
      splitMs: split.splitMs,
    });
  }
  const mine = input.shard ? shardOf(plan, input.shard.index) : undefined;
  const units = mine?.files ?? [];
  const pieces = mine?.pieces ?? [];
  if (input.shard && units.length === 0 && pieces.length === 0 && files > 0) {
    diagnostics.push({ kind: 'empty-shard', shard: input.shard, files });
  }
  return { plan, shard: input.shard, units, pieces, pinned: input.pinned?.source, match, diagnostics, unit };
}

/**
 * Playwright's units (a file, or a test or group of a parallel file, keyed `project|path › titles`) are
 * listed by its reporter only: test file patterns find other names or none, and a plan of files would not
 * be the plan the shard jobs run. A store whose only wall model is Playwright's, or a plan asked of
 * Playwright's model, is refused with the command that plans them.
 */
function refuseRunnerUnits(store: TimingStore | undefined, runner: string | undefined, shards: number): void {
  const models = store?.models;
  const playwright =
    runner === undefined ? models?.size === 1 && models.has('playwright') : runner === 'playwright';
  if (!playwright) return;
  throw new ShardwiseError(
    'INVALID_OPTION',
    `${runner === undefined ? 'this timing store is Playwright’s' : 'a plan for Playwright'}: its units (files, or tests and groups of parallel files, by project) are listed by the Playwright reporter only, not by test file patterns`,
    {
      hint: {
        kind: 'text',
        text: `plan with \`SHARDWISE_PLAN_OUT=plan.json npx playwright test --list --shard=1/${shards}\` (the reporter pins the plan; each job runs it with SHARDWISE_PLAN=plan.json)`,
      },
    },
  );
}

/** Every stored file's cost in a run under `filter` (see {@link filteredDurationMs}). */
function filteredDurations(store: TimingStore, filter: TestFilter): Map<string, { durationMs: number }> {
  const durations = new Map<string, { durationMs: number }>();
  store.files.forEach((entry, key) => {
    const ms = filteredDurationMs(key, entry, filter);
    durations.set(key, ms === undefined ? entry : { durationMs: ms });
  });
  return durations;
}

/** What the store means for a fresh plan: none yet, rooted elsewhere, or some files untimed. */
function diagnoseStore(
  input: PlanRunInput,
  plan: Plan,
  match: MatchStats,
  store: TimingStore | undefined,
  diagnostics: PlanDiagnostic[],
): void {
  const files = match.files;
  if (input.store.state === 'missing') {
    diagnostics.push({
      kind: 'no-store',
      files,
      estimateMs: plan.unknownEstimateMs,
      explicit: input.store.explicit === true,
    });
  } else if (store && isLowMatch(match)) {
    const { projectKeyed, unmatched } = unmatchedKeys(plan, store);
    diagnostics.push({
      kind: 'low-match',
      match,
      example: mismatchExample(plan.unknownFiles, store.files.keys()),
      sample: store.files.keys().next().value ?? '',
      projectKeyed,
      unmatched,
    });
    return;
  } else if (plan.unknownFiles.length > 0 && store) {
    diagnostics.push({
      kind: 'unknown-files',
      count: plan.unknownFiles.length,
      files,
      estimateMs: plan.unknownEstimateMs,
    });
  }
  // At most `entries - timed` keys can be unlisted: a store that fits the run is never scanned.
  if (store && input.listsFiles && isManyUnlisted(files, match.entries - match.timed)) {
    const { unlisted, unmatched } = unmatchedKeys(plan, store);
    if (isManyUnlisted(files, unlisted)) {
      diagnostics.push({ kind: 'unlisted-entries', match, unlisted, sample: unmatched });
    }
  }
}

/**
 * Whether the store knows many files a run did not list: at least half as many as the run listed (so the
 * run found at most two thirds of the files the store knows). Fewer can be files deleted since the store
 * was merged; this many is a suite the test file patterns miss a good part of.
 */
export function isManyUnlisted(listed: number, unlisted: number): boolean {
  return unlisted > 0 && unlisted * 2 >= listed;
}

/**
 * The store is probably keyed from another root when fewer than half of the units it could match do:
 * the overlap is measured against the smaller side, so a store of a larger suite (a filtered run) and a
 * suite that grew past its store both stay quiet, while absolute or differently rooted keys (no overlap
 * at all) always warn. `shard plan`, `shard check` and the plugins all use this one rule.
 */
export function isLowMatch(match: MatchStats): boolean {
  const comparable = Math.min(match.files, match.entries);
  return comparable > 0 && match.timed * 2 < comparable;
}

/**
 * Store keys no unit matches: how many are a named project's key for a unit, how many name no unit at all
 * (nor a test or group of one, `path › title`), and a sample of those.
 */
function unmatchedKeys(
  plan: Plan,
  store: TimingStore,
): { projectKeyed: number; unlisted: number; unmatched: string[] } {
  const units = new Set<string>();
  for (const shard of plan.shards) for (const file of shard.files) units.add(file);
  for (const split of plan.split?.applied ? plan.split.files : []) units.add(split.file);
  let projectKeyed = 0;
  let unlisted = 0;
  const unmatched: string[] = [];
  for (const key of store.files.keys()) {
    if (units.has(key)) continue;
    const { project, path } = splitUnitKey(key);
    if (project && units.has(path)) projectKeyed++;
    else if (units.has(splitTestKey(key).file) || units.has(testFileOf(key))) continue;
    else {
      unlisted++;
      if (unmatched.length < 20) unmatched.push(key);
    }
  }
  return { projectKeyed, unlisted, unmatched };
}

/** A store key that names the same file as an unknown file under another root, if any. */
function mismatchExample(
  unknown: readonly string[],
  keys: Iterable<string>,
): { key: string; file: string } | undefined {
  const byBase = new Map<string, string>();
  for (const key of keys) {
    const base = key.slice(Math.max(key.lastIndexOf('/'), key.indexOf('|')) + 1);
    if (!byBase.has(base)) byBase.set(base, key);
  }
  for (const file of unknown.slice(0, 1000)) {
    const key = byBase.get(file.slice(file.lastIndexOf('/') + 1));
    if (
      key !== undefined &&
      key !== file &&
      (key.endsWith(`/${file}`) || file.endsWith(`/${key}`) || splitUnitKey(key).path === file)
    ) {
      return { key, file };
    }
  }
  return undefined;
}

/** How many names a mismatch error lists before "and N more". */
const LISTED = 10;

/** A pinned plan as a {@link Plan}, after proving it holds exactly the files found now. */
function pinnedPlan(
  { plan: pinned, source }: { plan: PlanFile; source: string },
  keys: readonly string[],
  shardCount: number,
  durations: ReadonlyMap<string, { readonly durationMs: number }> | undefined,
  estimator: Estimator,
  partial: boolean,
  split: boolean,
  unit: UnitNoun,
): Plan {
  if (pinned.fingerprint === undefined) {
    throw new ShardwiseError('PLAN_INVALID', `${source}: a pinned plan needs its fingerprint`, {
      file: source,
      hint: { kind: 'replan' },
    });
  }
  if (pinned.shardCount !== shardCount) {
    throw new ShardwiseError(
      'PLAN_MISMATCH',
      `${source}: the pinned plan has ${pinned.shardCount} shards, this job runs ${shardCount}`,
      { file: source, hint: { kind: 'replan' } },
    );
  }
  const pieces = pinned.pieces ?? [];
  const splitFiles = [...new Set(pieces.flat().map((p) => p.file))].sort(compareCodeUnits);
  if (splitFiles.length > 0 && !split) {
    throw new ShardwiseError(
      'PLAN_MISMATCH',
      `${source}: the pinned plan splits ${splitFiles.join(', ')} by test, which this runner cannot run (the Vitest plugin on Vitest ≥ 4.1 can, and the Jest plugin with its test runner, \`testRunner: '@shardwise/jest/runner'\`)`,
      { file: source, hint: { kind: 'text', text: 'pin a plan made without --split-tests for this runner' } },
    );
  }
  const found = new Set(keys);
  const planned = new Set([...pinned.shards.flat(), ...splitFiles]);
  const missing = [...planned].filter((f) => !found.has(f)).sort(compareCodeUnits);
  const extra = [...found].filter((f) => !planned.has(f)).sort(compareCodeUnits);
  if (partial && missing.length > 0 && extra.length === 0) {
    // Not a stale plan: the run itself asked for fewer files.
    throw new ShardwiseError(
      'PLAN_MISMATCH',
      `${source}: a pinned plan runs the whole suite, but this run was narrowed (a path filter, --changed or a project filter) to ${keys.length} of its ${planned.size} ${unit}s`,
      {
        file: source,
        hint: {
          kind: 'text',
          text: 'run the whole suite with the pinned plan, or narrow the run without it',
        },
      },
    );
  }
  if (missing.length > 0 || extra.length > 0) {
    const list = (names: string[]) =>
      names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');
    const parts = [
      ...(missing.length > 0 ? [`${missing.length} planned ${unit}(s) not found (${list(missing)})`] : []),
      ...(extra.length > 0
        ? [`${extra.length} ${testUnits(unit, '(s)')} not in the plan (${list(extra)})`]
        : []),
    ];
    throw new ShardwiseError(
      'PLAN_MISMATCH',
      `${source}: the pinned plan does not match the ${testUnits(unit, 's')}: ${parts.join('; ')}`,
      { file: source, hint: { kind: 'replan' } },
    );
  }
  const known: number[] = [];
  for (const key of planned) {
    const d = durations?.get(key)?.durationMs;
    if (d !== undefined) known.push(d);
  }
  const unknownEstimateMs = estimateUnknownMs(known, estimator);
  // A pinned job reads no store: its predictions are the pinned file's, and no file is "estimated" here.
  const unknownFiles =
    durations === undefined ? [] : [...planned].filter((f) => !durations.has(f)).sort(compareCodeUnits);
  let largest = 0;
  const shards = pinned.shards.map((files, i) => {
    let sum = 0;
    for (const f of files) {
      const d = durations?.get(f)?.durationMs ?? unknownEstimateMs;
      sum += d;
      largest = Math.max(largest, d);
    }
    const mine = pieces[i] ?? [];
    const shard: PlannedShard = {
      index: i + 1,
      estimatedMs: pinned.estimatedMs?.[i] ?? sum,
      files: [...files],
      ...(mine.length > 0 ? { pieces: mine.map((p) => ({ ...p, estimatedMs: 0 })) } : {}),
    };
    if (pinned.wall) shard.wallMs = pinned.wall.wallMs[i]!;
    if (pinned.spreadMs?.[i]) shard.spreadMs = pinned.spreadMs[i];
    return shard;
  });
  const totalMs = shards.reduce((sum, s) => sum + s.estimatedMs, 0);
  return {
    ...(pinned.wall ? { wall: pinned.wall.model } : {}),
    shardCount,
    fingerprint: pinned.fingerprint,
    totalMs,
    makespanMs: Math.max(0, ...shards.map((s) => s.estimatedMs)),
    lowerBoundMs: Math.max(Math.ceil(totalMs / shardCount), largest),
    unknownFiles,
    unknownEstimateMs,
    emptyShards: shards.filter((s) => s.files.length === 0 && !s.pieces).map((s) => s.index),
    shards,
    ...(splitFiles.length > 0
      ? {
          split: {
            floor: undefined,
            // A pinned plan records only its own shards: no file-level plan to compare with.
            fileLevelMs: Math.max(0, ...shards.map((s) => s.estimatedMs)),
            splitMs: Math.max(0, ...shards.map((s) => s.estimatedMs)),
            files: splitFiles.map((file) => ({ file, of: pieces.flat().find((p) => p.file === file)!.of })),
            applied: true,
          },
        }
      : {}),
  };
}

/** The runners shardwise records: a model may be named before one was learned. */
const KNOWN_RUNNERS = ['jest', 'vitest', 'playwright'];

/**
 * The wall model a run plans with: the store's model for the runner (or its only one), with the worker
 * count given by the user over the learned one. Undefined when nothing is known: then sums are balanced.
 * Every job reads the same store, so every job plans with the same model.
 */
export function wallModelFor(
  store: TimingStore | undefined,
  runner: string | undefined,
  workers: number | undefined,
): WallModel | undefined {
  const models = store?.models;
  if (runner !== undefined && !KNOWN_RUNNERS.includes(runner) && !models?.has(runner)) {
    const learned = [...(models?.keys() ?? [])];
    throw new ShardwiseError(
      'INVALID_OPTION',
      `runner: expected ${[...new Set([...KNOWN_RUNNERS, ...learned])].join(', ')}, got ${JSON.stringify(runner)}`,
    );
  }
  let model = runner === undefined ? undefined : models?.get(runner);
  if (runner === undefined && models?.size === 1) model = [...models.values()][0];
  // Nothing learned and one worker: the wall is the sum, so plan (and label) by sums.
  if (workers === undefined || (model === undefined && workers === 1)) return model;
  return { ...(model ?? { startupMs: 0, workerStartupMs: 0 }), workers };
}

/**
 * How loudly every front end says a diagnostic: a `warning` (a `::warning::` annotation on GitHub) when
 * the plan is probably not what the user meant (a store keyed from elsewhere, a store missing at a path
 * they named), a `notice` line otherwise.
 */
export function severityOf(d: PlanDiagnostic): 'warning' | 'notice' {
  return d.kind === 'low-match' || d.kind === 'unlisted-entries' || (d.kind === 'no-store' && d.explicit)
    ? 'warning'
    : 'notice';
}

/** The neutral wording of a diagnostic; front ends may say more in their own terms. */
export function describeDiagnostic(d: PlanDiagnostic, storeName: string, unit: UnitNoun = 'file'): string {
  switch (d.kind) {
    case 'no-store':
      if (d.explicit) {
        return `no timing store at ${storeName}, the path you named; planned ${d.files} ${unit}s by estimate (${seconds(d.estimateMs)} each). If the store should be there, check the path or restore it before this step`;
      }
      return `no timing store at ${storeName}; planned ${d.files} ${unit}s by estimate (${seconds(d.estimateMs)} each). That is normal on a first run; \`shard merge\` creates it`;
    case 'unknown-files':
      return `${d.count} of ${d.files} ${unit}(s) have no timing in ${storeName}; planned at ${seconds(d.estimateMs)} each`;
    case 'low-match':
      return (
        `only ${d.match.timed} of ${d.match.files} ${testUnits(unit, 's')} have a time in ${storeName} (${d.match.entries} entries): are its keys relative to the same root?` +
        (d.example
          ? ` E.g. the store has "${d.example.key}" where the file is "${d.example.file}".`
          : ` A store key: ${JSON.stringify(d.sample)}.`)
      );
    case 'unlisted-entries':
      return `${storeName} knows ${d.unlisted} ${testUnits(unit, '(s)')} that were not listed (e.g. ${JSON.stringify(d.sample[0] ?? '')}): only ${d.match.timed} of its ${d.match.entries} entries match one of the ${d.match.files} listed`;
    case 'empty-shard':
      return `shard ${d.shard.index}/${d.shard.count} is empty (${d.files} ${testUnits(unit, '(s)')} for ${d.shard.count} shards); nothing to run`;
    case 'previous-ignored':
      return `the previous plan has ${d.previousShardCount} shards, not ${d.shardCount}; planning from scratch`;
    case 'split-unused':
      return `${d.files.map((f) => f.file).join(', ')} holds the plan back: split by test (${d.files.map((f) => `${f.of} pieces`).join(', ')}), the slowest shard would take ${seconds(d.splitMs)} instead of ${seconds(d.fileLevelMs)}, but ${d.because ?? 'this runner plans whole files (test-level splits need the Vitest plugin on Vitest ≥ 4.1, or the Jest plugin with its test runner)'}`;
  }
}

/** A line a front end prints about a plan, and how loudly (a `warning` is a `::warning::` on GitHub). */
export interface PlanMessage {
  level: 'warning' | 'notice';
  text: string;
}

/**
 * What a runner plugin prints about its plan, in order: each diagnostic (in the front end's words where
 * `word` returns a string, left out where it returns null, core's neutral words otherwise) at its
 * {@link severityOf}, then the shard line when the shard runs anything.
 */
export function planMessages(
  run: RunPlan,
  storeName: string,
  word: (d: PlanDiagnostic) => string | null | undefined = () => undefined,
): PlanMessage[] {
  const messages: PlanMessage[] = [];
  for (const d of run.diagnostics) {
    const text = word(d);
    if (text === null) continue;
    messages.push({ level: severityOf(d), text: text ?? describeDiagnostic(d, storeName, run.unit) });
  }
  if (run.units.length > 0 || run.pieces.length > 0)
    messages.push({ level: 'notice', text: describeShard(run) });
  return messages;
}

/**
 * The one line every sharded run prints: which shard, how many files, the predicted time and the plan.
 *
 * With a wall model the time is the job's predicted wall ({@link predictedMs}), the figure `shard plan` and
 * `shard merge` show; without one, the sum of the shard's files.
 *
 * @example
 * describeShard(run) // 'shard 2/4: 12 of 48 file(s), ~31.0 s of ~124.0 s in total (plan 3fa1c2d0)'
 * describeShard(run) // 'shard 2/4: 12 of 48 file(s), ~15.2 s predicted wall (~124.0 s of files in total) (plan 3fa1c2d0)'
 */
export function describeShard(run: RunPlan): string {
  const { plan, shard } = run;
  if (!shard)
    return `${run.match.files} ${run.unit}(s) in ${plan.shardCount} shard(s) (plan ${plan.fingerprint.slice(0, 8)})`;
  const mine = shardOf(plan, shard.index);
  const pieces = (mine.pieces ?? []).map((p) => `, piece ${p.piece}/${p.of} of ${p.file}`).join('');
  const unknown = plan.unknownFiles.length > 0 ? `, ${plan.unknownFiles.length} estimated` : '';
  const pinned = run.pinned ? `, pinned by ${run.pinned}` : '';
  const spread = mine.spreadMs ? ` ± ${seconds(mine.spreadMs)}` : '';
  // The figure `shard plan` and `shard merge` show for this shard: its job's wall under a wall model.
  const time = plan.wall
    ? `~${seconds(predictedMs(plan, mine))}${spread} predicted wall (~${seconds(plan.totalMs)} of ${run.unit}s in total)`
    : `~${seconds(mine.estimatedMs)}${spread} of ~${seconds(plan.totalMs)} in total`;
  return (
    `shard ${shard.index}/${shard.count}: ${mine.files.length} of ${run.match.files} ${run.unit}(s)${pieces}, ` +
    `${time}${unknown} (plan ${plan.fingerprint.slice(0, 8)}${pinned})`
  );
}

/** `test files`, `test file(s)`, or `units`, `unit(s)`: a Playwright unit is not always a whole file. */
function testUnits(unit: UnitNoun, plural: 's' | '(s)'): string {
  return `${unit === 'file' ? 'test ' : ''}${unit}${plural}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
