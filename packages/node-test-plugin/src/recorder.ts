import path from 'node:path';
import type { TestEvent } from 'node:test/reporters';
import {
  fileStatusOf,
  fileTimeline,
  hashTestFile,
  normalizePath,
  testStatusOf,
  unfinishedFile,
  type ReportedFile,
  type ReportedTest,
} from '@shardwise/core/light';

/** What Node's file-level `test:complete` says of a file's process (its error is an `ERR_TEST_FAILURE`). */
interface FileEnd {
  passed: boolean;
  durationMs: number;
  failureType: unknown;
  signal: unknown;
}

/** One test file, as its events arrive. */
interface FileRun {
  /** Epoch ms, as this process saw them: the file's process started (dequeued) and ended (completed). */
  start?: number;
  end?: FileEnd & { at: number };
  /** The names of the tests being reported, by nesting, and whether each has subtests. */
  names: string[];
  parents: boolean[];
  /** Tests taken off the queue whose end never came. */
  pending: number;
  tests: ReportedTest[];
}

/** A file cut short by the run (Ctrl-C, `--test-timeout`), rather than by its own process. */
const CUT_SHORT = new Set<unknown>(['cancelledByParent', 'testTimeoutFailure', 'testAborted']);

/**
 * Translates `node --test` events into core's report entries. Node runs each file in its own process and
 * reports it as a test at nesting 0 named by its path; its tests are the events with the same `file`.
 */
export class NodeTestRecorder {
  readonly #files = new Map<string, FileRun>();
  #running = 0;
  /** The most files Node ran side by side: the job's workers. */
  workers = 1;

  add({ type, data }: TestEvent, now = Date.now()): void {
    if (!data || !('file' in data) || data.file === undefined || !('nesting' in data)) return;
    let run = this.#files.get(data.file);
    if (!run) this.#files.set(data.file, (run = { names: [], parents: [], pending: 0, tests: [] }));
    const n = data.nesting;
    const isFile = n === 0 && 'name' in data && path.resolve(data.name) === path.resolve(data.file);
    if (type === 'test:dequeue') {
      if (!isFile) run.pending++;
      else if (run.start === undefined) {
        run.start = now;
        this.workers = Math.max(this.workers, ++this.#running);
      }
    } else if (type === 'test:complete') {
      if (!isFile) run.pending--;
      else {
        const error = data.details.error as { failureType?: unknown; signal?: unknown } | undefined;
        const { passed, duration_ms: ms } = data.details;
        run.end = { at: now, passed, durationMs: ms, failureType: error?.failureType, signal: error?.signal };
        this.#running--;
      }
    } else if (type === 'test:start' && !isFile) {
      run.names.length = run.parents.length = n;
      run.names.push(data.name);
      run.parents.push(false);
      if (n > 0) run.parents[n - 1] = true;
    } else if ((type === 'test:pass' || type === 'test:fail') && !isFile) {
      // Suites and tests with subtests are not tests of their own: their time is their children's.
      if (data.details.type === 'suite' || run.parents[n]) return;
      const skipped = isSet(data.skip) || isSet(data.todo);
      run.tests.push({
        name: [...run.names.slice(0, n), data.name].join(' > '),
        durationMs: Math.round(data.details.duration_ms),
        status: testStatusOf(skipped ? 'skipped' : type === 'test:pass' ? 'passed' : 'failed'),
      });
    }
  }

  /** The report entries, keyed by POSIX path relative to `root`, placed on the job's timeline. */
  files(root: string, jobStart: number): ReportedFile[] {
    return [...this.#files].map(([file, run]) => {
      const end = run.end;
      const why = unfinished(run);
      const entry: ReportedFile = {
        file: normalizePath(file, root),
        durationMs: Math.round(end?.durationMs ?? 0),
        status: fileStatusOf(why ? 'unfinished' : end!.passed ? 'passed' : 'failed', true),
      };
      if (why) Object.assign(entry, unfinishedFile(why));
      else Object.assign(entry, fileTimeline(jobStart, { start: end!.at - end!.durationMs, end: end!.at }));
      if (run.tests.length > 0) entry.tests = run.tests;
      const hash = hashTestFile(file);
      if (hash !== undefined) entry.hash = hash;
      return entry;
    });
  }
}

/**
 * Why a file did not run to its end, if it did not: the run ended first or cut it short (`cancelled`), or
 * its process ended with an error no failed test explains (`process.exit(1)`, a signal, a file that threw
 * while loading) or with a test still running (`crashed`).
 */
function unfinished(run: FileRun): 'crashed' | 'cancelled' | undefined {
  const end = run.end;
  if (end === undefined || CUT_SHORT.has(end.failureType)) return 'cancelled';
  if (run.pending > 0 || (!end.passed && (end.signal != null || end.failureType === 'testCodeFailure')))
    return 'crashed';
  return undefined;
}

function isSet(flag: unknown): boolean {
  return flag !== undefined && flag !== false;
}
