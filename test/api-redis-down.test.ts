// With Redis unreachable the API answers 503 with the error format, quickly, and stays healthy.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { auth, KEY_A } from './helpers/service.ts';

const connections: Redis[] = [];
let app: FastifyInstance;

beforeAll(async () => {
  // Port 1: nothing listens there.
  const connect = () => {
    const r = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1 });
    r.on('error', () => undefined);
    connections.push(r);
    return r;
  };
  app = await buildApp({
    config: {
      prefix: 'hstest-redis-down', resultTtlSeconds: 60, apiKeys: [KEY_A], bodyLimitBytes: 1 << 20,
      rateLimitMax: 100, rateLimitWindowMs: 60_000, sseHeartbeatMs: 15_000,
    },
    redis: connect(), subscriber: connect(),
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  for (const r of connections) r.disconnect();
});

describe('Redis unreachable', () => {
  it('answers 503 unavailable to job requests, not 500', async () => {
    const t0 = Date.now();
    const get = await app.inject({ url: '/v1/jobs/00000000-0000-4000-8000-000000000000', headers: auth() });
    expect(get.statusCode).toBe(503);
    expect(get.json().error).toEqual({ code: 'unavailable', message: 'the job store (Redis) cannot be reached; try again later' });
    const post = await app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: 'p cnf 1 1\n1 0\n' } });
    expect(post.statusCode).toBe(503);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('says so on /readyz while /healthz stays up', async () => {
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('redis_unavailable');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
