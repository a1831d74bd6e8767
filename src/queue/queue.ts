// The solve queue: submitting a job (record first, then the BullMQ job that points at it),
// idempotent resubmission, and cancellation. BullMQ carries only the job id; the request, status
// and solutions live in the JobStore.

import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobStore, isTerminal, type JobRecord } from './job-store.ts';
import { idempotencyKey } from './keys.ts';
import { emptyStats, type SolveRequest } from '../solve/types.ts';

export const QUEUE_NAME = 'solve';

/** Runs of one job before it is failed for good (a run ends early on a crash or a device failure). */
export const MAX_RUNS = 3;

export interface SolveJobData {
  id: string;
}

export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class JobQueue {
  readonly queue: Queue<SolveJobData>;

  constructor(
    readonly store: JobStore,
    connection: Redis,
  ) {
    this.queue = new Queue<SolveJobData>(QUEUE_NAME, { connection, prefix: store.prefix });
  }

  /**
   * Records and enqueues a job. With an idempotency key, the first submission under that key wins
   * and later ones return its id (`created: false`); a different request under the same key is a
   * conflict. `fingerprint` identifies the request as the client sent it (before defaults).
   */
  async submit(
    owner: string,
    request: SolveRequest,
    opts: { idempotencyKey?: string; fingerprint?: string; unsatisfiable?: string } = {},
  ): Promise<{ id: string; created: boolean }> {
    const id = randomUUID();
    if (opts.idempotencyKey !== undefined) {
      const key = idempotencyKey(this.store.prefix, owner, sha256(opts.idempotencyKey));
      const claim = `${id} ${opts.fingerprint ?? ''}`;
      const won = await this.store.redis.set(key, claim, 'EX', this.store.resultTtlSeconds, 'NX');
      if (won === null) {
        const [existing, fingerprint = ''] = ((await this.store.redis.get(key)) ?? '').split(' ');
        if (fingerprint !== (opts.fingerprint ?? '')) {
          throw new IdempotencyConflictError('this Idempotency-Key was already used for a different request');
        }
        return { id: existing, created: false };
      }
    }
    await this.store.create(id, owner, request);
    if (opts.unsatisfiable !== undefined) {
      // Proven at compile time: nothing for a device to do.
      await this.store.finish(id, {
        status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', stats: { ...emptyStats(), proof: 'root' },
        detail: opts.unsatisfiable,
      });
    } else {
      await this.queue.add(QUEUE_NAME, { id }, {
        jobId: id, attempts: MAX_RUNS, backoff: { type: 'fixed', delay: 500 },
        removeOnComplete: true, removeOnFail: true,
      });
    }
    return { id, created: true };
  }

  /**
   * Asks for a job to stop. A job still waiting is taken off the queue and ends at once; a running
   * one is stopped by its worker, which watches the cancel flag. Returns the job as it is now.
   */
  async cancel(job: JobRecord): Promise<JobRecord> {
    if (isTerminal(job.status)) return job;
    await this.store.requestCancel(job.id);
    if ((await this.queue.remove(job.id)) === 1) {
      await this.store.finish(job.id, {
        status: 'cancelled', outcome: job.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'cancelled',
        stats: job.stats,
      });
    }
    return (await this.store.get(job.id)) ?? job;
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
