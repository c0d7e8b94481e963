/**
 * `@shardwise/core/light`: the parts of the core that load no dependencies (no zod, no XML parser), for
 * runner plugins that are imported with every test run's config and must cost next to nothing there. The
 * rest of the core is loaded by `import('@shardwise/core')` when it is needed.
 */
export { ShardwiseError, isShardwiseError, type ShardwiseErrorCode } from './errors.js';
export { normalizePath, isAbsolutePath, unitKey, splitUnitKey, compareCodeUnits } from './paths.js';
export { parseEstimator, estimatorName, type Estimator } from './estimate.js';
