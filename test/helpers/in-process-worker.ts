// A SolveWorker in the test's own process with the real sampler and a given validator (the
// reference checker in queue unit tests), against the real Redis.

import pino from 'pino';
import { solveParts } from '../../src/cli/solve-parts.ts';
import { workerConfig, type WorkerConfig } from '../../src/queue/config.ts';
import { SolveWorker } from '../../src/queue/worker.ts';
import type { Validator } from '../../src/solve/ports.ts';
import { REDIS_URL, redisConnection } from './service.ts';

export async function startInProcessWorker(prefix: string, validator: Validator, over: Partial<WorkerConfig> = {}, progressIntervalMs = 100) {
  const config: WorkerConfig = {
    ...workerConfig({ REDIS_URL }), prefix, batchSize: 32, lockDurationMs: 2_000, stalledIntervalMs: 1_000, ...over,
  };
  const connection = redisConnection(config.redisUrl);
  const worker = new SolveWorker({
    config, connection, parts: solveParts(config), logger: pino({ level: 'silent' }), progressIntervalMs,
    device: { validator, port: 'in-process', simulated: true, handshake: { deviceId: validator.deviceId } },
  });
  await worker.start();
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
