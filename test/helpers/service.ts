// The solve service wired to the real Redis at REDIS_URL, under a key prefix of the test's own.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { API_DEFAULTS, type ApiConfig } from '../../src/api/config.ts';
import { storeRedisOptions } from '../../src/queue/connections.ts';
import { deletePrefix } from '../../src/queue/delete-prefix.ts';

export { deletePrefix };

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KEY_A = 'test-key-alpha-0123456789';
export const KEY_B = 'test-key-bravo-0123456789';
/** An operator key: sees the workers' host details in GET /v1/devices. */
export const KEY_OPS = 'test-key-operator-0123456789';

export function uniquePrefix(name: string): string {
  return `hstest-${name}-${randomUUID().slice(0, 8)}`;
}

export function redisConnection(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** A connection as `hilsolve serve` makes it. */
function apiRedis(url: string, config: Partial<ApiConfig>): Redis {
  const r = new Redis(url, storeRedisOptions({ ...API_DEFAULTS, ...config }));
  r.on('error', () => undefined);
  return r;
}

export interface TestApi {
  app: FastifyInstance;
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

/** The app on the Redis at REDIS_URL, or at `url` (with the API's own timeouts, as `serve` makes them). */
export async function startApi(prefix: string, overrides: Partial<ApiConfig> = {}, url?: string): Promise<TestApi> {
  const redis = url === undefined ? redisConnection() : apiRedis(url, overrides);
  const subscriber = url === undefined ? redisConnection() : apiRedis(url, overrides);
  const app = await buildApp({
    config: {
      prefix, resultTtlSeconds: 600, apiKeys: [KEY_A, KEY_B, KEY_OPS], operatorKeys: [KEY_OPS], bodyLimitBytes: 1024 * 1024,
      rateLimitMax: 10_000, rateLimitWindowMs: 60_000, sseHeartbeatMs: 15_000, ...overrides,
    },
    redis, subscriber,
  });
  await app.ready();
  return {
    app, redis, prefix,
    async close() {
      await app.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export const auth = (key = KEY_A) => ({ authorization: `Bearer ${key}` });

/** Polls GET /v1/jobs/:id until the job reaches a final status (or the timeout passes). */
export async function waitForJob(app: FastifyInstance, id: string, timeoutMs = 60_000, key = KEY_A) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await app.inject({ url: `/v1/jobs/${id}`, headers: auth(key) })).json();
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `predicate` holds for the job. */
export async function waitForJobState(app: FastifyInstance, id: string, predicate: (job: any) => boolean, timeoutMs = 30_000) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await app.inject({ url: `/v1/jobs/${id}`, headers: auth() })).json();
    if (predicate(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(job).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
