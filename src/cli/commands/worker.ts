// `hilsolve worker`: owns one device and runs solve jobs from the queue on it. Without a device
// configured it starts the Verilator simulator and uses that. SIGTERM or SIGINT: the running job
// goes back to the queue (another worker resumes it), the device is released, exit 0. A device
// that is gone for good (reconnection gave up) ends the worker with status 3.

import { Redis } from 'ioredis';
import pino from 'pino';
import { workerConfig } from '../../queue/config.ts';
import { queueRedisOptions } from '../../queue/connections.ts';
import { untilSignal } from '../../queue/shutdown.ts';
import { SolveWorker } from '../../queue/worker.ts';
import { solveParts } from '../solve-parts.ts';
import { loadModel } from '../../sampler/session.ts';
import { SAFE_BAUD } from '../../link/transport.ts';
import type { LinkSpeed } from '../../link/link-speed.ts';
import { openDevice } from '../../solve/device-validator.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT } from '../main.ts';

export const usage = `usage: hilsolve worker [--port PATH|tcp://HOST:PORT] [--baud N] [--model PATH] [--threads N] [--batch N]

Run solve jobs from the queue at REDIS_URL on one device.
  --port P     the device: a serial path or tcp://HOST:PORT (default HILSOLVE_DEVICE);
               without one, the worker starts the Verilator simulator and uses it
  --baud N     a fixed bit rate for a serial device, no negotiation (default HILSOLVE_BAUD;
               without either the port opens at ${SAFE_BAUD}, the rate every board starts at,
               and switches to the fastest rate the device and the host share)
  --model F    ONNX model of the sampler (default HILSOLVE_MODEL or models/default.onnx)
  --threads N  onnxruntime threads (default HILSOLVE_THREADS or 1)
  --batch N    candidates per round (default HILSOLVE_BATCH_SIZE or 64)
Every setting is listed in docs/configuration.md.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    port: { type: 'string' }, baud: { type: 'string' }, model: { type: 'string' }, threads: { type: 'string' }, batch: { type: 'string' },
  }, []);
  const config = workerConfig();
  if (values.port !== undefined) config.device = values.port;
  if (values.baud !== undefined) config.baud = numberOption('baud', values.baud, { min: 50, max: 100_000_000, integer: true });
  if (values.model !== undefined) config.modelPath = values.model;
  if (values.threads !== undefined) config.threads = numberOption('threads', values.threads, { min: 1, max: 64, integer: true });
  if (values.batch !== undefined) config.batchSize = numberOption('batch', values.batch, { min: 1, max: 4096, integer: true });

  const logger = pino({ level: process.env.HILSOLVE_LOG_LEVEL ?? 'info' });
  // A model that is missing or breaks the contract stops the worker now, not every job later.
  await loadModel(config.modelPath, config.threads);
  const device = await openDevice(config.device, logger, config.baud);
  const link = device.handshake?.['link'] as LinkSpeed | undefined;
  if (link?.fallback) logger.warn({ baud: link.baud, why: link.fallback }, 'link speed: switching failed, running at the safe rate');
  else if (link?.mode === 'negotiated') logger.info({ baud: link.baud, divider: link.divider }, 'link speed negotiated');
  // BullMQ's connection: no command timeout (blocking commands); the worker's own store commands
  // use a duplicate with timeouts (src/queue/connections.ts).
  const connection = new Redis(config.redisUrl, queueRedisOptions(config));
  const worker = new SolveWorker({ config, connection, logger, device, parts: solveParts(config) });
  await worker.start();
  const reason = await Promise.race([untilSignal(), device.gone.then(() => 'device gone' as const)]);
  logger.info({ reason }, 'shutting down');
  await worker.close();
  await device.close();
  await connection.quit();
  return reason === 'device gone' ? EXIT.FAILURE : EXIT.OK;
}
