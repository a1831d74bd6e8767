// The whole service inside one process, for `hilsolve solve` without --server: Redis (REDIS_URL,
// or a private one), the HTTP API on a free port of 127.0.0.1 with a one-off API key, and a
// worker on the device of HILSOLVE_DEVICE or, by default, a Verilator simulator it starts. These
// are the same parts `hilsolve serve` and `hilsolve worker` run; the keys live under a prefix of
// their own, deleted at close, so a Redis shared with a deployment is left as it was.

import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from '../api/app.ts';
import { storeConfig, workerConfig } from '../queue/config.ts';
import { SolveWorker } from '../queue/worker.ts';
import { openDevice, type OpenedDevice } from '../solve/device-validator.ts';
import { solveParts } from './solve-parts.ts';
import { redisForSolve, type RedisHandle } from './private-redis.ts';
import { deletePrefix } from '../queue/delete-prefix.ts';

export interface EmbeddedService {
  /** Base URL of the API, e.g. http://127.0.0.1:40123. */
  url: string;
  apiKey: string;
  /** Whether a private redis-server was started. */
  privateRedis: boolean;
  close(): Promise<void>;
}

/** Starts the parts in order; `onPhase` names each as it starts. Whatever started is stopped on failure. */
export async function startEmbeddedService(onPhase: (phase: string) => void = () => undefined): Promise<EmbeddedService> {
  const base = storeConfig();
  const prefix = `hilsolve-solve-${randomUUID().slice(0, 8)}`;
  const apiKey = randomBytes(24).toString('base64url');
  const logger = pino({ level: process.env.HILSOLVE_LOG_LEVEL ?? 'error' }, pino.destination(2));
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    closers.length = 0;
  };

  try {
    onPhase('connecting to Redis');
    const redis: RedisHandle = await redisForSolve(base.redisUrl);
    closers.push(() => redis.stop());
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    closers.push(async () => {
      await deletePrefix(connection, prefix);
      await connection.quit();
    });
    const subscriber = new Redis(redis.url, { maxRetriesPerRequest: null });
    closers.push(() => subscriber.quit());

    const app: FastifyInstance = await buildApp({
      config: {
        prefix, resultTtlSeconds: 600, apiKeys: [apiKey], bodyLimitBytes: 64 * 1024 * 1024,
        rateLimitMax: 1_000_000, rateLimitWindowMs: 60_000, sseHeartbeatMs: 15_000,
      },
      redis: connection, subscriber,
    });
    closers.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };

    const config = { ...workerConfig(), redisUrl: redis.url, prefix };
    onPhase(config.device === undefined ? 'starting the simulator' : `opening ${config.device}`);
    const device: OpenedDevice = await openDevice(config.device, logger, config.baud);
    closers.push(() => device.close());
    const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    closers.push(() => workerConnection.quit());
    const worker = new SolveWorker({ config, connection: workerConnection, logger, device, parts: solveParts(config) });
    closers.push(() => worker.close());
    await worker.start();

    return { url: `http://127.0.0.1:${port}`, apiKey, privateRedis: redis.started, close };
  } catch (err) {
    await close();
    throw err;
  }
}

