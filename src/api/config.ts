// Settings of the HTTP API (`hilsolve serve`) from the environment; docs/configuration.md lists
// them. API keys come from HILSOLVE_API_KEYS (comma-separated) and/or the file named by
// HILSOLVE_API_KEYS_FILE (one key a line, `#` starts a comment).

import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.ts';
import { envInt, envString, storeConfig, type StoreConfig } from '../queue/config.ts';

export interface ApiConfig extends StoreConfig {
  host: string;
  port: number;
  apiKeys: string[];
  /** Keys (also API keys) that see the workers' host details in GET /v1/devices. */
  operatorKeys: string[];
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Requests one API key may make per rate-limit window. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Seconds between keep-alive comments on an idle event stream. */
  sseHeartbeatMs: number;
  /** Requests without a valid API key one address may make per window (429 above it, not 401). */
  unauthenticatedRateLimitMax: number;
  /** A request (headers and body) must arrive within this long, ms; else the connection is closed (408). */
  requestTimeoutMs: number;
  /** The request headers must arrive within this long, ms. */
  headersTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed, ms (above the SSE heartbeat). */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long, ms. */
  keepAliveTimeoutMs: number;
}

/** The settings a caller of buildApp may leave out, and their defaults (docs/configuration.md). */
export const API_DEFAULTS = {
  operatorKeys: [] as string[],
  unauthenticatedRateLimitMax: 30,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  connectionTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  redisCommandTimeoutMs: 2_000,
  redisConnectTimeoutMs: 2_000,
};

const MIN_KEY_LENGTH = 12;

type Env = Record<string, string | undefined>;

export function apiConfig(env: Env = process.env): ApiConfig {
  const apiKeys = loadApiKeys(env);
  const d = API_DEFAULTS;
  const config: ApiConfig = {
    ...storeConfig(env),
    host: envString(env, 'HILSOLVE_HOST', '127.0.0.1'),
    port: envInt(env, 'HILSOLVE_PORT', 8080, 0, 65_535),
    apiKeys,
    operatorKeys: operatorKeys(env, apiKeys),
    bodyLimitBytes: envInt(env, 'HILSOLVE_BODY_LIMIT', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    rateLimitMax: envInt(env, 'HILSOLVE_RATE_LIMIT', 600, 1, 1_000_000),
    rateLimitWindowMs: envInt(env, 'HILSOLVE_RATE_WINDOW_MS', 60_000, 1_000, 86_400_000),
    sseHeartbeatMs: envInt(env, 'HILSOLVE_SSE_HEARTBEAT_MS', 15_000, 1_000, 600_000),
    unauthenticatedRateLimitMax: envInt(env, 'HILSOLVE_RATE_LIMIT_UNAUTHENTICATED', d.unauthenticatedRateLimitMax, 1, 1_000_000),
    requestTimeoutMs: envInt(env, 'HILSOLVE_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1_000, 3_600_000),
    headersTimeoutMs: envInt(env, 'HILSOLVE_HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 1_000, 600_000),
    connectionTimeoutMs: envInt(env, 'HILSOLVE_CONNECTION_TIMEOUT_MS', d.connectionTimeoutMs, 1_000, 3_600_000),
    keepAliveTimeoutMs: envInt(env, 'HILSOLVE_KEEPALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs, 1_000, 600_000),
  };
  checkTimeouts(config);
  return config;
}

/** Timeouts that only make sense together; an InputError names the settings. */
export function checkTimeouts(c: Pick<ApiConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'connectionTimeoutMs' | 'sseHeartbeatMs'>): void {
  if (c.headersTimeoutMs > c.requestTimeoutMs) {
    throw new InputError(`HILSOLVE_HEADERS_TIMEOUT_MS (${c.headersTimeoutMs}) must not exceed HILSOLVE_REQUEST_TIMEOUT_MS (${c.requestTimeoutMs})`);
  }
  if (c.connectionTimeoutMs <= c.sseHeartbeatMs) {
    throw new InputError(`HILSOLVE_CONNECTION_TIMEOUT_MS (${c.connectionTimeoutMs}) must exceed HILSOLVE_SSE_HEARTBEAT_MS (${c.sseHeartbeatMs}), or idle event streams are cut`);
  }
}

function operatorKeys(env: Env, apiKeys: string[]): string[] {
  const keys = (env.HILSOLVE_OPERATOR_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const key of keys) {
    if (!apiKeys.includes(key)) throw new InputError(`HILSOLVE_OPERATOR_KEYS: key '${key.slice(0, 4)}...' is not one of the API keys`);
  }
  return keys;
}

function loadApiKeys(env: Env): string[] {
  const keys = (env.HILSOLVE_API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  const file = env.HILSOLVE_API_KEYS_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`HILSOLVE_API_KEYS_FILE: cannot read ${file}: ${(err as Error).message}`);
    }
    for (const line of text.split('\n')) {
      const key = line.replace(/#.*/, '').trim();
      if (key !== '') keys.push(key);
    }
  }
  if (keys.length === 0) throw new InputError('no API keys: set HILSOLVE_API_KEYS or HILSOLVE_API_KEYS_FILE');
  for (const key of keys) {
    if (key.length < MIN_KEY_LENGTH || /\s/.test(key)) {
      throw new InputError(`API key '${key.slice(0, 4)}...' must be at least ${MIN_KEY_LENGTH} characters without spaces`);
    }
  }
  return keys;
}
