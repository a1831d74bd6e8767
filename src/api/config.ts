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
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Requests one API key may make per rate-limit window. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Seconds between keep-alive comments on an idle event stream. */
  sseHeartbeatMs: number;
}

const MIN_KEY_LENGTH = 12;

type Env = Record<string, string | undefined>;

export function apiConfig(env: Env = process.env): ApiConfig {
  return {
    ...storeConfig(env),
    host: envString(env, 'HILSOLVE_HOST', '127.0.0.1'),
    port: envInt(env, 'HILSOLVE_PORT', 8080, 0, 65_535),
    apiKeys: loadApiKeys(env),
    bodyLimitBytes: envInt(env, 'HILSOLVE_BODY_LIMIT', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    rateLimitMax: envInt(env, 'HILSOLVE_RATE_LIMIT', 600, 1, 1_000_000),
    rateLimitWindowMs: envInt(env, 'HILSOLVE_RATE_WINDOW_MS', 60_000, 1_000, 86_400_000),
    sseHeartbeatMs: envInt(env, 'HILSOLVE_SSE_HEARTBEAT_MS', 15_000, 1_000, 600_000),
  };
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
