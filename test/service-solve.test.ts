// End to end with real parts: the API, a `hilsolve worker` process that starts its own Verilator
// simulation, the ONNX sampler and Redis. Every returned solution is checked here with the
// test's own code, from the problem's definition.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardPigeons } from './helpers/problems.ts';
import { auth, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';
import {
  checkCnf, checkColouring, checkQueens, checkSudoku, EASY_SUDOKU, readCnfClauses, readColEdges, sudokuProblem,
} from './helpers/problems.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const QUEENS = JSON.parse(fixture('8-queens.json'));
const UF50 = fixture('uf50-218.cnf');
const FLAT50 = fixture('flat50-3.col');
/** Thirteen pigeons, twelve holes: no solution, and neither propagation nor the tree search can tell in time. */
const PIGEONS = hardPigeons();

type Rendered = Record<string, number | boolean>;
interface JobSolution { index: number; assignment: Rendered; device: string; foundAtMs: number }

let api: TestApi;
let worker: WorkerProcess;

beforeAll(async () => {
  api = await startApi(uniquePrefix('service-solve'));
  worker = spawnWorker(api.prefix);
  await waitForDevices(1);
});
afterAll(async () => {
  const code = await worker?.stop();
  await api?.close();
  expect(code).toBe(0);
});

async function waitForDevices(n: number, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { devices } = (await api.app.inject({ url: '/v1/devices', headers: auth() })).json();
    if (devices.length >= n) return devices;
    if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no device registered: ${worker.output()}`);
}

async function solve(body: object, timeoutMs = 120_000) {
  const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return waitForJob(api.app, res.json().id, timeoutMs);
}

function expectProven(job: { status: string; outcome: string; solutions: JobSolution[] }, n: number, check: (a: Rendered) => boolean) {
  expect(job.status).toBe('succeeded');
  expect(job.outcome).toBe('SATISFIED');
  expect(job.solutions).toHaveLength(n);
  for (const s of job.solutions) {
    expect(check(s.assignment), JSON.stringify(s.assignment)).toBe(true);
    expect(s.device).toMatch(/sim/);
  }
  expect(new Set(job.solutions.map((s) => JSON.stringify(s.assignment))).size).toBe(n);
}

describe('solving on the simulator', { timeout: 240_000 }, () => {
  it('lists the simulator the worker started', async () => {
    const [device] = await waitForDevices(1);
    expect(device).toMatchObject({ simulated: true, handshake: { deviceId: expect.stringMatching(/sim/) } });
    expect(device.handshake.maxVars).toBeGreaterThan(0);
  });

  it('8-queens', async () => {
    expectProven(await solve({ format: 'json', problem: QUEENS, options: { seed: 1 } }), 1, (a) => checkQueens(8, a));
  });

  it('a sudoku', async () => {
    expectProven(await solve({ format: 'json', problem: sudokuProblem(EASY_SUDOKU), options: { seed: 1 } }), 1, (a) => checkSudoku(EASY_SUDOKU, a));
  });

  it('uf50-218', async () => {
    const clauses = readCnfClauses(UF50);
    expectProven(await solve({ format: 'cnf', source: UF50, options: { seed: 1 } }), 1, (a) => checkCnf(clauses, a));
  });

  it('a 3-colourable graph (flat50-3)', async () => {
    const edges = readColEdges(FLAT50);
    expectProven(await solve({ format: 'col', source: FLAT50, options: { colors: 3, seed: 1 } }), 1, (a) => checkColouring(edges, 3, a));
  });

  it('20 distinct 8-queens solutions', async () => {
    const job = await solve({ format: 'json', problem: QUEENS, options: { solutions: 20, seed: 2 } }, 240_000);
    expectProven(job, 20, (a) => checkQueens(8, a));
    expect(job.solutions.map((s: JobSolution) => s.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('cancel stops a running job within a second', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'json', problem: PIGEONS, options: { mode: 'validate' } } });
    const id = res.json().id;
    await waitForJobState(api.app, id, (j) => j.status === 'running' && j.stats.candidates > 0, 60_000);
    const t0 = Date.now();
    await api.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth() });
    const job = await waitForJob(api.app, id, 10_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(job).toMatchObject({ status: 'cancelled', stopReason: 'cancelled', outcome: 'UNKNOWN' });
  });

  it('the time limit ends a job without a solution as UNKNOWN', async () => {
    const job = await solve({ format: 'json', problem: PIGEONS, options: { timeLimitMs: 1_500 } });
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNKNOWN', stopReason: 'timeLimit', solutionCount: 0 });
    expect(job.stats.elapsedMs).toBeGreaterThanOrEqual(1_500);
    expect(job.stats.elapsedMs).toBeLessThan(4_000);
  });

  it('the candidate budget ends a job without a solution as UNKNOWN', async () => {
    // The candidate budget bounds validate mode (the host's candidates) only.
    const job = await solve({ format: 'json', problem: PIGEONS, options: { maxCandidates: 500, mode: 'validate' } });
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNKNOWN', stopReason: 'candidateBudget' });
    expect(job.stats).toMatchObject({ candidates: 500, verdicts: 500, proven: 0, rejected: 500, deviceFaults: 0 });
    expect(job.stats.linkBytes).toBeGreaterThan(500);
  });
});
