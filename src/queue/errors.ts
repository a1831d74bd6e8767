// Errors of the queue part: the class decides what a caller does (callers test instanceof).
// - LockLostError: a run can no longer prove it holds its job (its BullMQ lock expired or is now
//   another run's). The run stops at once and writes nothing more: retrying would not help, and
//   the job is someone else's to finish.
// - isRedisUnavailable: whether an ioredis failure means "Redis cannot be reached now" (refused,
//   reset, timed out, gave up retrying). ioredis has no classes for these, so this is the one
//   place that reads its messages; the API answers them with 503, the worker pauses its job.

export class QueueError extends Error {
  override name = 'QueueError';
}

export class LockLostError extends QueueError {
  override name = 'LockLostError';
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`job ${jobId}: this run no longer holds the job (${reason}); it stops and writes nothing more`);
  }
}

const UNAVAILABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Connection is closed|isn't writeable|Command timed out|Socket timeout|connect ETIMEDOUT/;

export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message);
}
