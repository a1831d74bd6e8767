// One run of a job on a worker, as far as Redis is concerned: its fence (the BullMQ lock token),
// how long it can still prove it holds the job, and its writes through a Redis stall.
//
// Contract:
// - `write(op)` runs a store operation of the run. While Redis cannot be reached (refused, reset,
//   command timeout) the run pauses: the operation is retried with backoff, so the solve loop,
//   which awaits every write, stops sending candidates; once Redis answers, the run resumes.
// - The run holds the job until its lock expires: `lockDurationMs` after the last renewal BullMQ
//   reported (`renewed`). Past that, or when BullMQ's renewal is refused (`lose`), or when a
//   fenced script refuses a write (LockLostError), the run is lost: `onLost` fires once (the worker
//   aborts the solve loop), and every later `write` throws the LockLostError without trying.
// - Losing is final for the run. Correctness does not rest on this clock: every write is also
//   fenced inside Redis (job-store.ts), so a run that believes it still holds the job is refused.

import { isRedisUnavailable, LockLostError } from './errors.ts';

export interface RunGuardOptions {
  jobId: string;
  /** BullMQ lock duration of the job, ms. */
  lockDurationMs: number;
  /** Called once, when the run loses the job. */
  onLost: (err: LockLostError) => void;
  log: (message: string, fields: Record<string, unknown>) => void;
  /** How often the lock's age is checked, ms. Default 250. */
  checkIntervalMs?: number;
  /** First and largest pause between retries of a write while Redis is away, ms. Defaults 100, 1000. */
  retryMinMs?: number;
  retryMaxMs?: number;
  now?: () => number;
}

export class RunGuard {
  private provenUntil: number;
  private lostError: LockLostError | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly opts: RunGuardOptions) {
    this.now = opts.now ?? Date.now;
    // The lock was set when BullMQ handed the job over, a moment ago.
    this.provenUntil = this.now() + opts.lockDurationMs;
    this.timer = setInterval(() => this.check(), opts.checkIntervalMs ?? 250);
    this.timer.unref();
  }

  /** The LockLostError once the run lost the job, else null. */
  get lost(): LockLostError | null {
    return this.lostError;
  }

  /** BullMQ renewed the lock just now: it holds for another lock duration. */
  renewed(): void {
    if (!this.lostError) this.provenUntil = this.now() + this.opts.lockDurationMs;
  }

  /** The run lost the job (renewal refused, a write fenced, or the lock ran out). */
  lose(reason: string | LockLostError): void {
    if (this.lostError) return;
    this.lostError = typeof reason === 'string' ? new LockLostError(this.opts.jobId, reason) : reason;
    clearInterval(this.timer);
    this.opts.log('lock lost: the run stops and writes nothing more', { reason: this.lostError.reason });
    this.opts.onLost(this.lostError);
  }

  /** Loses the job when the lock has not been renewed for a lock duration. */
  check(): void {
    if (!this.lostError && this.now() > this.provenUntil) {
      this.lose(`lock not renewed for ${this.opts.lockDurationMs} ms (Redis stalled or unreachable)`);
    }
  }

  /** Stops the clock (the run ended). */
  close(): void {
    clearInterval(this.timer);
  }

  /** Runs a store operation of the run, pausing through Redis outages; see the contract above. */
  async write<T>(op: () => Promise<T>): Promise<T> {
    let delay = this.opts.retryMinMs ?? 100;
    let pausedAt: number | null = null;
    for (;;) {
      if (this.lostError) throw this.lostError;
      try {
        const result = await op();
        if (pausedAt !== null) this.opts.log('Redis answers again: the run resumes', { pausedMs: this.now() - pausedAt });
        return result;
      } catch (err) {
        if (err instanceof LockLostError) {
          this.lose(err);
          throw err;
        }
        if (!isRedisUnavailable(err)) throw err;
        if (pausedAt === null) {
          pausedAt = this.now();
          this.opts.log('Redis unreachable: the run pauses', { error: (err as Error).message });
        }
        this.check();
        if (this.lostError) throw this.lostError;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 1_000);
      }
    }
  }
}
