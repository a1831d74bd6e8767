// The job routes against a real Redis (no worker runs here): submission, validation at POST
// time, ownership, idempotency, cancelling a queued job, and the error format.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, KEY_B, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { queensProblem } from './helpers/problems.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startApi(uniquePrefix('api-jobs'));
});
afterAll(async () => api.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  api.app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...auth(), ...headers }, payload: body as object });

describe('POST /v1/jobs', () => {
  it('queues a valid problem and answers 202 with a Location', async () => {
    const res = await post({ format: 'json', problem: queensProblem(8), options: { solutions: 3, seed: 7 } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.status).toBe('queued');
    expect(res.headers.location).toBe(`/v1/jobs/${body.id}`);
    const job = await api.app.inject({ url: res.headers.location as string, headers: auth() });
    expect(job.statusCode).toBe(200);
    expect(job.json()).toMatchObject({ id: body.id, status: 'queued', outcome: 'UNKNOWN', solutions: [], solutionCount: 0 });
    expect(job.json().options).toMatchObject({ solutions: 3, seed: 7, timeLimitMs: 60_000 });
    // BullMQ holds the job, waiting for a worker.
    expect(await api.redis.exists(`${api.prefix}:solve:${body.id}`)).toBe(1);
  });

  it('accepts CNF and .col text', async () => {
    const cnf = await post({ format: 'cnf', source: 'p cnf 3 2\n1 -2 0\n2 3 0\n' });
    expect(cnf.statusCode).toBe(202);
    const col = await post({ format: 'col', source: 'p edge 3 2\ne 1 2\ne 2 3\n', options: { colors: 2 } });
    expect(col.statusCode).toBe(202);
  });

  it('finishes a problem proven unsatisfiable at compile time without queueing it', async () => {
    const res = await post({ format: 'cnf', source: 'p cnf 1 2\n1 0\n-1 0\n' });
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('succeeded');
    const job = (await api.app.inject({ url: res.headers.location as string, headers: auth() })).json();
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable' });
    expect(await api.redis.exists(`${api.prefix}:solve:${job.id}`)).toBe(0);
  });

  it('returns the same job for a retried POST with the same Idempotency-Key', async () => {
    const body = { format: 'json', problem: queensProblem(6) };
    const first = await post(body, { 'idempotency-key': 'retry-1' });
    const again = await post(body, { 'idempotency-key': 'retry-1' });
    expect(again.statusCode).toBe(202);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // Another key's identical idempotency key is its own.
    const other = await post(body, { ...auth(KEY_B), 'idempotency-key': 'retry-1' });
    expect(other.json().id).not.toBe(first.json().id);
    // The same key for a different request is a conflict.
    const conflict = await post({ format: 'json', problem: queensProblem(5) }, { 'idempotency-key': 'retry-1' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('idempotency_conflict');
  });
});

describe('ownership and auth', () => {
  it('hides a job from another key and refuses requests without a valid key', async () => {
    const { id } = (await post({ format: 'json', problem: queensProblem(4) })).json();
    const other = await api.app.inject({ url: `/v1/jobs/${id}`, headers: auth(KEY_B) });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('job_not_found');
    expect((await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth(KEY_B) })).statusCode).toBe(404);
    expect((await api.app.inject({ url: `/v1/jobs/${id}` })).statusCode).toBe(401);
    const wrong = await api.app.inject({ url: `/v1/jobs/${id}`, headers: auth('not-a-key-at-all-xyz') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toMatch(/unknown API key/);
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it('cancels a queued job at once and removes it from the queue', async () => {
    const { id } = (await post({ format: 'json', problem: queensProblem(8) })).json();
    const res = await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id, status: 'cancelled', stopReason: 'cancelled', outcome: 'UNKNOWN' });
    expect(await api.redis.exists(`${api.prefix}:solve:${id}`)).toBe(0);
    const again = await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() });
    expect(again.statusCode).toBe(202);
    expect(again.json().status).toBe('cancelled');
  });

  it('refuses to cancel a finished job', async () => {
    const { id } = (await post({ format: 'cnf', source: 'p cnf 1 2\n1 0\n-1 0\n' })).json();
    const res = await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'job_finished', message: `job ${id} already succeeded` });
  });
});

describe('service routes', () => {
  it('answers health, readiness, metrics and the OpenAPI document', async () => {
    expect((await api.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await api.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await api.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/hilsolve_http_requests_total\{method="POST",route="\/v1\/jobs",status="202"\} \d+/);
    expect(metrics.body).toMatch(/hilsolve_queue_jobs\{state="waiting"\} [1-9]/);
    const doc = (await api.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/events', '/v1/devices']));
    const devices = await api.app.inject({ url: '/v1/devices', headers: auth() });
    expect(devices.json()).toEqual({ devices: [] });
  });
});

describe('protobuf', () => {
  it('takes a SolveRequest and answers with a Job', async () => {
    const protobuf = (await import('protobufjs')).default;
    const root = protobuf.loadSync(new URL('../proto/api.proto', import.meta.url).pathname);
    const SolveRequest = root.lookupType('hilsolve.api.SolveRequest');
    const Job = root.lookupType('hilsolve.api.Job');
    const body = SolveRequest.encode(SolveRequest.fromObject({
      format: 'col', source: 'p edge 3 2\ne 1 2\ne 2 3\n', options: { solutions: 2, colors: 2, seed: 5, maxCandidates: 1000 },
    })).finish();
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', payload: Buffer.from(body),
      headers: { ...auth(), 'content-type': 'application/x-protobuf', accept: 'application/x-protobuf' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    const job = Job.toObject(Job.decode(res.rawPayload), { enums: String, longs: Number, defaults: true });
    expect(job).toMatchObject({ status: 'queued', outcome: 'OUTCOME_UNSPECIFIED' });
    const json = (await api.app.inject({ url: `/v1/jobs/${job.id}`, headers: auth() })).json();
    expect(json.options).toEqual({ solutions: 2, colors: 2, seed: 5, maxCandidates: 1000, timeLimitMs: 60_000 });
    expect(json.format).toBe('col');

    const bad = await api.app.inject({
      method: 'POST', url: '/v1/jobs', payload: Buffer.from([0x0a, 0xff, 0xff]),
      headers: { ...auth(), 'content-type': 'application/x-protobuf' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not a hilsolve\.api\.SolveRequest/);
    const noFormat = await api.app.inject({
      method: 'POST', url: '/v1/jobs', payload: Buffer.from(SolveRequest.encode({ source: 'p cnf 1 1\n1 0\n' }).finish()),
      headers: { ...auth(), 'content-type': 'application/x-protobuf' },
    });
    expect(noFormat.statusCode).toBe(400);
    expect(noFormat.json().error.message).toMatch(/missing field 'format'/);
  });
});
