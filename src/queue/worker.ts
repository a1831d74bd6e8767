// A worker: owns one device and runs solve jobs from the queue on it, one at a time.
// - Cancellation: the cancel flag is polled every CANCEL_POLL_MS while a job runs.
// - Crash: BullMQ's stalled-job check hands a killed worker's job to another worker after
//   lockDuration; the new run resumes with the solutions and stats stored so far.
// - Shutdown (close): the running job is stopped and put back in the queue untouched, so another
//   worker (or this one, restarted) carries on with it.

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Model, RenderedAssignment } from '../model/types.ts';
import type { Program } from '../model/program.ts';
import { InputError, UnsatisfiableError } from '../model/errors.ts';
import { runSolveLoop } from '../solve/loop.ts';
import { DeviceLostError, ProgramRejectedError, type CandidateSource, type Validator } from '../solve/ports.ts';
import type { SolveRequest } from '../solve/types.ts';
import type { WorkerConfig } from './config.ts';
import { DeviceRegistry, type DeviceRecord } from './devices.ts';
import { JobStore, isTerminal } from './job-store.ts';
import { MAX_RUNS, QUEUE_NAME, type SolveJobData } from './queue.ts';
import { StoreSink } from './store-sink.ts';

const CANCEL_POLL_MS = 50;
const HEARTBEAT_MS = 2_000;

/** The device a worker holds for its whole life. */
export interface DeviceHandle {
  validator: Validator;
  /** Path or tcp:// address, for the device list. */
  port: string;
  simulated: boolean;
  handshake: Record<string, unknown> | null;
}

/** The parts of a solve the worker does not own: parsing and compiling, sampling, rendering. */
export interface SolveParts {
  prepare(request: SolveRequest): { model: Model; program: Program };
  createSource(model: Model, program: Program, seed: number): Promise<CandidateSource & { close?(): Promise<void> }>;
  render(model: Model, indices: number[]): RenderedAssignment;
}

export interface SolveWorkerOptions {
  config: WorkerConfig;
  /** Connection for BullMQ's blocking commands (needs maxRetriesPerRequest: null). */
  connection: Redis;
  device: DeviceHandle;
  parts: SolveParts;
  logger: Logger;
  progressIntervalMs?: number;
}

export class SolveWorker {
  readonly workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly store: JobStore;
  private readonly registry: DeviceRegistry;
  private readonly worker: Worker<SolveJobData>;
  private readonly startedAt = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private currentJob: string | null = null;
  private shutdown = new AbortController();

  constructor(private readonly opts: SolveWorkerOptions) {
    const { config, connection } = opts;
    this.store = new JobStore(connection, config.prefix, config.resultTtlSeconds);
    this.registry = new DeviceRegistry(connection, config.prefix);
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
    const record = await this.store.get(id);
    if (!record || isTerminal(record.status)) return;
    if (await this.store.isCancelRequested(id)) {
      await this.store.finish(id, {
        status: 'cancelled', outcome: record.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'cancelled',
        stats: record.stats,
      });
      return;
    }
    const startedAt = await this.store.markRunning(id, this.workerId);
    if (startedAt === null) return;
    this.currentJob = id;
    void this.beat().catch(() => undefined);
    log.info({ run: record.runs + 1, found: record.solutionCount }, 'job started');

    const stop = new AbortController();
    let cancelled = false;
    const onShutdown = () => stop.abort();
    this.shutdown.signal.addEventListener('abort', onShutdown);
    const poll = setInterval(() => {
      this.store.isCancelRequested(id).then((yes) => {
        if (yes) {
          cancelled = true;
          stop.abort();
        }
      }, () => undefined);
    }, CANCEL_POLL_MS);
    let source: (CandidateSource & { close?(): Promise<void> }) | undefined;
    try {
      const { options } = record.request;
      const problem = this.opts.parts.prepare(record.request);
      // Another run draws other candidates: the seed moves on with the run number.
      source = await this.opts.parts.createSource(problem.model, problem.program, (options.seed + record.runs) >>> 0);
      const result = await runSolveLoop(problem, {
        source,
        validator: this.opts.device.validator,
        sink: new StoreSink(this.store, id, (indices) => this.opts.parts.render(problem.model, indices)),
      }, {
        solutions: options.solutions,
        alreadyFound: record.solutionCount,
        maxCandidates: options.maxCandidates,
        deadline: startedAt + options.timeLimitMs,
        startedAt,
        batchSize: this.opts.config.batchSize,
        baseStats: record.stats,
        signal: stop.signal,
        progressIntervalMs: this.opts.progressIntervalMs ?? 250,
        onProgress: (stats) => this.store.progress(id, stats),
        log: (message, fields) => log.warn(fields, message),
      });
      if (result.stop === 'cancelled' && !cancelled) {
        // Shutting down: give the job back as it is.
        await this.store.requeue(id, result.stats);
        await job.moveToWait(token);
        log.info({ found: result.found }, 'job handed back to the queue');
        throw new WaitingError();
      }
      await this.store.finish(id, {
        status: result.stop === 'cancelled' ? 'cancelled' : 'succeeded',
        outcome: result.found > 0 ? 'SATISFIED' : 'UNKNOWN',
        stopReason: result.stop,
        stats: result.stats,
      });
      log.info({ stop: result.stop, found: result.found, stats: result.stats }, 'job finished');
    } catch (err) {
      if (err instanceof WaitingError) throw err;
      // Faults of the problem itself: another run would fail the same way.
      if (err instanceof ProgramRejectedError || err instanceof InputError) {
        await this.store.finish(id, {
          status: 'failed', outcome: 'UNKNOWN', stopReason: 'error', stats: record.stats,
          error: { code: err instanceof InputError ? 'input' : 'device_capacity', message: err.message },
        });
        return;
      }
      if (err instanceof UnsatisfiableError) {
        await this.store.finish(id, {
          status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', stats: record.stats, detail: err.message,
        });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const now = (await this.store.get(id)) ?? record;
      if (job.attemptsMade + 1 >= MAX_RUNS) {
        log.error({ err }, 'job failed');
        await this.store.finish(id, {
          status: 'failed', outcome: now.solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'error',
          stats: now.stats, error: { code: err instanceof DeviceLostError ? 'device' : 'internal', message },
        });
        return;
      }
      log.warn({ err }, 'job run failed, retrying');
      await this.store.requeue(id, now.stats);
      throw err;
    } finally {
      clearInterval(poll);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
      await source?.close?.().catch(() => undefined);
      this.currentJob = null;
      void this.beat().catch(() => undefined);
    }
  }
}
