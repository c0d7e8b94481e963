export { ShardwiseSequencer as default, ShardwiseSequencer } from './sequencer.js';
export { resolveOptions, CONFIG_FILE, type ShardwiseJestOptions } from './options.js';
