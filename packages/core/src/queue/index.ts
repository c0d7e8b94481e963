/**
 * `@shardwise/core/queue`: queue mode on Redis. Importing it loads no Redis client; `RedisQueue.open`
 * loads one on first use.
 */
export { queueRunOf, type QueueRun } from './run-id.js';
export { queueSettingsOf, type QueueSettings } from './settings.js';
export { parseQueueUrl, redact, type QueueAddress } from './url.js';
export { batchSize, seedOrder, type BatchInput, type SeedUnit } from './batches.js';
export { queueKeys, type QueueKeys } from './keys.js';
export type { QueueBatch, QueueJobRecord } from './record.js';
export {
  proveQueue,
  describeQueueProof,
  type QueueProof,
  type QueueJobRow,
  type QueueReportInput,
} from './proof.js';
export {
  RedisQueue,
  type Claim,
  type QueueOptions,
  type QueueStatus,
  type SeedRecord,
} from './redis-queue.js';
export { runQueueJob, type QueueEvent, type QueueJobOptions } from './job.js';
