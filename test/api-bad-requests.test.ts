// Bad requests of every kind get a 4xx with `{ error: { code, message } }` naming the problem,
// never a 5xx. Runs against the real app and Redis; nothing here reaches a worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { queensProblem } from './helpers/problems.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startApi(uniquePrefix('api-bad'), { bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => api.close());

const queens = queensProblem(4);
const JOB = '/v1/jobs';
const MISSING = '/v1/jobs/00000000-0000-4000-8000-000000000000';

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string | Buffer;
  status: number;
  message: RegExp;
}

const json = { 'content-type': 'application/json' };

const cases: Case[] = [
  { name: 'no body', raw: '', headers: json, status: 400, message: /body/i },
  { name: 'malformed JSON', raw: '{"format": "json", ', headers: json, status: 400, message: /JSON/ },
  { name: 'body is an array', body: [1, 2], status: 400, message: /\$: must be object/ },
  { name: 'missing format', body: { problem: queens }, status: 400, message: /missing field 'format'/ },
  { name: 'unknown format', body: { format: 'xml', source: 'x' }, status: 400, message: /\$\.format: must be one of json, cnf, col/ },
  { name: 'unknown top-level field', body: { format: 'json', problem: queens, priority: 9 }, status: 400, message: /unknown field 'priority'/ },
  { name: 'unknown option', body: { format: 'json', problem: queens, options: { threads: 4 } }, status: 400, message: /\$\.options: unknown field 'threads'/ },
  { name: 'solutions zero', body: { format: 'json', problem: queens, options: { solutions: 0 } }, status: 400, message: /\$\.options\.solutions: must be >= 1/ },
  { name: 'solutions too many', body: { format: 'json', problem: queens, options: { solutions: 100000 } }, status: 400, message: /\$\.options\.solutions: must be <= 1000/ },
  { name: 'solutions not an integer', body: { format: 'json', problem: queens, options: { solutions: 1.5 } }, status: 400, message: /\$\.options\.solutions: must be integer/ },
  { name: 'negative time limit', body: { format: 'json', problem: queens, options: { timeLimitMs: -5 } }, status: 400, message: /timeLimitMs: must be >= 100/ },
  { name: 'seed too large', body: { format: 'json', problem: queens, options: { seed: 2 ** 40 } }, status: 400, message: /seed: must be <= 4294967295/ },
  { name: 'budget zero', body: { format: 'json', problem: queens, options: { maxCandidates: 0 } }, status: 400, message: /maxCandidates: must be >= 1/ },
  { name: 'colors for cnf', body: { format: 'cnf', source: 'p cnf 1 1\n1 0\n', options: { colors: 3 } }, status: 400, message: /colors: applies to format col only/ },
  { name: 'col without colors', body: { format: 'col', source: 'p edge 2 1\ne 1 2\n' }, status: 400, message: /number of colours is missing/ },
  { name: 'problem and source both', body: { format: 'json', problem: queens, source: '{}' }, status: 400, message: /either as `problem` or as `source`, not both/ },
  { name: 'neither problem nor source', body: { format: 'json' }, status: 400, message: /missing the problem/ },
  { name: 'JSON document for cnf', body: { format: 'cnf', problem: queens }, status: 400, message: /send a cnf problem as `source`/ },
  { name: 'empty source', body: { format: 'cnf', source: '   ' }, status: 400, message: /problem text is empty/ },
  { name: 'CNF with a bad header', body: { format: 'cnf', source: 'p dnf 3 1\n1 0\n' }, status: 400, message: /line 1, column \d+: expected "p cnf"/ },
  { name: 'CNF literal out of range', body: { format: 'cnf', source: 'p cnf 2 1\n1 7 0\n' }, status: 400, message: /line 2/ },
  { name: 'col edge to a missing vertex', body: { format: 'col', source: 'p edge 2 1\ne 1 9\n', options: { colors: 2 } }, status: 400, message: /line 2/ },
  { name: 'JSON problem with an unknown constraint', body: { format: 'json', problem: { variables: [{ name: 'x', domain: { min: 0, max: 3 } }], constraints: [{ type: 'magic' }] } }, status: 400, message: /\$\.constraints\[0\]\.type: unknown constraint type "magic"/ },
  { name: 'JSON problem naming an unknown variable', body: { format: 'json', problem: { variables: [{ name: 'x', domain: { min: 0, max: 3 } }], constraints: [{ type: 'compare', x: 'x', op: '<', y: 'nope' }] } }, status: 400, message: /\$\.constraints\[0\]\.y: unknown variable "nope"/ },
  { name: 'JSON problem with a huge domain', body: { format: 'json', problem: { variables: [{ name: 'x', domain: { min: 0, max: 100000 } }], constraints: [] } }, status: 400, message: /over the limit of 256/ },
  { name: 'JSON problem with an unknown field', body: { format: 'json', problem: { ...queens, extra: 1 } }, status: 400, message: /extra/ },
  { name: 'JSON problem nested 30,000 deep', raw: `{"format":"json","problem":{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`, headers: json, status: 400, message: /nesting deeper than 256 levels/ },
  { name: 'JSON problem as source text, malformed', body: { format: 'json', source: '{"variables": [' }, status: 400, message: /line 1/ },
  { name: 'payload over the body limit', body: { format: 'cnf', source: `p cnf 1 1\n${'1 0\n'.repeat(40_000)}` }, status: 413, message: /too large|limit/i },
  { name: 'unsupported content type', raw: 'format=json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, message: /Unsupported Media Type|content-type/i },
  { name: 'idempotency key too long', body: { format: 'json', problem: queens }, headers: { 'idempotency-key': 'k'.repeat(300) }, status: 400, message: /idempotency-key/ },
  { name: 'malformed job id', method: 'GET', url: '/v1/jobs/not-a-uuid', status: 400, message: /params\.id: must match pattern/ },
  { name: 'unknown job', method: 'GET', url: MISSING, status: 404, message: /no job 00000000-/ },
  { name: 'negative after', method: 'GET', url: `${MISSING}?after=-1`, status: 400, message: /after: must be >= 0/ },
  { name: 'non-numeric after', method: 'GET', url: `${MISSING}?after=abc`, status: 400, message: /after: must be integer/ },
  { name: 'unknown query parameter', method: 'GET', url: `${MISSING}?foo=1`, status: 400, message: /unknown field 'foo'/ },
  { name: 'cancel an unknown job', method: 'DELETE', url: MISSING, status: 404, message: /no job/ },
  { name: 'events of an unknown job', method: 'GET', url: `${MISSING}/events`, status: 404, message: /no job/ },
  { name: 'bad Last-Event-ID', method: 'GET', url: `${MISSING}/events`, headers: { 'last-event-id': 'x' }, status: 400, message: /last-event-id/ },
  { name: 'no Authorization', headers: { authorization: '' }, body: { format: 'json', problem: queens }, status: 401, message: /Authorization/ },
  { name: 'Basic instead of Bearer', headers: { authorization: 'Basic abc' }, body: { format: 'json', problem: queens }, status: 401, message: /malformed Authorization header/ },
  { name: 'unknown route', method: 'GET', url: '/v2/jobs', status: 404, message: /no route GET \/v2\/jobs/ },
  { name: 'wrong method', method: 'PUT', url: JOB, body: {}, status: 404, message: /no route PUT/ },
];

describe('bad requests', () => {
  it(`has at least 25 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(25));

  for (const c of cases) {
    it(`${c.name}: ${c.status}`, async () => {
      const headers: Record<string, string> = { ...auth(), ...(c.headers ?? {}) };
      if (headers.authorization === '') delete headers.authorization;
      const res = await api.app.inject({
        method: c.method ?? 'POST', url: c.url ?? JOB, headers,
        ...(c.raw !== undefined ? { payload: c.raw } : c.body !== undefined ? { payload: c.body as object } : {}),
      });
      expect(res.statusCode, res.body).toBe(c.status);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error.code).toBe('string');
      expect(body.error.message, res.body).toMatch(c.message);
    });
  }
});

describe('rate limit', () => {
  it('answers 429 with the error format once a key used its allowance', async () => {
    const limited = await startApi(uniquePrefix('api-rate'), { rateLimitMax: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ url: MISSING, headers: auth() })).statusCode);
      expect(codes).toEqual([404, 404, 404, 429, 429]);
      const res = await limited.app.inject({ url: MISSING, headers: auth() });
      expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/rate limit of 3 requests/) });
      expect((await limited.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
