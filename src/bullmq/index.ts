/**
 * `toolgraph/bullmq`: tool calls on a BullMQ/Redis worker fleet, and a Redis journal for
 * durable runs. Peer dependencies: `bullmq` (and `ioredis`, which it uses).
 */
export { remoteTools, DEFAULT_QUEUE_NAME } from './remote-tools.js';
export type { RemoteTools, RemoteToolsOptions, ToolJobData } from './remote-tools.js';
export { createToolWorker } from './tool-worker.js';
export type { ToolWorker, ToolWorkerOptions } from './tool-worker.js';
export { redisJournal } from './redis-journal.js';
export type { RedisJournal, RedisJournalOptions } from './redis-journal.js';
