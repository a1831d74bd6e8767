// The new API settings of issue 12: defaults, ranges, and the pairs that must agree.

import { describe, expect, it } from 'vitest';
import { apiConfig } from '../src/api/config.ts';
import { workerConfig } from '../src/queue/config.ts';

const KEY = 'config-test-key-0123456789';

describe('API timeouts and limits', () => {
  it('have the documented defaults', () => {
    expect(apiConfig({ HILSOLVE_API_KEYS: KEY })).toMatchObject({
      requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000,
      unauthenticatedRateLimitMax: 30, operatorKeys: [], redisCommandTimeoutMs: 2_000, redisConnectTimeoutMs: 2_000,
    });
    expect(workerConfig({})).toMatchObject({ redisCommandTimeoutMs: 2_000, redisConnectTimeoutMs: 2_000 });
  });

  it('refuse values out of range or that contradict each other, naming the settings', () => {
    expect(() => apiConfig({ HILSOLVE_API_KEYS: KEY, HILSOLVE_REDIS_TIMEOUT_MS: '10' })).toThrow(/HILSOLVE_REDIS_TIMEOUT_MS: 10 is outside 100\.\.60000/);
    expect(() => apiConfig({ HILSOLVE_API_KEYS: KEY, HILSOLVE_HEADERS_TIMEOUT_MS: '40000' }))
      .toThrow(/HILSOLVE_HEADERS_TIMEOUT_MS \(40000\) must not exceed HILSOLVE_REQUEST_TIMEOUT_MS \(30000\)/);
    expect(() => apiConfig({ HILSOLVE_API_KEYS: KEY, HILSOLVE_CONNECTION_TIMEOUT_MS: '15000' }))
      .toThrow(/HILSOLVE_CONNECTION_TIMEOUT_MS \(15000\) must exceed HILSOLVE_SSE_HEARTBEAT_MS \(15000\)/);
    expect(() => apiConfig({ HILSOLVE_API_KEYS: KEY, HILSOLVE_OPERATOR_KEYS: 'other-key-0123456789' })).toThrow(/HILSOLVE_OPERATOR_KEYS: key 'othe\.\.\.' is not one of the API keys/);
    expect(apiConfig({ HILSOLVE_API_KEYS: KEY, HILSOLVE_OPERATOR_KEYS: KEY }).operatorKeys).toEqual([KEY]);
  });
});
