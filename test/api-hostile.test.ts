// Issue 12, items 3, 4, 5, 10, 11, 12 and the body half of 6: requests an attacker would send,
// against the real app listening on a port (raw sockets where fetch would refuse to send the
// bytes). Each case below failed before the fix it names. Nothing here reaches a worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../src/queue/devices.ts';
import { auth, KEY_A, KEY_OPS, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { rawRequest } from './helpers/raw-http.ts';

const TIMEOUTS = { requestTimeoutMs: 2_000, headersTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000, connectionTimeoutMs: 20_000 };
/** Node looks for overdue requests once a second (app.ts), so a timeout fires up to that late. */
const SLACK_MS = 1_500;
const MISSING = '/v1/jobs/00000000-0000-4000-8000-000000000000';

let api: TestApi;
let port: number;

beforeAll(async () => {
  api = await startApi(uniquePrefix('api-hostile'), TIMEOUTS);
  port = Number(new URL(await api.app.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(async () => api?.close());

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const bearer = `Authorization: Bearer ${KEY_A}`;

function expectErrorShape(body: string, code?: string) {
  const parsed = JSON.parse(body);
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message']);
  expect(typeof parsed.error.message).toBe('string');
  if (code) expect(parsed.error.code).toBe(code);
  return parsed.error as { code: string; message: string };
}

describe('item 3: requests that never finish are timed out', () => {
  it('a body of Content-Length 10 with 2 bytes sent is answered 408 and closed within requestTimeout', async () => {
    const res = await rawRequest(port, head(['POST /v1/jobs HTTP/1.1', 'Host: x', bearer, 'Content-Type: application/json', 'Content-Length: 10']) + '{"', 10_000);
    expect(res.hung, 'the connection stayed open').toBe(false);
    expect(res.ms).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 100);
    expect(res.ms).toBeLessThan(TIMEOUTS.requestTimeoutMs + SLACK_MS);
    expect(res.status).toBe(408);
    expectErrorShape(res.body, 'request_timeout');
    console.log(`slow body closed after ${res.ms} ms (requestTimeout ${TIMEOUTS.requestTimeoutMs} ms)`);
  });

  it('headers that never end are cut off within headersTimeout', async () => {
    const res = await rawRequest(port, 'GET /v1/jobs HTTP/1.1\r\nHost: x\r\n', 10_000);
    expect(res.hung).toBe(false);
    expect(res.ms).toBeLessThan(TIMEOUTS.headersTimeoutMs + SLACK_MS);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const res = await rawRequest(port, head(['GET /healthz HTTP/1.1', 'Host: x']), 10_000);
    expect(res.status).toBe(200);
    expect(res.hung).toBe(false);
    expect(res.ms).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + SLACK_MS);
  });
});

describe('item 4: bad keys are rate limited', () => {
  it('counts requests without a valid key per address, then answers 429, while a valid key goes on', async () => {
    const limited = await startApi(uniquePrefix('api-badkeys'), { unauthenticatedRateLimitMax: 20 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) {
        codes.push((await limited.app.inject({ url: MISSING, headers: { authorization: `Bearer wrong-key-${i}-0123456789` } })).statusCode);
      }
      expect(codes.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(codes.slice(20)).toEqual(Array(10).fill(429));
      // No key at all, or a malformed header, counts against the same address.
      const none = await limited.app.inject({ url: MISSING });
      expect(none.statusCode).toBe(429);
      expect(expectErrorShape(none.body, 'rate_limited').message).toMatch(/without a valid API key from this address/);
      expect((await limited.app.inject({ url: MISSING, headers: auth() })).statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });

  it('item 11: the 429 message gives the window and the time left, each as what it is', async () => {
    const limited = await startApi(uniquePrefix('api-429'), { rateLimitMax: 2, rateLimitWindowMs: 60_000 });
    try {
      for (let i = 0; i < 2; i++) await limited.app.inject({ url: MISSING, headers: auth() });
      const res = await limited.app.inject({ url: MISSING, headers: auth() });
      expect(res.statusCode).toBe(429);
      const { message } = expectErrorShape(res.body, 'rate_limited');
      const m = /^rate limit of 2 requests per 60 s for this API key exceeded; retry in (\d+) s$/.exec(message);
      expect(m, message).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
      expect(Number(m![1])).toBeLessThanOrEqual(60);
    } finally {
      await limited.close();
    }
  });
});

describe('item 5: numeric query parameters are bounded', () => {
  it.each([
    ['after=1e400', /after: must be integer/],
    ['after=99999999999999999999', /after: must be integer/],
    ['after=1001', /after: must be <= 1000/],
    ['after=-1', /after: must be >= 0/],
    ['after=1.5', /after: must be integer/],
    ['after=1&after=2', /after: must be integer/],
  ])('GET /v1/jobs/:id?%s is a 400', async (query, message) => {
    const res = await api.app.inject({ url: `${MISSING}?${query}`, headers: auth() });
    expect(res.statusCode, res.body).toBe(400);
    expect(expectErrorShape(res.body, 'invalid_request').message).toMatch(message);
  });

  it('the event stream of a finished job with ?after=1e400 is a 400, not a silent 200', async () => {
    const created = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: 'p cnf 1 2\n1 0\n-1 0\n' } });
    const id = created.json().id;
    const res = await rawRequest(port, head([`GET /v1/jobs/${id}/events?after=1e400 HTTP/1.1`, 'Host: x', bearer, 'Connection: close']), 5_000);
    expect(res.hung).toBe(false);
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'invalid_request');
    const ok = await rawRequest(port, head([`GET /v1/jobs/${id}/events HTTP/1.1`, 'Host: x', bearer, 'Connection: close']), 5_000);
    expect(ok.hung).toBe(false);
    expect(ok.body).toMatch(/event: status\ndata: \{"status":"succeeded","outcome":"UNSATISFIABLE"/);
  });

  it.each([['limit=0'], ['limit=101'], ['limit=1e3'], ['before=garbage']])('GET /v1/jobs?%s is a 400', async (query) => {
    const res = await api.app.inject({ url: `/v1/jobs?${query}`, headers: auth() });
    expect(res.statusCode, res.body).toBe(400);
    expectErrorShape(res.body, 'invalid_request');
  });
});

describe('item 10: no type coercion in the API schemas', () => {
  const queens = { variables: [{ name: 'q', domain: { min: 0, max: 3 }, size: 4 }], constraints: [{ type: 'allDifferent', vars: 'q' }] };
  it.each([
    ['"solutions":"5"', { options: { solutions: '5' } }, /\$\.options\.solutions: must be integer/],
    ['"solutions":true', { options: { solutions: true } }, /\$\.options\.solutions: must be integer/],
    ['"timeLimitMs":"1000"', { options: { timeLimitMs: '1000' } }, /\$\.options\.timeLimitMs: must be integer/],
    ['"seed":null', { options: { seed: null } }, /\$\.options\.seed: must be integer/],
    ['"format":["json"]', { format: ['json'] }, /\$\.format: must be (string|one of)/],
    ['"source":5', { format: 'cnf', problem: undefined, source: 5 }, /\$\.source: must be string/],
  ])('%s is a 400', async (_name, patch, message) => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'json', problem: queens, ...patch } });
    expect(res.statusCode, res.body).toBe(400);
    expect(expectErrorShape(res.body, 'invalid_request').message).toMatch(message);
  });
});

