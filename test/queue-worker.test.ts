// The worker against the real Redis with the real sampler; the device is the reference checker
// (the simulator-backed runs are in test/service-*.test.ts). Checks the job life cycle: solutions
// stored as found, SSE, cancel, time limit, budget, hand-back on shutdown, device registration.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, KEY_OPS, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';
import { checkCnf, hardPigeons, readCnfClauses } from './helpers/problems.ts';
import { readEventStream } from './helpers/sse.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const UF50_CLAUSES = readCnfClauses(UF50);
/** Thirteen pigeons, twelve holes: no solution, and neither propagation nor the tree search can tell in time. */
const PIGEONS = hardPigeons();

let api: TestApi;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let baseUrl: string;

beforeAll(async () => {
  api = await startApi(uniquePrefix('queue-worker'));
  baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
  const validator = new ReferenceValidator();
  validator.maxVars = 1000;
  worker = await startInProcessWorker(api.prefix, validator);
});
afterAll(async () => {
  await worker?.close();
  await api.close();
});

async function submit(body: object): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id;
}

describe('worker', () => {
  it('solves uf50-218: proven, distinct solutions that satisfy every clause', async () => {
    const id = await submit({ format: 'cnf', source: UF50, options: { solutions: 3, seed: 11 } });
    const job = await waitForJob(api.app, id);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', stopReason: 'solutions', solutionCount: 3 });
    expect(job.solutions.map((s: { index: number }) => s.index)).toEqual([1, 2, 3]);
    for (const s of job.solutions) {
      expect(checkCnf(UF50_CLAUSES, s.assignment)).toBe(true);
      expect(s.device).toBe('reference-checker');
    }
    expect(new Set(job.solutions.map((s: { assignment: object }) => JSON.stringify(s.assignment))).size).toBe(3);
    expect(job.stats.candidates).toBeGreaterThan(0);
    expect(job.stats.proven).toBeGreaterThanOrEqual(3);
    const later = (await api.app.inject({ url: `/v1/jobs/${id}?after=2`, headers: auth() })).json();
    expect(later.solutions.map((s: { index: number }) => s.index)).toEqual([3]);
  });

  it('streams solutions and the final status over SSE, and replays after Last-Event-ID', async () => {
    const id = await submit({ format: 'cnf', source: UF50, options: { solutions: 4, seed: 12 } });
    const { status, events } = await readEventStream(`${baseUrl}/v1/jobs/${id}/events`, auth());
    expect(status).toBe(200);
    const solutions = events.filter((e) => e.event === 'solution');
    expect(solutions.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    for (const e of solutions) expect(checkCnf(UF50_CLAUSES, (e.data as { assignment: Record<string, boolean> }).assignment)).toBe(true);
    const last = events.at(-1)!;
    expect(last.event).toBe('status');
    expect(last.data).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED' });
    // A finished job's stream replays what the client has not seen, then ends.
    const replay = await readEventStream(`${baseUrl}/v1/jobs/${id}/events`, { ...auth(), 'last-event-id': '2' });
    expect(replay.events.filter((e) => e.event === 'solution').map((e) => e.id)).toEqual(['3', '4']);
  });

  it('stops a running job within a second of DELETE, as cancelled', async () => {
    const id = await submit({ format: 'json', problem: PIGEONS, options: { timeLimitMs: 60_000 } });
    await waitForJobState(api.app, id, (j) => j.status === 'running' && j.stats.candidates > 0);
    const t0 = Date.now();
    const res = await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() });
    expect(res.statusCode).toBe(202);
    const job = await waitForJob(api.app, id, 5_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(job).toMatchObject({ status: 'cancelled', outcome: 'UNKNOWN', stopReason: 'cancelled' });
  });

  it('ends at the time limit with UNKNOWN', async () => {
    const id = await submit({ format: 'json', problem: PIGEONS, options: { timeLimitMs: 700, maxCandidates: 1_000_000_000 } });
    const job = await waitForJob(api.app, id, 10_000);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNKNOWN', solutionCount: 0 });
    expect(['timeLimit', 'exhausted']).toContain(job.stopReason);
    if (job.stopReason === 'timeLimit') expect(job.stats.elapsedMs).toBeGreaterThanOrEqual(700);
    expect(job.stats.elapsedMs).toBeLessThan(3_000);
  });

  it('ends at the candidate budget with UNKNOWN', async () => {
    const id = await submit({ format: 'json', problem: PIGEONS, options: { maxCandidates: 300 } });
    const job = await waitForJob(api.app, id, 10_000);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNKNOWN', stopReason: 'candidateBudget' });
    expect(job.stats.candidates).toBe(300);
  });

  it('fails a job whose program the device cannot take, at once and with the reason', async () => {
    const id = await submit({ format: 'cnf', source: 'p cnf 1001 1\n1 0\n' });
    const job = await waitForJob(api.app, id, 10_000);
    expect(job).toMatchObject({
      status: 'failed', outcome: 'UNKNOWN', runs: 1,
      error: { code: 'device_capacity', message: '1001 variables, the device takes 1000' },
    });
  });

  it('lists its device with a heartbeat', async () => {
    const { devices } = (await api.app.inject({ url: '/v1/devices', headers: auth(KEY_OPS) })).json();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ workerId: worker.worker.workerId, port: 'in-process', handshake: { deviceId: 'reference-checker' } });
    expect(Date.now() - devices[0].lastSeen).toBeLessThan(5_000);
  });

  it('hands its running job back on shutdown; another worker finishes it', async () => {
    const id = await submit({ format: 'json', problem: PIGEONS, options: { maxCandidates: 6000, timeLimitMs: 60_000 } });
    await waitForJobState(api.app, id, (j) => j.status === 'running' && j.stats.candidates > 0);
    await worker.close();
    const handedBack = (await api.app.inject({ url: `/v1/jobs/${id}`, headers: auth() })).json();
    expect(handedBack.status).toBe('queued');
    expect(handedBack.stats.candidates).toBeGreaterThan(0);
    worker = await startInProcessWorker(api.prefix, new ReferenceValidator());
    const job = await waitForJob(api.app, id, 30_000);
    expect(job).toMatchObject({ status: 'succeeded', stopReason: 'candidateBudget' });
    expect(job.stats.candidates).toBe(6000);
  });
});
