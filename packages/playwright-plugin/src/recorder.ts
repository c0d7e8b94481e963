import {
  fileStatusOf,
  fileTimeline,
  hashTestFile,
  unfinishedFile,
  type FileStatus,
  type ReportedFile,
  type ReportedTest,
} from '@shardwise/core/light';
import type { FullResult, TestCase, TestResult } from '@playwright/test/reporter';
import { testName } from './filter.js';

/** What the recorder knows of one unit while the run goes. */
interface UnitClock {
  /** Worker time spent on the unit, every attempt and every gap before its tests on their worker. */
  busyMs: number;
  /** When its worker turned to it (the end of what that worker ran before), epoch ms. */
  firstStart: number;
  /** When its first test started (after the file's import and the hooks before it), epoch ms. */
  firstTest: number;
  lastEnd: number;
  /** Parallel slots (`parallelIndex`) the unit ran on. */
  slots: Set<number>;
}

/**
 * Measures each unit's cost on its shard from the test events: for every test attempt, the time its
 * worker spent from the end of what it ran before (or the attempt's own start, for a worker's first test)
 * to the end of the attempt. That takes in what the test's own `duration` leaves out: `beforeAll` and
 * `afterAll` hooks, worker fixtures, and the import of the next file. A worker's start-up before its first
 * test is the job's cost, not a unit's.
 */
export class UnitRecorder {
  readonly #keyOf: ReadonlyMap<string, string>;
  readonly #clocks = new Map<string, UnitClock>();
  /** When each worker (`workerIndex`) last finished a test. */
  readonly #workerFree = new Map<number, number>();
  /** Wall time of each test, every attempt, by test id. */
  readonly #testMs = new Map<string, number>();

  constructor(keyOf: ReadonlyMap<string, string>) {
    this.#keyOf = keyOf;
  }

  /** One attempt of a test ended, at `now` (ms since the epoch). */
  testEnded(test: TestCase, result: TestResult, now: number): void {
    const started = result.startTime.getTime();
    const worker = result.workerIndex;
    // A test that never reached a worker (skipped before dispatch) costs nothing.
    if (worker < 0) return;
    const from = Math.min(this.#workerFree.get(worker) ?? started, started);
    this.#workerFree.set(worker, now);
    this.#testMs.set(test.id, (this.#testMs.get(test.id) ?? 0) + Math.max(0, now - started));
    const key = this.#keyOf.get(test.id);
    if (key === undefined) return; // a setup or teardown project's test: not a unit
    const clock = this.#clocks.get(key);
    if (clock) {
      clock.busyMs += now - from;
      clock.firstStart = Math.min(clock.firstStart, from);
      clock.firstTest = Math.min(clock.firstTest, started);
      clock.lastEnd = Math.max(clock.lastEnd, now);
      clock.slots.add(result.parallelIndex);
    } else {
      this.#clocks.set(key, {
        busyMs: now - from,
        firstStart: from,
        firstTest: started,
        lastEnd: now,
        slots: new Set([result.parallelIndex]),
      });
    }
  }

  /**
   * The report entries of the units that were planned for this run, in the plan's order. `jobStart` is
   * when the job started (epoch ms, core's `jobStartMs`), which `startMs`/`endMs` count from; `setupMs` is
   * what a unit paid before its first test (the import of its file, `beforeAll` hooks).
   */
  entries(
    units: readonly string[],
    testsOf: ReadonlyMap<string, readonly TestCase[]>,
    runStatus: FullResult['status'],
    jobStart: number,
  ): ReportedFile[] {
    // A file's hash once, however many of its tests are units (core tells a changed test from a flaky one by it).
    const hashes = new Map<string, string | undefined>();
    const hashOf = (file: string) => {
      if (!hashes.has(file)) hashes.set(file, hashTestFile(file));
      return hashes.get(file);
    };
    return units.map((key) => {
      const tests = testsOf.get(key) ?? [];
      const clock = this.#clocks.get(key);
      const entry: ReportedFile = {
        file: key,
        durationMs: Math.max(0, Math.round(clock?.busyMs ?? 0)),
        status: unitStatus(tests, runStatus, clock !== undefined),
      };
      // A test that never started or was stopped mid-way (the run was interrupted, timed out or hit
      // --max-failures): the unit did not run, and `shard merge` says so.
      if (tests.some(cutShort)) Object.assign(entry, unfinishedFile('cancelled'));
      const timings = tests.map((t) => this.#testTiming(t));
      if (timings.length > 0) entry.tests = timings;
      const hash = tests[0] ? hashOf(tests[0].location.file) : undefined;
      if (hash !== undefined) entry.hash = hash;
      if (clock && entry.status !== 'interrupted') {
        if (clock.slots.size === 1) entry.worker = [...clock.slots][0]! + 1;
        Object.assign(
          entry,
          fileTimeline(jobStart, { start: clock.firstStart, end: clock.lastEnd, firstTest: clock.firstTest }),
        );
      }
      return entry;
    });
  }

  /**
   * A test as core's reports record it: its final status (`passed` for a test that passed on a retry,
   * with `flaky: true`), and `attempts` when it took more than one.
   */
  #testTiming(test: TestCase): ReportedTest {
    const outcome = test.outcome();
    const timing: ReportedTest = {
      name: testName(test),
      durationMs: Math.round(this.#testMs.get(test.id) ?? 0),
      status: outcome === 'unexpected' ? 'failed' : outcome === 'skipped' ? 'skipped' : 'passed',
    };
    if (test.results.length > 1) timing.attempts = test.results.length;
    if (outcome === 'flaky') timing.flaky = true;
    return timing;
  }
}

/** Whether a test did not finish: it never started, or its last attempt was stopped mid-way. */
function cutShort(test: TestCase): boolean {
  const last = test.results.at(-1);
  return last === undefined || last.status === 'interrupted';
}

/**
 * A unit's status from its tests' outcomes (Playwright's `expected`, `unexpected`, `flaky`, `skipped`): a
 * test that failed for good fails the unit; a flaky or expected one passes it; all skipped is skipped. A
 * run that was interrupted or timed out, or a test with no result, cut the unit short (`interrupted`:
 * its time is not a measurement).
 */
function unitStatus(tests: readonly TestCase[], runStatus: FullResult['status'], timed: boolean): FileStatus {
  const cut = runStatus === 'interrupted' || runStatus === 'timedout';
  if (cut || tests.length === 0 || tests.some(cutShort)) {
    return fileStatusOf('unfinished', timed);
  }
  const outcomes = tests.map((t) => t.outcome());
  const outcome = outcomes.includes('unexpected')
    ? 'failed'
    : outcomes.every((o) => o === 'skipped')
      ? 'skipped'
      : 'passed';
  return fileStatusOf(outcome, timed);
}
