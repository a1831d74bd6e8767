// The HTTP API as a fastify instance (docs/api.md). The caller owns the Redis connections; the
// app owns its queue handle, event hub subscription and open event streams, and closes them.

import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Redis } from 'ioredis';
import { DeviceRegistry } from '../queue/devices.ts';
import { EventHub } from '../queue/event-hub.ts';
import { JobStore } from '../queue/job-store.ts';
import { JobQueue } from '../queue/queue.ts';
import { bearerAuth, ownerOf } from './auth.ts';
import type { ApiConfig } from './config.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { registerProtobuf } from './protobuf.ts';
import { eventRoutes } from './routes/events.ts';
import { jobRoutes } from './routes/jobs.ts';
import { serviceRoutes } from './routes/service.ts';

export interface AppDeps {
  config: Omit<ApiConfig, 'host' | 'port' | 'redisUrl'>;
  /** Commands connection. */
  redis: Redis;
  /** A connection the app turns into its pub/sub subscriber. */
  subscriber: Redis;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, redis } = deps;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    // Unknown fields are errors, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  });
  const store = new JobStore(redis, config.prefix, config.resultTtlSeconds);
  const queue = new JobQueue(store, redis);
  queue.queue.on('error', (err) => app.log.warn({ err }, 'queue connection error'));
  const hub = new EventHub(deps.subscriber);
  const devices = new DeviceRegistry(redis, config.prefix);
  const streams = new Set<ServerResponse>();
  const auth = bearerAuth(config.apiKeys);

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerProtobuf(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'hilsolve', version: '1', description: 'Hardware-in-the-loop constraint solver: submit problems, read proven solutions.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    redis,
    nameSpace: `${config.prefix}:ratelimit:`,
    // Per API key (even a wrong one, so guessing keys is limited too), else per address.
    keyGenerator: (request) => {
      const m = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '');
      return m ? `key:${ownerOf(m[1])}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429, code: 'rate_limited', message: `rate limit of ${context.max} requests per ${context.after} exceeded; retry in ${context.ttl} ms`,
    }),
  });
  const metrics = createMetrics(app, { queue, devices });

  await app.register(async (v1) => {
    v1.addHook('onRequest', auth);
    await v1.register(jobRoutes, { queue });
    await v1.register(eventRoutes, { queue, hub, heartbeatMs: config.sseHeartbeatMs, streams });
  });
  await app.register(serviceRoutes, { redis, devices, metrics, auth });

  app.addHook('preClose', async () => {
    for (const stream of streams) {
      stream.write('event: shutdown\ndata: {}\n\n');
      stream.end();
    }
  });
  app.addHook('onClose', async () => {
    await queue.close();
    await hub.close();
  });
  return app;
}
