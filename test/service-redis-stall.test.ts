// Issue 12, item 2: a stalled Redis (frozen with SIGSTOP: connections stay open, nothing answers)
// must not hang the API. Job requests fail within the command timeout with 503 `unavailable` and
// a Retry-After; /readyz says so; once Redis answers again everything works. A worker whose Redis
// stalls for less than its job lock pauses the job and resumes it in the same run.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { startPrivateRedis, type PrivateRedis } from './helpers/private-redis.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const TIMEOUT_MS = 1_000;

let redis: PrivateRedis;
let api: TestApi;

beforeAll(async () => {
  redis = await startPrivateRedis();
  api = await startApi(uniquePrefix('redis-stall'), { redisCommandTimeoutMs: TIMEOUT_MS }, redis.url);
});
afterAll(async () => {
  redis?.thaw();
  await api?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The request, or a 'hung' marker after `ms`: a hang fails the test instead of stalling it. */
async function timed(run: () => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>, ms = 10_000) {
  const t0 = Date.now();
  const res = await Promise.race([run(), sleep(ms).then(() => null)]);
  return { res, ms: Date.now() - t0 };
}

describe('Redis frozen', { timeout: 120_000 }, () => {
  it('job requests answer 503 within the command timeout, and work again once Redis answers', async () => {
    const created = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: 'p cnf 2 1\n1 2 0\n' } });
    expect(created.statusCode).toBe(202);
    const id = created.json().id;

    redis.freeze();
    try {
      const requests = {
        'GET /v1/jobs/:id': () => api.app.inject({ url: `/v1/jobs/${id}`, headers: auth() }),
        'GET /v1/jobs': () => api.app.inject({ url: '/v1/jobs', headers: auth() }),
        'POST /v1/jobs': () => api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: 'p cnf 1 1\n1 0\n' } }),
        'GET /v1/jobs/:id/events': () => api.app.inject({ url: `/v1/jobs/${id}/events`, headers: auth() }),
        'DELETE /v1/jobs/:id': () => api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() }),
        'GET /v1/devices': () => api.app.inject({ url: '/v1/devices', headers: auth() }),
      };
      const figures: Record<string, number> = {};
      for (const [name, run] of Object.entries(requests)) {
        const { res, ms } = await timed(run);
        expect(res, `${name} hung`).not.toBeNull();
        expect(res!.statusCode, `${name}: ${res!.body}`).toBe(503);
        expect(JSON.parse(res!.body).error).toEqual({ code: 'unavailable', message: 'the job store (Redis) cannot be reached; try again later' });
        expect(res!.headers['retry-after']).toBe('2');
        // One command timeout, perhaps two (the rate limit's, then the route's), never a hang.
        expect(ms, name).toBeLessThan(2 * TIMEOUT_MS + 1_500);
        figures[name] = ms;
      }
      console.log(`time to 503 with Redis frozen (command timeout ${TIMEOUT_MS} ms): ${JSON.stringify(figures)}`);
      const ready = await timed(() => api.app.inject({ url: '/readyz' }));
      expect(ready.res!.statusCode).toBe(503);
      expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      redis.thaw();
    }
    await sleep(200);
    const again = await api.app.inject({ url: `/v1/jobs/${id}`, headers: auth() });
    expect(again.statusCode, again.body).toBe(200);
    expect((await api.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('a worker pauses its job through a stall shorter than the lock and resumes it in the same run', async () => {
    const validator = new ReferenceValidator();
    validator.verdictDelayMs = 10;
    const worker = await startInProcessWorker(api.prefix, validator, {
      redisUrl: redis.url, lockDurationMs: 10_000, stalledIntervalMs: 2_000, batchSize: 8, redisCommandTimeoutMs: 300,
    });
    try {
      const res = await api.app.inject({
        method: 'POST', url: '/v1/jobs', headers: auth(),
        payload: { format: 'cnf', source: UF50, options: { solutions: 150, seed: 8, timeLimitMs: 120_000 } },
      });
      const id = res.json().id;
      await waitForJobState(api.app, id, (j) => j.status === 'running' && j.solutionCount >= 3, 60_000);
      redis.freeze();
      await sleep(3_000);
      // Paused: the run awaits its write, so the device gets no more candidates.
      const during = validator.verdictsGiven;
      await sleep(500);
      expect(validator.verdictsGiven - during).toBeLessThanOrEqual(8);
      redis.thaw();
      const job = await waitForJob(api.app, id, 120_000);
      expect(job).toMatchObject({ status: 'succeeded', stopReason: 'solutions', solutionCount: 150, runs: 1 });
    } finally {
      await worker.close();
    }
  });
});
