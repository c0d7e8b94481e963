export { shardwise, shardwise as default } from './plugin.js';
export type { ShardwiseVitestOptions } from './options.js';
