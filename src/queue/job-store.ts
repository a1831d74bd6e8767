// The results store: a job's record, its proven solutions and its events, all in Redis, written
// by the API (create, cancel) and by whichever worker runs the job (status, progress, solutions).
// Solutions are appended the moment they are proven and deduplicated by canonical assignment in
// one Lua script, so a job resumed on another worker after a crash keeps what was found and never
// repeats it. A run's writes are fenced by its BullMQ lock token (below): only the run holding the
// job changes it, and a job never holds more solutions than it asked for. Keys live forever while a job is active and expire resultTtlSeconds after it ends.

import type { Redis } from 'ioredis';
import { LockLostError } from './errors.ts';
import { jobKeys, lockKey, ownerJobsKey, totalsKey } from './keys.ts';
import {
  emptyStats, OPTION_BOUNDS, TERMINAL_STATUSES,
  type JobStatus, type Outcome, type Solution, type SolveRequest, type SolveStats, type StopReason,
} from '../solve/types.ts';

export interface JobRecord {
  id: string;
  /** Hash of the API key that created the job. */
  owner: string;
  status: JobStatus;
  outcome: Outcome;
  stopReason?: StopReason;
  stats: SolveStats;
  /** Why a job failed. */
  error?: JobError;
  /** A note on the outcome, e.g. why the problem is unsatisfiable. */
  detail?: string;
  request: SolveRequest;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Times a worker has started the job (more than 1 after a crash or a shutdown). */
  runs: number;
  /** The worker that ran the job last. */
  worker?: string;
  solutionCount: number;
}

export interface JobError {
  /** `device` (the device failed for good), `internal` (anything else). */
  code: string;
  message: string;
}

export type JobEvent =
  | { type: 'progress'; stats: SolveStats; solutionCount: number }
  | { type: 'solution'; solution: Solution }
  | { type: 'status'; status: JobStatus; outcome: Outcome; stopReason?: StopReason; error?: JobError; detail?: string };

export interface FinalState {
  status: JobStatus;
  outcome: Outcome;
  stopReason: StopReason;
  stats: SolveStats;
  error?: JobError;
  detail?: string;
}

// Fencing: every write of a run passes the BullMQ lock token of that run, and each script below
// first checks that the job's lock still holds that token (FENCE, with the lock key and the token
// as its first key and argument). A run whose lock expired (a Redis stall, a partition, a paused
// process) or was taken over by another run is refused (-2) before anything is written, inside the
// same script, so a stale run can never change the record, whatever it believes. An empty token
// marks a write that is no run's (the API cancelling a queued job, a job given up on).
const FENCE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end`;

const ACTIVE = `
local st = redis.call('HGET', KEYS[2], 'status')
local active = st and st ~= 'succeeded' and st ~= 'failed' and st ~= 'cancelled'`;

/** What the fenced scripts return when the lock is not the run's. */
const FENCED = -2;

// KEYS: lock, meta, seen, solutions. ARGV: token, canonical key, solution JSON without index,
// events channel, most solutions the job may hold, stats JSON or ''. Returns the new solution's
// 1-based index; 0 when the assignment was stored already; -1 when the job is finished or holds
// as many solutions as asked (nothing is stored); -2 when fenced. Stats are written with the
// solution, so a run killed right after it leaves stats that count it.
const ADD_SOLUTION = `${FENCE}${ACTIVE}
if not active then return -1 end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[2], 'stats', ARGV[6]) end
if redis.call('LLEN', KEYS[4]) >= tonumber(ARGV[5]) then return -1 end
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then return 0 end
local n = redis.call('RPUSH', KEYS[4], ARGV[3])
local s = string.sub(ARGV[3], 1, -2) .. ',"index":' .. n .. '}'
redis.call('PUBLISH', ARGV[4], '{"type":"solution","solution":' .. s .. '}')
return n`;

// KEYS: lock, meta. ARGV: token, then field/value pairs. Writes only while the job is not
// finished; returns 1 if written, 0 if the job is finished or gone, -2 when fenced.
const UPDATE_IF_ACTIVE = `${FENCE}${ACTIVE}
if not active then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 2))
return 1`;

// KEYS: lock, meta, solutions. ARGV: token, now, worker. Marks an active job running; returns its
// first start time, its solution count, its stats and the run number, 0 when the job is gone or
// finished, -2 when fenced. The same token again (a retry after a timeout) counts no new run.
const MARK_RUNNING = `${FENCE}${ACTIVE}
if not active then return 0 end
local runs
if ARGV[1] ~= '' and redis.call('HGET', KEYS[2], 'runToken') == ARGV[1] then
  runs = tonumber(redis.call('HGET', KEYS[2], 'runs'))
else
  redis.call('HSETNX', KEYS[2], 'startedAt', ARGV[2])
  redis.call('HSET', KEYS[2], 'status', 'running', 'worker', ARGV[3], 'runToken', ARGV[1])
  runs = redis.call('HINCRBY', KEYS[2], 'runs', 1)