describe('item 11: every error in the documented shape', () => {
  it('431 for oversized headers', async () => {
    const res = await rawRequest(port, head(['GET /v1/jobs HTTP/1.1', 'Host: x', bearer, `X-Big: ${'a'.repeat(20_000)}`]));
    expect(res.status).toBe(431);
    expectErrorShape(res.body, 'headers_too_large');
  });

  it('414 for an 8,000-character job id', async () => {
    const res = await rawRequest(port, head([`GET /v1/jobs/${'a'.repeat(8_000)} HTTP/1.1`, 'Host: x', bearer, 'Connection: close']));
    expect(res.status).toBe(414);
    expectErrorShape(res.body, 'uri_too_long');
  });

  it('400 for a NUL byte in Authorization', async () => {
    const res = await rawRequest(port, Buffer.from(head(['GET /v1/jobs HTTP/1.1', 'Host: x', `Authorization: Bearer ${KEY_A.slice(0, 5)}\0${KEY_A.slice(5)}`])));
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'bad_request');
  });

  it('400 for a path that does not decode', async () => {
    const res = await rawRequest(port, head(['GET /v1/jobs/%E0%A4%A HTTP/1.1', 'Host: x', bearer, 'Connection: close']));
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'bad_request');
  });
});

describe('item 6: keys that reach a prototype are refused by name', () => {
  it.each([
    ['{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","__proto__":{"admin":true}}', /^\$\.__proto__: the key '__proto__' is not accepted$/],
    ['{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","options":{"__proto__":{"solutions":5}}}', /^\$\.options\.__proto__:/],
    ['{"format":"json","problem":{"variables":[{"__proto__":1}],"constraints":[]}}', /^\$\.problem\.variables\[0\]\.__proto__:/],
    ['{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","constructor":{"prototype":{"x":1}}}', /^\$\.constructor\.prototype: the key 'constructor\.prototype' is not accepted$/],
  ])('%s', async (payload, message) => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...auth(), 'content-type': 'application/json' }, payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(expectErrorShape(res.body, 'invalid_request').message).toMatch(message);
  });
});

describe('item 12: GET /v1/devices shows tenants no host details', () => {
  it('a tenant sees id, identity, capacities and busy; an operator key sees the host too', async () => {
    const registry = new DeviceRegistry(api.redis, api.prefix);
    const record = {
      workerId: 'build-host-7-4242-1a2b3c4d', hostname: 'build-host-7', pid: 4242, port: '/dev/pts/9', simulated: false,
      handshake: { deviceId: 'hilsolve-ice40', target: '/dev/pts/9', maxVars: 1024, window: 8 },
      currentJob: '11111111-1111-4111-8111-111111111111', startedAt: 1, lastSeen: 2,
    };
    await registry.heartbeat(record, 10_000);
    try {
      const tenant = (await api.app.inject({ url: '/v1/devices', headers: auth() })).json().devices;
      expect(tenant).toHaveLength(1);
      expect(tenant[0]).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{12}$/), deviceId: 'hilsolve-ice40', simulated: false,
        handshake: { deviceId: 'hilsolve-ice40', maxVars: 1024, window: 8 }, busy: true, startedAt: 1, lastSeen: expect.any(Number),
      });
      expect(JSON.stringify(tenant)).not.toMatch(/build-host|4242|pts|1111/);
      const ops = (await api.app.inject({ url: '/v1/devices', headers: auth(KEY_OPS) })).json().devices;
      expect(ops[0]).toMatchObject({ workerId: record.workerId, hostname: 'build-host-7', pid: 4242, port: '/dev/pts/9', currentJob: record.currentJob, busy: true });
    } finally {
      await registry.remove(record.workerId);
    }
  });
});
