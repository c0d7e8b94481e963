export { ShardwiseReporter, ShardwiseReporter as default } from './reporter.js';
export type { ShardwisePlaywrightOptions } from './options.js';
