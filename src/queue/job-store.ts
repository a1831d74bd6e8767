// The results store: a job's record, its proven solutions and its events, all in Redis, written
// by the API (create, cancel) and by whichever worker runs the job (status, progress, solutions).
// Solutions are appended the moment they are proven and deduplicated by canonical assignment in
// one Lua script, so a job resumed on another worker after a crash keeps what was found and never
// repeats it. Keys live forever while a job is active and expire resultTtlSeconds after it ends.

import type { Redis } from 'ioredis';
import { jobKeys, ownerJobsKey, totalsKey } from './keys.ts';
import {
  emptyStats, TERMINAL_STATUSES,
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

// KEYS: seen, solutions. ARGV: canonical key, solution JSON without index, events channel.
// Returns the new solution's 1-based index, or 0 when the assignment was already stored.
const ADD_SOLUTION = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
local n = redis.call('RPUSH', KEYS[2], ARGV[2])
local s = string.sub(ARGV[2], 1, -2) .. ',"index":' .. n .. '}'
redis.call('PUBLISH', ARGV[3], '{"type":"solution","solution":' .. s .. '}')
return n`;

// KEYS: meta. ARGV: field/value pairs. Writes only while the job is not finished; returns 1 if written.
const UPDATE_IF_ACTIVE = `
local st = redis.call('HGET', KEYS[1], 'status')
if (not st) or st == 'succeeded' or st == 'failed' or st == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

// KEYS: meta, solutions. ARGV: now, worker. Marks an active job running; returns its first
// start time and its solution count, or nil when the job is gone or finished.
const MARK_RUNNING = `
local st = redis.call('HGET', KEYS[1], 'status')
if (not st) or st == 'succeeded' or st == 'failed' or st == 'cancelled' then return false end
redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'runs', 1)
return { redis.call('HGET', KEYS[1], 'startedAt'), redis.call('LLEN', KEYS[2]) }`;

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

  /** Stores a proven solution unless the same assignment is stored already; returns its index or 0. */
  async addSolution(id: string, canonical: string, solution: Omit<Solution, 'index'>): Promise<number> {
    const k = this.keys(id);
    const json = JSON.stringify({ assignment: solution.assignment, foundAtMs: solution.foundAtMs, device: solution.device });
    return (await this.redis.eval(ADD_SOLUTION, 2, k.seen, k.solutions, canonical, json, k.events)) as number;
  }

  /**
   * Marks the job running on a worker and returns when it first started (the time limit and
   * `foundAtMs` count from then, across restarts). Returns null if the job is gone or finished.
   */
  async markRunning(id: string, worker: string, now = Date.now()): Promise<number | null> {
    const k = this.keys(id);
    const marked = (await this.redis.eval(MARK_RUNNING, 2, k.meta, k.solutions, String(now), worker)) as [string, number] | null;
    if (marked === null) return null;
    const [startedAt, solutions] = marked;
    await this.publish(id, { type: 'status', status: 'running', outcome: solutions > 0 ? 'SATISFIED' : 'UNKNOWN' });
    return Number(startedAt);
  }

  /** Records progress and tells listeners; a no-op once the job has finished. */
  async progress(id: string, stats: SolveStats): Promise<void> {
    if (await this.updateIfActive(id, { stats: JSON.stringify(stats) })) {
      const solutionCount = await this.redis.llen(this.keys(id).solutions);
      await this.publish(id, { type: 'progress', stats, solutionCount });
    }
  }

  /** Back to the queue (a worker shutting down hands its job over). */
  async requeue(id: string, stats: SolveStats): Promise<void> {
    if (await this.updateIfActive(id, { status: 'queued', stats: JSON.stringify(stats) })) {
      await this.publish(id, { type: 'status', status: 'queued', outcome: 'UNKNOWN' });
    }
  }

  /** Ends the job (once: a finished job stays as it is), starts its expiry and tells listeners. */
  async finish(id: string, final: FinalState, now = Date.now()): Promise<boolean> {
    const fields: Record<string, string> = {
      status: final.status, outcome: final.outcome, stopReason: final.stopReason,
      stats: JSON.stringify(final.stats), finishedAt: String(now),
    };
    if (final.error) fields.error = JSON.stringify(final.error);
    if (final.detail) fields.detail = final.detail;
    if (!(await this.updateIfActive(id, fields))) return false;
    const k = this.keys(id);
    const ttl = this.resultTtlSeconds;
    const totals = totalsKey(this.prefix);
    const m = this.redis.multi()
      .expire(k.meta, ttl).expire(k.solutions, ttl).expire(k.seen, ttl).expire(k.cancel, ttl)
      .hincrby(totals, `jobs_${final.status}`, 1);
    for (const [name, value] of Object.entries(final.stats)) if (name !== 'elapsedMs') m.hincrby(totals, name, value);
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

  private async updateIfActive(id: string, fields: Record<string, string>): Promise<boolean> {
    const args = Object.entries(fields).flat();
    return (await this.redis.eval(UPDATE_IF_ACTIVE, 1, this.keys(id).meta, ...args)) === 1;
  }
}

/** Index entry of a job: ordered by creation time, then id, as strings. */
function listEntry(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(15, '0')}:${id}`;
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
