// The results store against the real Redis: dedupe and numbering of solutions, finishing once,
// expiry of finished jobs, and the events it publishes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../src/queue/event-hub.ts';
import { JobStore, type JobEvent } from '../src/queue/job-store.ts';
import { emptyStats, type SolveRequest } from '../src/solve/types.ts';
import { deletePrefix, redisConnection, uniquePrefix } from './helpers/service.ts';

const prefix = uniquePrefix('queue-store');
const redis = redisConnection();
const store = new JobStore(redis, prefix, 120);
const hub = new EventHub(redisConnection());
const request: SolveRequest = { format: 'cnf', source: 'p cnf 1 1\n1 0\n', options: { solutions: 2, timeLimitMs: 1000, seed: 1, maxCandidates: 10 } };

beforeAll(async () => {
  await store.create('job-1', 'owner-a', request);
});
afterAll(async () => {
  await hub.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('job store', () => {
  it('numbers solutions from 1, drops a repeated assignment, and publishes each new one', async () => {
    const events: JobEvent[] = [];
    const unsubscribe = await hub.subscribe(store.keys('job-1').events, (e) => events.push(e));
    expect(await store.markRunning('job-1', 'worker-x', 1_000)).toBe(1_000);
    expect(await store.addSolution('job-1', 'k1', { assignment: { 1: true }, foundAtMs: 5, device: 'd' })).toBe(1);
    expect(await store.addSolution('job-1', 'k1', { assignment: { 1: true }, foundAtMs: 6, device: 'd' })).toBe(0);
    expect(await store.addSolution('job-1', 'k2', { assignment: { 1: false }, foundAtMs: 7, device: 'd' })).toBe(2);
    expect(await store.solutions('job-1')).toEqual([
      { index: 1, assignment: { 1: true }, foundAtMs: 5, device: 'd' },
      { index: 2, assignment: { 1: false }, foundAtMs: 7, device: 'd' },
    ]);
    expect((await store.solutions('job-1', 1)).map((s) => s.index)).toEqual([2]);
    // A later run keeps the first start time.
    expect(await store.markRunning('job-1', 'worker-y', 9_000)).toBe(1_000);
    await new Promise((r) => setTimeout(r, 100));
    await unsubscribe();
    expect(events.map((e) => e.type)).toEqual(['status', 'solution', 'solution', 'status']);
    // A resumed job that has solutions is SATISFIED from its start.
    expect(events[0]).toMatchObject({ status: 'running', outcome: 'UNKNOWN' });
    expect(events[3]).toMatchObject({ status: 'running', outcome: 'SATISFIED' });
    expect(events[2]).toEqual({ type: 'solution', solution: { index: 2, assignment: { 1: false }, foundAtMs: 7, device: 'd' } });
    const job = await store.get('job-1');
    expect(job).toMatchObject({ status: 'running', runs: 2, worker: 'worker-y', solutionCount: 2, startedAt: 1_000 });
  });

  it('finishes a job once, then ignores progress and further finishes, and lets it expire', async () => {
    const stats = { ...emptyStats(), candidates: 9 };
    expect(await store.finish('job-1', { status: 'succeeded', outcome: 'SATISFIED', stopReason: 'solutions', stats })).toBe(true);
    expect(await store.finish('job-1', { status: 'failed', outcome: 'UNKNOWN', stopReason: 'error', stats: emptyStats() })).toBe(false);
    await store.progress('job-1', { ...stats, candidates: 99 });
    expect(await store.markRunning('job-1', 'worker-z')).toBeNull();
    const job = await store.get('job-1');
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', stopReason: 'solutions', stats: { candidates: 9 } });
    const k = store.keys('job-1');
    for (const key of [k.meta, k.solutions, k.seen]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    }
    expect(await redis.hget(`${prefix}:totals`, 'jobs_succeeded')).toBe('1');
  });

  it('lists an owner\'s jobs newest first and forgets index entries past the TTL and grace period', async () => {
    const now = Date.now();
    await store.create('old-job', 'owner-b', request, now - 8 * 86_400_000);
    await store.create('mid-job', 'owner-b', request, now - 86_400_000);
    expect((await store.list('owner-b', 10)).map((l) => l.job.id)).toEqual(['mid-job', 'old-job']);
    await store.create('new-job', 'owner-b', request, now);
    expect((await store.list('owner-b', 10)).map((l) => l.job.id)).toEqual(['new-job', 'mid-job']);
    expect((await store.list('owner-a', 10)).map((l) => l.job.id)).toEqual(['job-1']);
  });

  it('knows nothing of a job that does not exist', async () => {
    expect(await store.get('nope')).toBeNull();
    expect(await store.markRunning('nope', 'w')).toBeNull();
    expect(await redis.exists(store.keys('nope').meta)).toBe(0);
  });
});