end
return { redis.call('HGET', KEYS[2], 'startedAt'), redis.call('LLEN', KEYS[3]), redis.call('HGET', KEYS[2], 'stats'), runs }`;

/** Proof that a write comes from the run holding the job: the BullMQ lock token of that run. */
export interface Fence {
  token: string;
}

/** What a run starts from (markRunning). */
export interface RunStart {
  /** When the job first started (epoch ms), over all runs. */
  startedAt: number;
  /** Solutions stored by earlier runs. */
  solutionCount: number;
  /** Stats of earlier runs. */
  stats: SolveStats;
  /** This run's number, from 1. */
  run: number;
}

/** How much longer than the result TTL the per-owner job index keeps an entry. */
const INDEX_GRACE_SECONDS = 7 * 86_400;

export class JobStore {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    readonly resultTtlSeconds: number,
  ) {}

  keys(id: string) {
    return jobKeys(this.prefix, id);
  }

  async create(id: string, owner: string, request: SolveRequest, now = Date.now()): Promise<void> {
    const jobs = ownerJobsKey(this.prefix, owner);
    const keepSeconds = this.resultTtlSeconds + INDEX_GRACE_SECONDS;
    await this.redis.multi()
      .hset(this.keys(id).meta, {
        id, owner, status: 'queued', outcome: 'UNKNOWN', createdAt: String(now),
        request: JSON.stringify(request), stats: JSON.stringify(emptyStats()), runs: '0',
      })
      .zadd(jobs, 0, listEntry(now, id))
      // The index keeps entries for the result TTL plus a grace period (a job may wait in the
      // queue): older ones go here, entries of jobs expired sooner when they are listed.
      .zremrangebylex(jobs, '-', `(${listEntry(now - keepSeconds * 1000, '')}`)
      .expire(jobs, keepSeconds)
      .exec();
  }

  /**
   * Up to `limit` of the owner's jobs, newest first, after the cursor `before` (the `cursor` of
   * the last job of the previous page). Jobs that expired meanwhile are dropped from the index.
   */
  async list(owner: string, limit: number, before?: string): Promise<{ job: JobRecord; cursor: string }[]> {
    const jobs = ownerJobsKey(this.prefix, owner);
    const out: { job: JobRecord; cursor: string }[] = [];
    let after = before;
    while (out.length < limit) {
      const entries = await this.redis.zrevrangebylex(jobs, after === undefined ? '+' : `(${after}`, '-', 'LIMIT', 0, limit - out.length);
      if (entries.length === 0) break;
      const records = await Promise.all(entries.map((e) => this.get(e.slice(e.indexOf(':') + 1))));
      const gone = entries.filter((_, i) => records[i] === null);
      if (gone.length > 0) await this.redis.zrem(jobs, ...gone);
      entries.forEach((cursor, i) => records[i] && out.push({ job: records[i], cursor }));
      after = entries[entries.length - 1];
    }
    return out;
  }

  async get(id: string): Promise<JobRecord | null> {
    const k = this.keys(id);
    const [[, h], [, count]] = (await this.redis.multi().hgetall(k.meta).llen(k.solutions).exec()) as [
      [unknown, Record<string, string>], [unknown, number],
    ];
    if (!h || !h.id) return null;
    return {
      id: h.id,
      owner: h.owner,
      status: h.status as JobStatus,
      outcome: h.outcome as Outcome,
      stopReason: (h.stopReason || undefined) as StopReason | undefined,
      stats: JSON.parse(h.stats) as SolveStats,
      error: h.error ? (JSON.parse(h.error) as JobError) : undefined,
      detail: h.detail || undefined,
      request: JSON.parse(h.request) as SolveRequest,
      createdAt: Number(h.createdAt),
      startedAt: h.startedAt ? Number(h.startedAt) : undefined,
      finishedAt: h.finishedAt ? Number(h.finishedAt) : undefined,
      runs: Number(h.runs ?? 0),
      worker: h.worker || undefined,
      solutionCount: count,
    };
  }

  /** Solutions with index > after, in order. */
  async solutions(id: string, after = 0): Promise<Solution[]> {
    const items = await this.redis.lrange(this.keys(id).solutions, after, -1);
    return items.map((s, i) => ({ ...(JSON.parse(s) as Omit<Solution, 'index'>), index: after + i + 1 }));
  }

  /**
   * Stores a proven solution unless the same assignment is stored already (returns 0), or the job
   * is finished or holds `max` solutions (returns -1); else returns its 1-based index. With
   * `stats`, the run's stats are saved in the same step. Throws LockLostError when `fence` is not
   * the job's lock.
   */
  async addSolution(
    id: string, canonical: string, solution: Omit<Solution, 'index'>,
    opts: { fence?: Fence; max?: number; stats?: SolveStats } = {},
  ): Promise<number> {
    const k = this.keys(id);
    const json = JSON.stringify({
      assignment: solution.assignment, foundAtMs: solution.foundAtMs, device: solution.device,
      ...(solution.objective !== undefined ? { objective: solution.objective } : {}),
    });
    const n = (await this.redis.eval(
      ADD_SOLUTION, 4, lockKey(this.prefix, id), k.meta, k.seen, k.solutions,
      opts.fence?.token ?? '', canonical, json, k.events, String(opts.max ?? OPTION_BOUNDS.solutions.max),
      opts.stats ? JSON.stringify(opts.stats) : '',
    )) as number;
    if (n === FENCED) throw new LockLostError(id, 'the job lock is not this run\'s: a solution was not stored');
    return n;
  }

  /**
   * Marks the job running on a worker and returns when it first started (the time limit and
   * `foundAtMs` count from then, across restarts). Returns null if the job is gone or finished.
   */
  async markRunning(id: string, worker: string, now = Date.now(), fence?: Fence): Promise<number | null> {
    return (await this.startRun(id, worker, fence, now))?.startedAt ?? null;
  }

  /**
   * Starts a run: marks the job running on `worker`, counts the run, and returns what earlier runs
   * left (read in the same step, so nothing can slip in between). Null if the job is gone or
   * finished; LockLostError when `fence` is not the job's lock.
   */
  async startRun(id: string, worker: string, fence?: Fence, now = Date.now()): Promise<RunStart | null> {
    const k = this.keys(id);
    const marked = (await this.redis.eval(
      MARK_RUNNING, 3, lockKey(this.prefix, id), k.meta, k.solutions, fence?.token ?? '', String(now), worker,
    )) as [string, number, string, number] | number;
    if (marked === FENCED) throw new LockLostError(id, 'the job lock is not this run\'s: the run did not start');
    if (typeof marked === 'number') return null;
    const [startedAt, solutionCount, stats, run] = marked;
    await this.publish(id, { type: 'status', status: 'running', outcome: solutionCount > 0 ? 'SATISFIED' : 'UNKNOWN' });
    return { startedAt: Number(startedAt), solutionCount, stats: JSON.parse(stats) as SolveStats, run };
  }

  /** Records progress and tells listeners; a no-op once the job has finished. */
  async progress(id: string, stats: SolveStats, fence?: Fence): Promise<void> {
    if (await this.updateIfActive(id, { stats: JSON.stringify(stats) }, fence)) {
      const solutionCount = await this.redis.llen(this.keys(id).solutions);
      await this.publish(id, { type: 'progress', stats, solutionCount });
    }
  }

  /** Back to the queue (a worker shutting down hands its job over). */
  async requeue(id: string, stats: SolveStats, fence?: Fence): Promise<void> {
    if (await this.updateIfActive(id, { status: 'queued', stats: JSON.stringify(stats) }, fence)) {
      await this.publish(id, { type: 'status', status: 'queued', outcome: 'UNKNOWN' });
    }
  }

  /**
   * Ends the job (once: a finished job stays as it is), starts its expiry and tells listeners.
   * A run passes its `fence`: LockLostError when the job is no longer its own.
   */
  async finish(id: string, final: FinalState, now = Date.now(), fence?: Fence): Promise<boolean> {
    const fields: Record<string, string> = {
      status: final.status, outcome: final.outcome, stopReason: final.stopReason,
      stats: JSON.stringify(final.stats), finishedAt: String(now),
    };
    if (final.error) fields.error = JSON.stringify(final.error);
    if (final.detail) fields.detail = final.detail;
    if (!(await this.updateIfActive(id, fields, fence))) return false;
    const k = this.keys(id);
    const ttl = this.resultTtlSeconds;
    const totals = totalsKey(this.prefix);
    const m = this.redis.multi()
      .expire(k.meta, ttl).expire(k.solutions, ttl).expire(k.seen, ttl).expire(k.cancel, ttl)
      .hincrby(totals, `jobs_${final.status}`, 1);
    for (const [name, value] of Object.entries(final.stats)) if (name !== 'elapsedMs' && typeof value === 'number') m.hincrby(totals, name, value);
    await m.exec();
    await this.publish(id, {
      type: 'status', status: final.status, outcome: final.outcome, stopReason: final.stopReason,
      ...(final.error ? { error: final.error } : {}),
      ...(final.detail ? { detail: final.detail } : {}),
    });
    return true;
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis.set(this.keys(id).cancel, '1', 'EX', this.resultTtlSeconds);
  }

  async isCancelRequested(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(id).cancel)) === 1;
  }

  async publish(id: string, event: JobEvent): Promise<void> {
    await this.redis.publish(this.keys(id).events, JSON.stringify(event));
  }

  /** Throws LockLostError when fenced; false when the job is finished or gone. */
  private async updateIfActive(id: string, fields: Record<string, string>, fence?: Fence): Promise<boolean> {
    const args = Object.entries(fields).flat();
    const r = await this.redis.eval(UPDATE_IF_ACTIVE, 2, lockKey(this.prefix, id), this.keys(id).meta, fence?.token ?? '', ...args);
    if (r === FENCED) throw new LockLostError(id, 'the job lock is not this run\'s: the record was not changed');
    return r === 1;
  }
}

/** Index entry of a job: ordered by creation time, then id, as strings. */
function listEntry(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(15, '0')}:${id}`;
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
