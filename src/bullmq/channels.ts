/** Redis names shared by the coordinator's remote tools and the workers of one queue. */

/** Pub/sub channel on which a coordinator asks workers to abort a job (the message is the job id). */
export function cancelChannel(queueName: string): string {
  return `toolgraph:${queueName}:cancel`;
}

/** Key set while a non-idempotent job's tool runs: found at a job's start, it means an earlier run of it never ended. */
export function runningKey(queueName: string, jobId: string): string {
  return `toolgraph:${queueName}:running:${jobId}`;
}
