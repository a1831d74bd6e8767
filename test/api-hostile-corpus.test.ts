// A hostile-request corpus (issue 12): well over 150 requests of the classes the probe sent and
// more, over raw sockets to the real app on a port. Every one is answered (no hang), none with a
// 5xx, and every error has the documented shape `{ error: { code, message } }`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_A, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { rawRequest } from './helpers/raw-http.ts';

let api: TestApi;
let port: number;
let finishedJob: string;

beforeAll(async () => {
  api = await startApi(uniquePrefix('api-corpus'), {
    bodyLimitBytes: 64 * 1024, requestTimeoutMs: 3_000, headersTimeoutMs: 2_000, connectionTimeoutMs: 20_000,
    unauthenticatedRateLimitMax: 1_000,
  });
  port = Number(new URL(await api.app.listen({ port: 0, host: '127.0.0.1' })).port);
  const res = await api.app.inject({
    method: 'POST', url: '/v1/jobs', headers: { authorization: `Bearer ${KEY_A}` }, payload: { format: 'cnf', source: 'p cnf 1 2\n1 0\n-1 0\n' },
  });
  finishedJob = res.json().id;
});
afterAll(async () => api?.close());

interface Case {
  name: string;
  bytes: string | Buffer;
}

const GOOD_AUTH = `Bearer ${KEY_A}`;

