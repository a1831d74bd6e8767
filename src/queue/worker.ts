// A worker: owns one device and runs solve jobs from the queue on it, one at a time.
// - Cancellation: the cancel flag is polled every CANCEL_POLL_MS while a job runs.
// - Crash: BullMQ's stalled-job check hands a killed worker's job to another worker after
//   lockDuration; the new run resumes with the solutions and stats stored so far.
// - Shutdown (close): the running job is stopped and put back in the queue untouched, so another
//   worker (or this one, restarted) carries on with it.
// - Fencing: every write of a run (start, solutions, stats, finish, hand-back) carries the run's
//   BullMQ lock token and is refused inside Redis once the lock is not the run's (job-store.ts).
//   A run that can no longer prove it holds its job (lock not renewed for lockDuration, renewal
//   refused, a write fenced) stops at once and leaves the job to BullMQ (RunGuard).
// - Redis outage: store commands time out (connections.ts); the run pauses, retrying its writes,
//   and resumes when Redis answers, unless the lock expired meanwhile.

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, WaitingError, type Job } from 'bullmq';
import { better, objectiveValue } from '../model/objective.ts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeviceHandle, SolveParts } from '../solve/ports.ts';
import { failureOutcome, runOutcome, runSolve } from '../solve/run-solve.ts';
import type { WorkerConfig } from './config.ts';
import { storeRedisOptions } from './connections.ts';
import { DeviceRegistry, type DeviceRecord } from './devices.ts';
import { LockLostError } from './errors.ts';
import { JobStore, isTerminal, type Fence } from './job-store.ts';
import { MAX_RUNS, QUEUE_NAME, type SolveJobData } from './queue.ts';
import { RunGuard } from './run-guard.ts';
import { StoreSink } from './store-sink.ts';

const CANCEL_POLL_MS = 50;
const HEARTBEAT_MS = 2_000;

export type { DeviceHandle, SolveParts };

export interface SolveWorkerOptions {
  config: WorkerConfig;
  /**
   * Connection for BullMQ's blocking commands (needs maxRetriesPerRequest: null, no command
   * timeout). The job store and device registry use a duplicate with the store's timeouts.
   */
  connection: Redis;
  device: DeviceHandle;
  parts: SolveParts;
  logger: Logger;
  progressIntervalMs?: number;
}

export class SolveWorker {
  readonly workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly store: JobStore;
  private readonly storeRedis: Redis;
  private readonly registry: DeviceRegistry;
  private readonly worker: Worker<SolveJobData>;
  private readonly startedAt = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private currentJob: string | null = null;
  private shutdown = new AbortController();
  /** The run in progress, for BullMQ's lock events. */
  private run: { id: string; guard: RunGuard } | null = null;

