/**
 * `@shardwise/core/queue`: queue mode on Redis. Importing it loads no Redis client; `RedisQueue.open`
 * loads one on first use.
 */
export { queueRunOf, type QueueRun } from '../queue/run-id.js';
export { queueSettingsOf, type QueueSettings } from '../queue/settings.js';
export { parseQueueUrl, redact, type QueueAddress } from '../queue/url.js';
export { batchSize, seedOrder, type BatchInput, type SeedUnit } from '../queue/batches.js';
export { queueKeys, type QueueKeys } from '../queue/keys.js';
export type { QueueBatch, QueueJobRecord } from '../formats/queue-record.js';
export {
  proveQueue,
  describeQueueProof,
  type QueueProof,
  type QueueJobRow,
  type QueueReportInput,
} from '../queue/proof.js';
export {
  RedisQueue,
  type Claim,
  type QueueOptions,
  type QueueStatus,
  type SeedRecord,
} from '../queue/redis-queue.js';
export { runQueueJob, type QueueEvent, type QueueJobOptions } from '../queue/job.js';
