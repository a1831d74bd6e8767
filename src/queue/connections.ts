// How the service connects to Redis. Two kinds of connection, because BullMQ's blocking commands
// (a worker waiting for a job) must not time out while every other command must fail fast when
// Redis stalls or is gone, so that nothing hangs on it:
// - store connections (the API's commands and subscriber, a worker's job store and device
//   registry): a command without an answer after redisCommandTimeoutMs fails ("Command timed out"),
//   a command made while disconnected fails after one reconnection attempt. The API turns that into
//   503; a worker pauses its run (RunGuard).
// - queue connections (a BullMQ worker's): no command timeout, retried for ever (BullMQ requires
//   maxRetriesPerRequest: null); a stalled Redis delays them and BullMQ resumes when it answers.

import type { RedisOptions } from 'ioredis';
import type { StoreConfig } from './config.ts';

/** Largest pause between two reconnection attempts, ms. */
const MAX_RECONNECT_DELAY_MS = 2_000;

const retryStrategy = (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS);

export function storeRedisOptions(config: Pick<StoreConfig, 'redisCommandTimeoutMs' | 'redisConnectTimeoutMs'>): RedisOptions {
  return {
    commandTimeout: config.redisCommandTimeoutMs,
    connectTimeout: config.redisConnectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy,
  };
}

export function queueRedisOptions(config: Pick<StoreConfig, 'redisConnectTimeoutMs'>): RedisOptions {
  return { connectTimeout: config.redisConnectTimeoutMs, maxRetriesPerRequest: null, retryStrategy };
}