function request(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, bytes: string | Buffer) => cases.push({ name, bytes });
  const json = { 'Content-Type': 'application/json', Authorization: GOOD_AUTH };
  const post = (name: string, body: string, headers: Record<string, string> = json) => add(`POST body: ${name}`, request('POST', '/v1/jobs', headers, body));
  const good = (options: object, extra: object = {}) => JSON.stringify({ format: 'cnf', source: 'p cnf 2 1\n1 2 0\n', options, ...extra });

  // Authorization headers: missing, malformed, wrong, oversized, odd bytes.
  const auths = ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer wrong-key-0123456789', `Bearer ${KEY_A} extra`, `Bearer ${'k'.repeat(8_000)}`,
    `Bearer ${KEY_A.toUpperCase()}`, 'Bearer \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9', `Token ${KEY_A}`, `Bearer ${KEY_A}\t`, 'Bearer ;DROP TABLE', 'Bearer ../../etc/passwd'];
  for (const [i, a] of auths.entries()) {
    add(`auth #${i} GET /v1/jobs`, request('GET', '/v1/jobs', a === '' ? {} : { Authorization: a }));
    add(`auth #${i} POST /v1/jobs`, request('POST', '/v1/jobs', { 'Content-Type': 'application/json', ...(a === '' ? {} : { Authorization: a }) }, good({})));
  }
  add('NUL in Authorization', Buffer.from(`GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\0b\r\n\r\n`, 'latin1'));
  add('CR in a header value', Buffer.from(`GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\rb\r\n\r\n`, 'latin1'));
  add('header without a colon', `GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization\r\n\r\n`);
  add('oversized header', request('GET', '/v1/jobs', { Authorization: GOOD_AUTH, 'X-Big': 'a'.repeat(20_000) }));
  add('many headers', request('GET', '/v1/jobs', Object.fromEntries([['Authorization', GOOD_AUTH], ...Array.from({ length: 3_000 }, (_, i) => [`X-H${i}`, 'v'])])));
  add('websocket upgrade', request('GET', '/v1/jobs', { Authorization: GOOD_AUTH, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }));
  add('h2c upgrade', request('GET', '/v1/jobs', { Authorization: GOOD_AUTH, Upgrade: 'h2c', Connection: 'Upgrade, HTTP2-Settings', 'HTTP2-Settings': 'AAMAAABkAAQCAAAAAAIAAAAA' }));
  add('not HTTP at all', 'HELLO THERE\r\n\r\n');
  add('HTTP/0.9 request line', 'GET /v1/jobs\r\n\r\n');
  add('unknown HTTP version', 'GET /v1/jobs HTTP/3.7\r\nHost: x\r\n\r\n');
  add('binary garbage', Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff)));
  add('Content-Length and chunked both', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: ${GOOD_AUTH}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
  add('negative Content-Length', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: ${GOOD_AUTH}\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n`);
  add('two Content-Lengths', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: ${GOOD_AUTH}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`);
  add('bad chunk size', `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: ${GOOD_AUTH}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);

  // Paths and ids.
  const ids = ['x', 'a'.repeat(100), 'a'.repeat(101), 'a'.repeat(8_000), '%00', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'üñí', '00000000-0000-4000-8000-00000000000G',
    '00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000%00', '{id}', '*', '%', '1e400', '-1', ' ', '00000000-0000-4000-8000-000000000000.json'];
  for (const [i, id] of ids.entries()) {
    add(`id #${i} GET`, request('GET', `/v1/jobs/${id}`, { Authorization: GOOD_AUTH }));
    add(`id #${i} DELETE`, request('DELETE', `/v1/jobs/${id}`, { Authorization: GOOD_AUTH }));
    add(`id #${i} events`, request('GET', `/v1/jobs/${id}/events`, { Authorization: GOOD_AUTH }));
  }
  for (const path of ['/', '/v1', '/v1/', '//v1/jobs', '/v1/jobs/', '/v2/jobs', '/v1/jobs?', '/v1/jobs#x', '/docs/../v1/jobs', '/metrics/../v1/jobs', '/v1/devices/x', '*', 'http://evil.example/v1/jobs']) {
    add(`path ${path}`, request('GET', path, { Authorization: GOOD_AUTH }));
  }
  for (const method of ['PUT', 'PATCH', 'TRACE', 'OPTIONS', 'CONNECT', 'PROPFIND', 'HEAD']) {
    add(`method ${method}`, request(method, '/v1/jobs', { Authorization: GOOD_AUTH }));
  }

  // Query strings.
  const queries = ['after=-1', 'after=1e400', 'after=abc', 'after=1.5', 'after=99999999999999999999', 'after=1&after=2', 'after=', 'after=%00', 'after=0x10',
    'after=Infinity', 'after=NaN', '__proto__=1', 'constructor=1', 'foo=bar', 'after[]=1', 'after=1001', `after=${'9'.repeat(5_000)}`];
  for (const q of queries) {
    add(`query job ${q.slice(0, 40)}`, request('GET', `/v1/jobs/${'00000000-0000-4000-8000-000000000000'}?${q}`, { Authorization: GOOD_AUTH }));
    add(`query events ${q.slice(0, 40)}`, request('GET', `/v1/jobs/FINISHED/events?${q}`, { Authorization: GOOD_AUTH }));
  }
  for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=1e3', 'limit=abc', 'before=garbage', 'before=', `before=${'0'.repeat(15)}:x`, 'limit=5&limit=6', 'limit=20&__proto__=x']) {
    add(`list ${q}`, request('GET', `/v1/jobs?${q}`, { Authorization: GOOD_AUTH }));
  }
  for (const id of ['x', '-1', '1'.repeat(10), '1e400', '%00']) {
    add(`Last-Event-ID ${id}`, request('GET', '/v1/jobs/FINISHED/events', { Authorization: GOOD_AUTH, 'Last-Event-ID': id }));
  }

  // Bodies.
  post('empty', '');
  post('not JSON', 'hello');
  post('truncated JSON', '{"format": "cnf", ');
  post('JSON null', 'null');
  post('JSON number', '42');
  post('JSON string', '"cnf"');
  post('JSON array', '[1,2,3]');
  post('JSON true', 'true');
  post('deep nesting', `{"format":"json","problem":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
  post('deep object nesting', `{"format":"json","problem":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`);
  post('over the body limit', good({}, { source: `p cnf 1 1\n${'1 0\n'.repeat(20_000)}` }));
  post('__proto__ key', '{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","__proto__":{"x":1}}');
  post('nested __proto__', '{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","options":{"__proto__":{"solutions":3}}}');
  post('constructor.prototype', '{"format":"cnf","source":"p cnf 1 1\\n1 0\\n","constructor":{"prototype":{"x":1}}}');
  post('duplicate keys', '{"format":"cnf","format":"json","source":"p cnf 1 1\\n1 0\\n"}');
  post('NUL in source', JSON.stringify({ format: 'cnf', source: 'p cnf 1 1\n1\u0000 0\n' }));
  post('lone surrogate', '{"format":"cnf","source":"p cnf 1 1\\n1 0\\n\\ud800"}');
  post('invalid UTF-8', Buffer.concat([Buffer.from('{"format":"cnf","source":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]) as unknown as string);
  post('BOM before JSON', '\ufeff{"format":"cnf","source":"p cnf 1 1\\n1 0\\n"}');
  for (const [name, options] of Object.entries({
    'solutions "5"': { solutions: '5' }, 'solutions true': { solutions: true }, 'solutions 1.5': { solutions: 1.5 }, 'solutions 0': { solutions: 0 },
    'solutions 1e400': { solutions: 1e308 * 10 }, 'solutions -1': { solutions: -1 }, 'solutions 2^53': { solutions: 2 ** 53 }, 'solutions []': { solutions: [] },
    'timeLimitMs "x"': { timeLimitMs: 'x' }, 'timeLimitMs 1e12': { timeLimitMs: 1e12 }, 'seed -1': { seed: -1 }, 'seed 2^32': { seed: 2 ** 32 },
    'seed null': { seed: null }, 'maxCandidates 0': { maxCandidates: 0 }, 'maxCandidates {}': { maxCandidates: {} }, 'colors for cnf': { colors: 3 },
    'unknown option': { threads: 99 }, 'options array': [1],
  })) post(`options ${name}`, good(options));
  post('format array', JSON.stringify({ format: ['cnf'], source: 'p cnf 1 1\n1 0\n' }));
  post('format number', JSON.stringify({ format: 1, source: 'p cnf 1 1\n1 0\n' }));
  post('source number', JSON.stringify({ format: 'cnf', source: 5 }));
  post('problem string', JSON.stringify({ format: 'json', problem: 'x' }));
  post('problem and source', JSON.stringify({ format: 'json', problem: {}, source: '{}' }));
  post('cnf with huge header', JSON.stringify({ format: 'cnf', source: 'p cnf 99999999999 99999999999\n1 0\n' }));
  post('cnf literal 2^40', JSON.stringify({ format: 'cnf', source: `p cnf 2 1\n${2 ** 40} 0\n` }));
  post('col without colours', JSON.stringify({ format: 'col', source: 'p edge 2 1\ne 1 2\n' }));
  post('json domain max 1e400', '{"format":"json","problem":{"variables":[{"name":"x","domain":{"min":0,"max":1e400}}],"constraints":[]}}');
  post('json 100000 variables', JSON.stringify({ format: 'json', problem: { variables: [{ name: 'x', domain: { min: 0, max: 1 }, size: 100_000 }], constraints: [] } }));
  post('json variable named __proto__ in a bad problem', JSON.stringify({ format: 'json', problem: { variables: [{ name: '__proto__', domain: { min: 0, max: 1 } }], constraints: [{ type: 'magic' }] } }));
  post('text/plain', good({}), { 'Content-Type': 'text/plain', Authorization: GOOD_AUTH });
  post('no content type', good({}), { Authorization: GOOD_AUTH });
  post('multipart', '--x\r\n\r\n--x--', { 'Content-Type': 'multipart/form-data; boundary=x', Authorization: GOOD_AUTH });
  post('protobuf garbage', '\xff\xff\xff\xff\x0f', { 'Content-Type': 'application/x-protobuf', Authorization: GOOD_AUTH });
  post('protobuf empty', '', { 'Content-Type': 'application/x-protobuf', Authorization: GOOD_AUTH });
  post('json with charset nonsense', good({}), { 'Content-Type': 'application/json; charset=ebcdic', Authorization: GOOD_AUTH });
  post('idempotency key 300 chars', good({}), { ...json, 'Idempotency-Key': 'k'.repeat(300) });
  post('idempotency key empty', good({}), { ...json, 'Idempotency-Key': '' });
  post('Accept protobuf, bad body', 'nope', { ...json, Accept: 'application/x-protobuf' });
  add('DELETE a finished job', request('DELETE', '/v1/jobs/FINISHED', { Authorization: GOOD_AUTH }));
  add('events of a finished job', request('GET', '/v1/jobs/FINISHED/events', { Authorization: GOOD_AUTH }));
  add('devices without a key', request('GET', '/v1/devices'));
  add('devices with a wrong key', request('GET', '/v1/devices', { Authorization: 'Bearer wrong-key-0123456789' }));
  return cases;
}

describe('hostile-request corpus', { timeout: 180_000 }, () => {
  it('at least 150 requests: none hangs, none gets a 5xx, every error in the documented shape', async () => {
    const cases = corpus().map((c) => ({
      ...c, bytes: typeof c.bytes === 'string' ? Buffer.from(c.bytes.replaceAll('FINISHED', finishedJob), 'latin1') : Buffer.from(c.bytes.toString('latin1').replaceAll('FINISHED', finishedJob), 'latin1'),
    }));
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const res = await rawRequest(port, c.bytes, 8_000);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.hung) failures.push(`${c.name}: no answer, connection still open after 8 s`);
        else if (res.status === 0) {
          // Closing without an answer is allowed only where HTTP cannot carry one.
          failures.push(`${c.name}: closed without a response`);
        } else if (res.status >= 500) failures.push(`${c.name}: ${res.status} ${res.body.slice(0, 200)}`);
        else if (res.status >= 400 && !c.name.startsWith('method HEAD')) {
          try {
            const body = JSON.parse(res.body);
            const ok = Object.keys(body).length === 1 && typeof body.error?.code === 'string' && typeof body.error?.message === 'string'
              && Object.keys(body.error).length === 2;
            if (!ok) failures.push(`${c.name}: ${res.status} body not in the error shape: ${res.body.slice(0, 200)}`);
          } catch {
            failures.push(`${c.name}: ${res.status} body is not JSON: ${res.body.slice(0, 200)}`);
          }
        }
      }
    }));
    console.log(`hostile corpus: ${cases.length} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures).toEqual([]);
    // The service is still fine afterwards.
    expect((await rawRequest(port, request('GET', '/healthz'))).status).toBe(200);
  });
});
