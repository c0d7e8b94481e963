import type * as SequencerModule from '@jest/test-sequencer';

// Jest's types, derived from @jest/test-sequencer (our one Jest dependency) so the published declarations
// need neither @jest/test-result nor @jest/types.

/** The `@jest/test-sequencer` module as `require` returns it: `{ default: TestSequencer }` in Jest 29 and 30. */
export type BaseSequencerModule = typeof import('@jest/test-sequencer', {
  // typescript-eslint reads the import attributes as a value.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  with: { 'resolution-mode': 'require' },
});
/** The base sequencer class. */
export type BaseSequencer = SequencerModule.default;
/** What Jest passes to a sequencer's constructor (Jest 30; Jest 29 passes nothing). */
export type SequencerOptions = SequencerModule.TestSequencerOptions;
/** Jest's global config. */
export type GlobalConfig = SequencerOptions['globalConfig'];
/** One test file in one project: `{path, context: {config}, duration?}`. */
export type Test = Parameters<BaseSequencer['sort']>[0][number];
/** The second argument of `shard()`. */
export type ShardOptions = SequencerModule.ShardOptions;
/** The results of a whole run. */
export type AggregatedResult = Parameters<BaseSequencer['cacheResults']>[1];
/** The result of one test file. */
export type TestResult = AggregatedResult['testResults'][number];
/** The result of one test inside a file. */
export type AssertionResult = TestResult['testResults'][number];
