// Issue 12, item 1: a Redis stall longer than the job lock must not let a job run on two workers
// at once. Two workers on a private Redis; while one runs a job, Redis is frozen (SIGSTOP) for
// well over the lock duration, so the lock expires and the other worker takes the job. The first
// worker can no longer prove it holds the job: it must stop, and none of its writes (solutions,
// stats, finish) may reach the record. The stored count is exactly what was asked, and runs is 2.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../src/queue/job-store.ts';
import { LockLostError } from '../src/queue/errors.ts';
import { lockKey } from '../src/queue/keys.ts';
import { auth, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { startPrivateRedis, type PrivateRedis } from './helpers/private-redis.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';
import { checkCnf, readCnfClauses } from './helpers/problems.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const CLAUSES = readCnfClauses(UF50);
const LOCK_MS = 2_000;
const WANTED = 300;

let redis: PrivateRedis;
let api: TestApi;
const workers: Awaited<ReturnType<typeof startInProcessWorker>>[] = [];
const validators: ReferenceValidator[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  api = await startApi(uniquePrefix('lock-loss'), {}, redis.url);
  for (let i = 0; i < 2; i++) {
    const v = new ReferenceValidator();
    v.verdictDelayMs = 15;
    validators.push(v);
    workers.push(await startInProcessWorker(api.prefix, v, {
      redisUrl: redis.url, lockDurationMs: LOCK_MS, stalledIntervalMs: 500, batchSize: 8,
    }));
  }
});
afterAll(async () => {
  redis?.thaw();
  await Promise.all(workers.map((w) => w.close()));
  await api?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis frozen for longer than the job lock', { timeout: 180_000 }, () => {
  it('a write of a run whose lock is gone is refused inside Redis', async () => {
    const store = new JobStore(api.redis, api.prefix, 600);
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: 'p cnf 1 1\n1 0\n' } });
    const id = res.json().id;
    await waitForJob(api.app, id, 30_000);
    // The job is done, its BullMQ lock gone: a run holding an old token is fenced out.
    expect(await api.redis.exists(lockKey(api.prefix, id))).toBe(0);
    const stale = { token: 'stale-token:0' };
    await expect(store.addSolution(id, 'x', { assignment: { x: true }, foundAtMs: 1, device: 'd' }, { fence: stale, max: 10 }))
      .rejects.toBeInstanceOf(LockLostError);
    await expect(store.progress(id, (await store.get(id))!.stats, stale)).rejects.toBeInstanceOf(LockLostError);
  });

  it('the first worker stops, the second finishes; exactly the solutions asked, runs = 2', async () => {
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', headers: auth(),
      payload: { format: 'cnf', source: UF50, options: { solutions: WANTED, seed: 3, timeLimitMs: 150_000 } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    const running = await waitForJobState(api.app, id, (j) => j.status === 'running' && j.solutionCount >= 5, 60_000);
    expect(running.solutionCount).toBeLessThan(WANTED / 2);
    const first = running.worker;

    const staleValidator = validators[workers.findIndex((w) => w.worker.workerId === first)];
    redis.freeze();
    await sleep(LOCK_MS * 3);
    redis.thaw();
    // The first run finds its lock gone at its next write and stops; give that a moment.
    await sleep(1_000);
    const staleVerdicts = staleValidator.verdictsGiven;

    const job = await waitForJob(api.app, id, 150_000);
    // Writes of a stale run would land after the end: give them time to show.
    await sleep(LOCK_MS * 2);
    const after = (await api.app.inject({ url: `/v1/jobs/${id}`, headers: auth() })).json();
    expect(after.solutionCount).toBe(job.solutionCount);
    expect(after.stats).toEqual(job.stats);

    expect(job).toMatchObject({ status: 'succeeded', stopReason: 'solutions', solutionCount: WANTED, runs: 2 });
    expect(await api.redis.llen(`${api.prefix}:job:{${id}}:solutions`)).toBe(WANTED);
    expect(new Set(job.solutions.map((s: { assignment: object }) => JSON.stringify(s.assignment))).size).toBe(WANTED);
    expect(job.solutions.every((s: { assignment: Record<string, boolean> }) => checkCnf(CLAUSES, s.assignment))).toBe(true);
    // Stats are those of the runs that held the lock: never fewer proofs than stored solutions.
    expect(job.stats.proven).toBeGreaterThanOrEqual(WANTED);
    // The first worker stopped working on the job (unless it was the one to take it up again).
    if (job.worker !== first) expect(staleValidator.verdictsGiven).toBe(staleVerdicts);
  });
});
