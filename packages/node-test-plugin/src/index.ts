import { pipeline } from 'node:stream';
import { spec as SpecReporter, type TestEvent } from 'node:test/reporters';
import {
  exitOnUserError,
  finishRun,
  jobStartMs,
  readQuarantineSetting,
  resolveSettings,
  type Settings,
} from '@shardwise/core/light';
import type { Plan, ShardSpec } from '@shardwise/core';
import { NodeTestRecorder } from './recorder.js';

/** Node's options that run part of each file's tests, from its command line or `NODE_OPTIONS`. */
const TEST_FILTERS = /^--test-(?:name-pattern|skip-pattern|only)(?:=|$)/;

/**
 * A reporter for `node --test` that prints Node's own `spec` output and writes a shardwise report of the
 * run: each file's wall time (its process, from spawn to exit), outcome and tests, and the job's clock.
 * Under `shard run` it learns the shard and its plan from the variables `shard run` sets, so `shard merge`
 * proves that every planned file ran exactly once.
 *
 * @example
 * // node --test --test-reporter=@shardwise/node-test                 → .shardwise/reports/node-test-full.json
 * // npx shard run --shard 2/4 -- node --test --test-reporter=@shardwise/node-test
 */
export default async function* shardwiseNodeTest(
  source: AsyncIterable<TestEvent>,
): AsyncGenerator<string | Buffer> {
  const root = process.cwd();
  let settings: Settings;
  let sharded: { shard: ShardSpec; plan: Plan } | undefined;
  try {
    settings = resolveSettings({ root, cwd: root, env: process.env });
    // A broken quarantine file is said before any test runs, not on the day a test fails.
    await readQuarantineSetting(settings);
    // The full core (it validates the plan) only in a shard job.
    sharded = settings.record ? await (await import('@shardwise/core')).readRunShard(process.env) : undefined;
  } catch (error) {
    await exitOnUserError(error);
    return;
  }
  const recorder = new NodeTestRecorder();
  async function* recorded(): AsyncGenerator<TestEvent> {
    for await (const event of source) {
      recorder.add(event);
      yield event;
    }
  }
  // A pipeline, not a pipe: an error on the way ends the output with it instead of leaving Node waiting.
  const spec = pipeline(recorded(), new SpecReporter(), () => {});
  for await (const chunk of spec) yield chunk as Buffer;
  const end = Date.now();
  const jobStart = jobStartMs();
  const files = recorder.files(root, jobStart);
  const failed = files.some((f) => f.status === 'failed');
  // A failed run whose every failure is a quarantined test passes (Node set its exit code as each test
  // failed, and reads it when it exits). A file that did not finish is never the quarantine's to forgive.
  const { pass } = finishRun({
    runner: 'node-test',
    settings,
    shard: sharded?.shard,
    plan: sharded?.plan,
    partial: false,
    // Node 22 reports no event for a test a name filter left out, so which files it cut short is unknown.
    testsFiltered: [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((arg) =>
      TEST_FILTERS.test(arg),
    ),
    job: { start: jobStart, end, workers: recorder.workers },
    files: () => files,
    failed,
    failedOutsideTests: files.some((f) => f.status === 'interrupted'),
  });
  if (failed && pass) process.exitCode = 0;
}
