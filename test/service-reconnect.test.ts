// A device that goes away mid-job: a worker process talks to the simulator through the fault
// proxy, which cuts the connection twice and flips bits on the line. The job goes on after each
// reconnect (the program is reloaded) and every reported solution is valid. A connection carries
// 3,000 bytes before it is cut: the uf50 program load (about 1,700 bytes in the wire encoding) and
// some 20 candidates of about 56 bytes, so 150 solutions (at least 150 candidates, 8,400 bytes)
// need the third connection. Validate
// mode, which the byte counts are about; test/search-loop.test.ts loses the device in search mode.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../src/link/fault-proxy.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { auth, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';
import { checkCnf, readCnfClauses } from './helpers/problems.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const CLAUSES = readCnfClauses(UF50);

let api: TestApi;
let simulator: RunningSimulator;
let proxy: FaultProxy;
let worker: WorkerProcess;

beforeAll(async () => {
  api = await startApi(uniquePrefix('service-reconnect'));
  simulator = await startSimulator();
  proxy = await startFaultProxy({
    device: simulator.path, listen: 'tcp://127.0.0.1:0', cutAfterBytes: 3_000, maxCuts: 2, seed: 7,
    toDevice: { flip: 1e-4 }, toHost: { flip: 1e-4 },
  });
  worker = spawnWorker(api.prefix, { HILSOLVE_DEVICE: proxy.url });
});
afterAll(async () => {
  await worker?.stop();
  await proxy?.close();
  await simulator?.stop();
  await api?.close();
});

describe('device lost mid-job', { timeout: 300_000 }, () => {
  it('reconnects, reloads the program and finishes with valid solutions', async () => {
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', headers: auth(),
      payload: { format: 'cnf', source: UF50, options: { solutions: 150, seed: 5, timeLimitMs: 300_000, mode: 'validate' } },
    });
    const job = await waitForJob(api.app, res.json().id, 300_000);
    expect(proxy.stats().cuts).toBe(2);
    expect(job, worker.output().slice(-2000)).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', solutionCount: 150, runs: 1 });
    expect(job.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(job.solutions.every((s: { assignment: Record<string, boolean> }) => checkCnf(CLAUSES, s.assignment))).toBe(true);
    expect(worker.output()).toMatch(/device reconnected/);
  });
});
