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
import { authAfterRateLimit, bearerAuth, keyOwner, ownersOf } from './auth.ts';
import { API_DEFAULTS, checkTimeouts, type ApiConfig } from './config.ts';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, notFoundHandler, refuseTunnels } from './errors.ts';
import { registerJsonBodyGuard } from './json-body.ts';
import { createMetrics } from './metrics.ts';
import { registerProtobuf } from './protobuf.ts';
import { eventRoutes } from './routes/events.ts';
import { jobRoutes } from './routes/jobs.ts';
import { problemRoutes } from './routes/problem.ts';
import { serviceRoutes } from './routes/service.ts';
import { webRoutes } from './routes/web.ts';

/** How often Node looks for requests past requestTimeout or headersTimeout, ms. */
const CONNECTIONS_CHECK_MS = 1_000;

/** Settings buildApp fills in from API_DEFAULTS when left out. */
type Defaulted = keyof typeof API_DEFAULTS;

export interface AppDeps {
  config: Omit<ApiConfig, 'host' | 'port' | 'redisUrl' | Defaulted> & Partial<Pick<ApiConfig, Defaulted>>;
  /** Commands connection. */
  redis: Redis;
  /** A connection the app turns into its pub/sub subscriber. */
  subscriber: Redis;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { redis } = deps;
  const config = { ...API_DEFAULTS, ...deps.config };
  checkTimeouts(config);
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    // Unknown fields are errors, not silently dropped; a value of the wrong type is an error, not
    // converted ("5" is no integer). The query string's numbers are numbers by its parser below.
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: false } },
    routerOptions: { querystringParser: parseQuery },
    // A client that sends nothing (or dribbles) is cut off: no request holds a socket for ever.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks those timeouts every connectionsCheckingInterval (30 s by default): often
    // enough that a timeout fires within about a second of being due.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    // Plain JSON; json-body.ts refuses `__proto__` keys with a message that names them.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    return503OnClosing: true,
  });
  registerJsonBodyGuard(app);
  refuseTunnels(app.server);
  const store = new JobStore(redis, config.prefix, config.resultTtlSeconds);
  const queue = new JobQueue(store, redis);
  queue.queue.on('error', (err) => app.log.warn({ err }, 'queue connection error'));
  const hub = new EventHub(deps.subscriber);
  const devices = new DeviceRegistry(redis, config.prefix);
  const streams = new Set<ServerResponse>();
  const owners = ownersOf(config.apiKeys);
  const auth = bearerAuth(config.apiKeys, config.operatorKeys);

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
    timeWindow: config.rateLimitWindowMs,
    redis,
    nameSpace: `${config.prefix}:ratelimit:`,
    // Per valid API key; every request without one (no key, a malformed or a wrong key) counts
    // against its address, with the lower allowance, before the auth hook answers 401: guessing
    // keys gets 429s.
    keyGenerator: (request) => {
      const owner = keyOwner(owners, request.headers.authorization);
      return owner ? `key:${owner}` : `anon:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith('anon:') ? config.unauthenticatedRateLimitMax : config.rateLimitMax),
    errorResponseBuilder: (request, context) => {
      const anon = keyOwner(owners, request.headers.authorization) === null;
      return {
        statusCode: 429, code: 'rate_limited',
        message: `rate limit of ${context.max} requests per ${config.rateLimitWindowMs / 1000} s ${anon ? 'without a valid API key from this address' : 'for this API key'} exceeded; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`,
      };
    },
  });
  const metrics = createMetrics(app, { queue, devices });

  await app.register(async (v1) => {
    v1.addHook('onRoute', authAfterRateLimit(auth));
    await v1.register(jobRoutes, { queue, devices });
    await v1.register(problemRoutes, { queue });
    await v1.register(eventRoutes, { queue, hub, heartbeatMs: config.sseHeartbeatMs, streams });
  });
  await app.register(serviceRoutes, { redis, devices, metrics, auth });
  await app.register(webRoutes);

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

/**
 * The query string as fastify's default parser reads it, except that a value of digits (with an
 * optional minus) becomes a number, so integer parameters are checked as integers while type
 * coercion stays off: `?after=1e400` or `?after=abc` stay strings and are refused by the schema.
 */
function parseQuery(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const v = /^-?\d{1,15}$/.test(value) ? Number(value) : value;
    out[name] = name in out ? ([] as unknown[]).concat(out[name], v) : v;
  }
  return out;
}
