export { main } from './main.js';
export type { CliIo, OutputStream } from './io.js';
export { resolveShard, detectCiShard, CI_PROVIDERS, type CiProvider, type ShardSource } from './ci-env.js';
