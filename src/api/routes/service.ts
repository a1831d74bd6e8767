// The service's own routes: devices, health, readiness, metrics.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import type { DeviceRegistry } from '../../queue/devices.ts';
import { authAfterRateLimit } from '../auth.ts';
import { operatorDevice, tenantDevice } from '../device-view.ts';
import { errorBodySchema } from '../errors.ts';
import { deviceSchema } from '../schemas.ts';

export interface ServiceRouteOptions {
  redis: Redis;
  devices: DeviceRegistry;
  metrics: Registry;
  auth: (request: FastifyRequest) => Promise<void>;
}

const READY_TIMEOUT_MS = 1_000;

export async function serviceRoutes(app: FastifyInstance, opts: ServiceRouteOptions): Promise<void> {
  // In a scope of its own, so that only this route gets the auth hook (after the rate limit).
  await app.register(async (authed) => {
    authed.addHook('onRoute', authAfterRateLimit(opts.auth));
    authed.get('/v1/devices', {
      schema: {
        summary: 'Devices held by live workers: identity, capacities, busy or free (host details for operator keys)',
        response: { 200: { type: 'object', properties: { devices: { type: 'array', items: deviceSchema } } }, 401: errorBodySchema },
      },
    }, async (request) => {
      const view = request.operator ? operatorDevice : tenantDevice;
      return { devices: (await opts.devices.list()).map(view) };
    });
  });

  app.get('/healthz', {
    config: { rateLimit: false },
    schema: { summary: 'The process is up', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { rateLimit: false },
    schema: {
      summary: 'Redis answers',
      response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, 503: errorBodySchema },
    },
  }, async (_request, reply) => {
    try {
      await Promise.race([
        opts.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)),
      ]);
      return { status: 'ready' };
    } catch (err) {
      return reply.code(503).send({ error: { code: 'redis_unavailable', message: `Redis: ${(err as Error).message}` } });
    }
  });

  app.get('/metrics', {
    config: { rateLimit: false },
    schema: { summary: 'Prometheus metrics', hide: false },
  }, async (_request, reply) => {
    return reply.type(opts.metrics.contentType).send(await opts.metrics.metrics());
  });
}
