/**
 * The record types every stage shares: what the timing store holds about a file and its tests, and the
 * learned wall-clock model. They live apart from the store's reader so that the report format, the model
 * and the store can all name them without importing one another.
 */
/** The store format version this release reads and writes. */
export const STORE_VERSION = 1;

/** Outcome of one test or one file. */
export type TestStatus = 'passed' | 'failed' | 'skipped';

/** The last recorded duration and outcome of one test inside a file (optional detail). */
export interface TestTiming {
  /** Full name, e.g. `describe > it`. */
  name: string;
  durationMs: number;
  status: TestStatus;
  /**
   * The full name of the describe block the test must share a piece with (one with `beforeAll`/`afterAll`,
   * or a sequential one), when a test-level split must keep it with its siblings.
   */
  group?: string;
}

/**
 * What the store knows about one test file. Only `durationMs` and `samples` are required; the rest is
 * optional detail that shardwise keeps when runners report it.
 */
export interface FileTiming {
  /** The smoothed wall time of the file in ms, setup included. 0 is a real, known duration. */
  durationMs: number;
  /** How many measurements went into `durationMs`. */
  samples: number;
  /**
   * The latest measurements, oldest first, at most 5 (`RECENT_SAMPLES`; or the `median` window), from
   * the file's second on: the file's spread (see `predictionSpreadMs`) and the `median` smoothing read
   * them. A measurement from a job that ran slow or fast as a whole is kept at the run's pace (see
   * `jobPaces`). Optional: stores written before it have none.
   */
  recentMs?: number[];
  /** True when the file has only ever been measured in failed runs; the first passing run replaces it. */
  provisional?: boolean;
  /** The day (YYYY-MM-DD) of the last run that measured the file. */
  lastSeen?: string;
  /** Per-test durations and outcomes from the last run that measured the file. */
  tests?: TestTiming[];
  /**
   * The file's fixed cost (environment, import, setup files: its time before and beside its tests) in the
   * run that gave `tests`, ms: what every piece of a split file pays again (see `fixedCostMs`).
   */
  setupMs?: number;
}

/** The timing store in memory. A `Map`, so any file name (even `__proto__`) is an ordinary key. */
export interface TimingStore {
  version: typeof STORE_VERSION;
  files: Map<string, FileTiming>;
  /**
   * The wall-clock models learned from recorded jobs, by runner (`model` in the file, an optional field:
   * store v1 readers that predate it ignore it).
   */
  models?: Map<string, WallModel>;
}

/** The learned (or given) fixed costs of one runner's shard jobs, integer ms. */
export interface WallModel {
  /** The runner's start-up per job: start to first file, plus last file to the end. */
  startupMs: number;
  /** What a worker pays before its first file (process, module loading, transform warm-up). */
  workerStartupMs: number;
  /** Files run side by side in one job. */
  workers: number;
  /**
   * What a worker spends between two files outside either file's recorded time (Vitest forks a fresh
   * process per file by default; Jest resets its module registry): paid before every file but a worker's
   * first. Optional: models learned before it existed have none.
   */
  fileGapMs?: number;
  /** The median fixed cost of one file (environment, setup files, import), for pricing splits. */
  fileFixedMs?: number;
  /** Jobs this model was learned from. */
  samples?: number;
}

/** Learned models by runner name (`jest`, `vitest`, `playwright`). */
export type WallModels = ReadonlyMap<string, WallModel>;

/** A runner name as a model key: lowercase letters, digits and dashes (never `__proto__`). */
export const RUNNER_NAME = /^[a-z][a-z0-9-]*$/;