  constructor(private readonly opts: SolveWorkerOptions) {
    const { config, connection } = opts;
    this.storeRedis = connection.duplicate(storeRedisOptions(config));
    this.storeRedis.on('error', (err) => opts.logger.debug({ err }, 'store connection error'));
    this.store = new JobStore(this.storeRedis, config.prefix, config.resultTtlSeconds);
    this.registry = new DeviceRegistry(this.storeRedis, config.prefix);
    this.worker = new Worker<SolveJobData>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection,
      prefix: config.prefix,
      concurrency: 1,
      autorun: false,
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: MAX_RUNS - 1,
    });
    this.worker.on('error', (err) => opts.logger.error({ err }, 'queue error'));
    this.worker.on('locksRenewed', ({ jobIds }) => {
      if (this.run && jobIds.includes(this.run.id)) this.run.guard.renewed();
    });
    this.worker.on('lockRenewalFailed', (jobIds) => {
      if (this.run && jobIds.includes(this.run.id)) this.run.guard.lose('BullMQ could not renew the job lock');
    });
    // BullMQ fails a job by itself when it stalled too often (its workers kept dying): the record
    // must say so too, or it would stay `running` for ever. Other failures are retried, and the
    // last one is recorded by process() itself.
    this.worker.on('failed', (job, err) => {
      if (!job || !/stalled more than allowable limit/.test(err.message)) return;
      void this.failRecord(job.data.id, `given up: the workers running it died ${MAX_RUNS} times`)
        .catch((e) => opts.logger.error({ err: e, job: job.data.id }, 'could not record a failed job'));
    });
  }

  /** Registers the device and starts taking jobs. */
  async start(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beat().catch((err) => this.opts.logger.warn({ err }, 'heartbeat failed'));
    }, HEARTBEAT_MS);
    void this.worker.run();
    await this.worker.waitUntilReady();
    this.opts.logger.info({ workerId: this.workerId, port: this.opts.device.port }, 'worker ready');
  }

  /** Stops taking jobs, hands the running job back to the queue, and unregisters the device. */
  async close(): Promise<void> {
    this.shutdown.abort();
    clearInterval(this.heartbeat);
    await this.worker.close();
    await this.registry.remove(this.workerId).catch(() => undefined);
    this.storeRedis.disconnect();
  }

  private async failRecord(id: string, message: string): Promise<void> {
    const record = await this.store.get(id);
    if (!record || isTerminal(record.status)) return;
    await this.store.finish(id, {
      status: 'failed', outcome: record.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'error',
      stats: record.stats, error: { code: 'internal', message },
    });
  }

  private async beat(): Promise<void> {
    const { device } = this.opts;
    const record: DeviceRecord = {
      workerId: this.workerId, hostname: hostname(), pid: process.pid, port: device.port,
      simulated: device.simulated, handshake: device.handshake, currentJob: this.currentJob,
      startedAt: this.startedAt, lastSeen: Date.now(),
    };
    await this.registry.heartbeat(record, HEARTBEAT_MS * 3);
  }

  private async process(job: Job<SolveJobData>, token: string | undefined): Promise<void> {
    const { id } = job.data;
    const log = this.opts.logger.child({ job: id });
    const stop = new AbortController();
    const guard = new RunGuard({
      jobId: id, lockDurationMs: this.opts.config.lockDurationMs, onLost: () => stop.abort(),
      log: (message, fields) => log.warn(fields, message),
    });
    this.run = { id, guard };
    try {
      await this.runJob(job, token, { token: token ?? '' }, guard, stop, log);
    } catch (err) {
      // No longer this run's job: BullMQ hands it out again (or has already); touch nothing.
      if (err instanceof LockLostError) throw new WaitingError();
      throw err;
    } finally {
      guard.close();
      this.run = null;
    }
  }

  private async runJob(
    job: Job<SolveJobData>, token: string | undefined, fence: Fence, guard: RunGuard, stop: AbortController, log: Logger,
  ): Promise<void> {
    const { id } = job.data;
    const w = <T>(op: () => Promise<T>): Promise<T> => guard.write(op);
    const record = await w(() => this.store.get(id));
    if (!record || isTerminal(record.status)) return;
    if (await w(() => this.store.isCancelRequested(id))) {
      await w(() => this.store.finish(id, {
        status: 'cancelled', outcome: record.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'cancelled',
        stats: record.stats,
      }, Date.now(), fence));
      return;
    }
    const start = await w(() => this.store.startRun(id, this.workerId, fence));
    if (start === null) return;
    const { startedAt } = start;
    this.currentJob = id;
    void this.beat().catch(() => undefined);
    log.info({ run: start.run, found: start.solutionCount }, 'job started');

    let cancelled = false;
    // The job holds all the solutions it asked for (the store refused one more).
    let full = false;
    const onShutdown = () => stop.abort();
    this.shutdown.signal.addEventListener('abort', onShutdown);
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      this.store.isCancelRequested(id).then((yes) => {
        if (yes) {
          cancelled = true;
          stop.abort();
        }
      }, () => undefined).finally(() => (polling = false));
    }, CANCEL_POLL_MS);
    try {
      const { options } = record.request;
      const problem = this.opts.parts.prepare(record.request);
      // Another run draws other candidates: the seed moves on with the run number.
      const seed = (options.seed + start.run - 1) >>> 0;
      const { objective } = problem.model;
      const valueOf = objective
        ? (indices: number[]) => objectiveValue(objective, indices.map((i, x) => problem.model.variables[x]!.min + i))
        : undefined;
      // An optimisation resumed by this run goes on from the best its earlier runs stored.
      let bestSoFar: number | undefined;
      if (objective && start.solutionCount > 0) {
        for (const s of await w(() => this.store.solutions(id))) {
          if (s.objective !== undefined && (bestSoFar === undefined || better(objective, s.objective, bestSoFar))) bestSoFar = s.objective;
        }
      }
      const sink = new StoreSink(this.store, id, (indices) => this.opts.parts.render(problem.model, indices), {
        fence, max: options.solutions, write: w, ...(valueOf ? { objective: valueOf } : {}),
        onFull: () => {
          full = true;
          stop.abort();
        },
      });
      const result = await runSolve(problem, options, seed, {
        device: this.opts.device, parts: this.opts.parts, sink, batchSize: this.opts.config.batchSize,
      }, {
        solutions: options.solutions,
        alreadyFound: start.solutionCount,
        deadline: startedAt + options.timeLimitMs,
        startedAt,
        baseStats: start.stats,
        ...(bestSoFar !== undefined ? { bestSoFar } : {}),
        signal: stop.signal,
        progressIntervalMs: this.opts.progressIntervalMs ?? 250,
        onProgress: (stats) => w(() => this.store.progress(id, stats, fence)),
        log: (message, fields) => log.warn(fields, message),
      });
      log.info({ mode: result.mode, reason: result.modeReason }, 'solve mode');
      if (guard.lost) throw guard.lost;
      if (result.stop === 'cancelled' && !cancelled && !full) {
        // Shutting down: give the job back as it is.
        await w(() => this.store.requeue(id, result.stats, fence));
        await job.moveToWait(token);
        log.info({ found: result.found }, 'job handed back to the queue');
        throw new WaitingError();
      }
      const stopReason = full ? 'solutions' : result.stop;
      const { outcome, detail } = runOutcome(result, full);
      await w(() => this.store.finish(id, {
        status: stopReason === 'cancelled' ? 'cancelled' : 'succeeded',
        outcome,
        stopReason,
        stats: result.stats,
        ...(detail ? { detail } : {}),
      }, Date.now(), fence));
      log.info({ stop: stopReason, found: result.found, stats: result.stats }, 'job finished');
    } catch (err) {
      if (err instanceof WaitingError || err instanceof LockLostError) throw err;
      // Whatever failed after the run lost the job is no longer its business.
      if (guard.lost) throw guard.lost;
      const failure = failureOutcome(err);
      if (failure.final) {
        const { final: _final, ...fields } = failure;
        await w(() => this.store.finish(id, { ...fields, stats: record.stats }, Date.now(), fence));
        return;
      }
      const { message } = failure;
      const now = (await w(() => this.store.get(id))) ?? record;
      if (job.attemptsMade + 1 >= MAX_RUNS) {
        log.error({ err }, 'job failed');
        await w(() => this.store.finish(id, {
          status: 'failed', outcome: now.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'error',
          stats: now.stats, error: { code: failure.code, message },
        }, Date.now(), fence));
        return;
      }
      log.warn({ err }, 'job run failed, retrying');
      await w(() => this.store.requeue(id, now.stats, fence));
      throw err;
    } finally {
      clearInterval(poll);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
      this.currentJob = null;
      void this.beat().catch(() => undefined);
    }
  }
}
