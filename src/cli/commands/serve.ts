// `hilsolve serve`: the HTTP API. Settings from the environment (docs/configuration.md), and
// --port / --host on top. SIGTERM or SIGINT: stop accepting, close event streams, finish the
// requests in flight, exit 0.

import { Redis } from 'ioredis';
import { buildApp } from '../../api/app.ts';
import { apiConfig } from '../../api/config.ts';
import { storeRedisOptions } from '../../queue/connections.ts';
import { untilSignal } from '../../queue/shutdown.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT } from '../main.ts';

export const usage = `usage: hilsolve serve [--port N] [--host H]

Run the HTTP API (docs/api.md) against the Redis at REDIS_URL.
  --port N   TCP port to listen on (default HILSOLVE_PORT or 8080)
  --host H   address to bind (default HILSOLVE_HOST or 127.0.0.1)
API keys come from HILSOLVE_API_KEYS or HILSOLVE_API_KEYS_FILE; every setting is listed in
docs/configuration.md. Jobs run on workers: start them with \`hilsolve worker\`.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, host: { type: 'string' } }, []);
  const config = apiConfig();
  if (values.port !== undefined) config.port = numberOption('port', values.port, { min: 0, max: 65_535, integer: true });
  if (values.host !== undefined) config.host = values.host;

  // Requests fail fast (503) while Redis is away or stalled instead of waiting on it: every
  // command has a timeout (HILSOLVE_REDIS_TIMEOUT_MS), see src/queue/connections.ts.
  const redis = new Redis(config.redisUrl, storeRedisOptions(config));
  const subscriber = new Redis(config.redisUrl, storeRedisOptions(config));
  const app = await buildApp({
    config, redis, subscriber,
    logger: { level: process.env.HILSOLVE_LOG_LEVEL ?? 'info' },
  });
  await app.listen({ port: config.port, host: config.host });
  const signal = await untilSignal();
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await Promise.all([redis.quit().catch(() => redis.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
  return EXIT.OK;
}
