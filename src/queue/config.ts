// Settings of the service processes (API and worker) from the environment, with the defaults
// that docs/configuration.md lists. Flags given on the command line override these (src/cli).
// A bad value is an InputError naming the variable, so the process refuses to start with a
// clear message instead of running with a surprise.

import { InputError } from '../model/errors.ts';

/** Settings both the API and the workers need: where Redis is and how results are kept. */
export interface StoreConfig {
  redisUrl: string;
  /** Prefix of every Redis key (BullMQ's too), so several deployments or tests share one Redis. */
  prefix: string;
  /** Seconds a finished job's record and solutions are kept. */
  resultTtlSeconds: number;
  /**
   * A Redis command without an answer after this long fails (ms): the API then answers 503 and a
   * worker pauses its job. BullMQ's blocking commands are exempt. Default 2000.
   */
  redisCommandTimeoutMs: number;
  /** Connecting to Redis gives up after this long (ms), and is retried. Default 2000. */
  redisConnectTimeoutMs: number;
}

export interface WorkerConfig extends StoreConfig {
  /** Serial path or tcp://host:port of the device; undefined starts a simulator. */
  device: string | undefined;
  /** Bit rate of a serial device (ignored for TCP and the simulator); undefined: the link's default. */
  baud: number | undefined;
  /** ONNX model of the sampler; undefined uses the shipped default. */
  modelPath: string | undefined;
  /** Candidates per batch sent to the device. */
  batchSize: number;
  /** How long a job's lock lives without renewal: a killed worker's job is picked up after this. */
  lockDurationMs: number;
  /** How often workers look for jobs whose lock expired. */
  stalledIntervalMs: number;
  /** Threads of the ONNX session. */
  threads: number;
}

type Env = Record<string, string | undefined>;

export function envString(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

export function envInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  return parseIntSetting(name, v, min, max);
}

function parseIntSetting(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new InputError(`${name}: '${text}' is not an integer`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new InputError(`${name}: ${n} is outside ${min}..${max}`);
  return n;
}

export function storeConfig(env: Env = process.env): StoreConfig {
  const prefix = envString(env, 'HILSOLVE_REDIS_PREFIX', 'hilsolve');
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) {
    throw new InputError(`HILSOLVE_REDIS_PREFIX: '${prefix}' must be 1-64 letters, digits or _.:-`);
  }
  return {
    redisUrl: envString(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    prefix,
    resultTtlSeconds: envInt(env, 'HILSOLVE_RESULT_TTL_S', 86_400, 60, 90 * 86_400),
    redisCommandTimeoutMs: envInt(env, 'HILSOLVE_REDIS_TIMEOUT_MS', 2_000, 100, 60_000),
    redisConnectTimeoutMs: envInt(env, 'HILSOLVE_REDIS_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000),
  };
}

export function workerConfig(env: Env = process.env): WorkerConfig {
  return {
    ...storeConfig(env),
    device: env.HILSOLVE_DEVICE || undefined,
    baud: env.HILSOLVE_BAUD ? parseIntSetting('HILSOLVE_BAUD', env.HILSOLVE_BAUD, 50, 100_000_000) : undefined,
    modelPath: env.HILSOLVE_MODEL || undefined,
    batchSize: envInt(env, 'HILSOLVE_BATCH_SIZE', 64, 1, 4096),
    lockDurationMs: envInt(env, 'HILSOLVE_LOCK_MS', 30_000, 1_000, 600_000),
    stalledIntervalMs: envInt(env, 'HILSOLVE_STALLED_INTERVAL_MS', 30_000, 500, 600_000),
    threads: envInt(env, 'HILSOLVE_THREADS', 1, 1, 64),
  };
}
