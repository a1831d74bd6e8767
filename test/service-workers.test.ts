// Two `hilsolve worker` processes, each on its own Verilator simulation, one Redis, one API:
// 20 jobs at once all finish once and correctly; a worker killed with SIGKILL mid-job loses
// nothing: the other worker resumes the job, keeps the solutions found before, repeats none.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { JobStore } from '../src/queue/job-store.ts';
import { auth, KEY_OPS, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';
import { checkCnf, checkQueens, readCnfClauses } from './helpers/problems.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const UF50 = fixture('uf50-218.cnf');
const UF50_CLAUSES = readCnfClauses(UF50);
const QUEENS = JSON.parse(fixture('8-queens.json'));

type Rendered = Record<string, number | boolean>;

let api: TestApi;
let store: JobStore;
const simulators: RunningSimulator[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  api = await startApi(uniquePrefix('service-workers'));
  store = new JobStore(api.redis, api.prefix, 600);
  for (let i = 0; i < 2; i++) simulators.push(await startSimulator());
  for (const sim of simulators) workers.push(spawnWorker(api.prefix, { HILSOLVE_DEVICE: sim.path }));
  const deadline = Date.now() + 120_000;
  while ((await devices()).length < 2) {
    if (Date.now() > deadline) throw new Error(`workers did not register: ${workers.map((w) => w.output()).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(simulators.map((s) => s.stop()));
  await api?.close();
});

async function devices(): Promise<{ workerId: string; pid: number; currentJob: string | null }[]> {
  return (await api.app.inject({ url: '/v1/devices', headers: auth(KEY_OPS) })).json().devices;
}

async function submit(body: object): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id;
}

describe('two workers', { timeout: 300_000 }, () => {
  it('finish 20 jobs submitted at once, each run once, every solution valid', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
      ? { check: (a: Rendered) => checkCnf(UF50_CLAUSES, a), body: { format: 'cnf', source: UF50, options: { solutions: 2, seed: i } } }
      : { check: (a: Rendered) => checkQueens(8, a), body: { format: 'json', problem: QUEENS, options: { solutions: 2, seed: i } } }));
    const ids = await Promise.all(jobs.map((j) => submit(j.body)));
    const done = await Promise.all(ids.map((id) => waitForJob(api.app, id, 240_000)));
    const ranOn = new Set<string>();
    done.forEach((job, i) => {
      expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', solutionCount: 2, runs: 1 });
      expect(job.solutions.every((s: { assignment: Rendered }) => jobs[i].check(s.assignment))).toBe(true);
      expect(new Set(job.solutions.map((s: { assignment: Rendered }) => JSON.stringify(s.assignment))).size).toBe(2);
      ranOn.add(job.worker);
    });
    expect(ranOn.size).toBe(2);
  });

  it('a worker killed mid-job: the other resumes it with the earlier solutions and no duplicates', async () => {
    const wanted = 100;
    const id = await submit({ format: 'cnf', source: UF50, options: { solutions: wanted, seed: 99, timeLimitMs: 600_000 } });
    const running = await waitForJobState(api.app, id, (j) => j.status === 'running' && j.solutionCount >= 3 && j.solutionCount < wanted, 120_000);
    const victim = (await devices()).find((d) => d.workerId === running.worker)!;
    expect(victim).toBeDefined();
    const before = await store.solutions(id);
    process.kill(victim.pid, 'SIGKILL');
    const killed = workers.find((w) => w.child.pid === victim.pid)!;
    expect(await killed.exited).toBeNull();

    const job = await waitForJob(api.app, id, 240_000);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', solutionCount: wanted, runs: 2 });
    expect(job.worker).not.toBe(victim.workerId);
    // What was found before the kill is still there, first, unchanged.
    expect(job.solutions.slice(0, before.length).map((s: { assignment: Rendered }) => s.assignment)).toEqual(before.map((s) => s.assignment));
    expect(new Set(job.solutions.map((s: { assignment: Rendered }) => JSON.stringify(s.assignment))).size).toBe(wanted);
    expect(job.solutions.every((s: { assignment: Rendered }) => checkCnf(UF50_CLAUSES, s.assignment))).toBe(true);
  });

  it('a worker stopped with SIGTERM mid-job hands the job over and exits 0', async () => {
    // A new worker on the killed worker's simulator, so that two are running again.
    const free = simulators.find((sim) => !workers.some((w) => w.child.exitCode === null && w.child.signalCode === null && w.device === sim.path))!;
    const fresh = spawnWorker(api.prefix, { HILSOLVE_DEVICE: free.path });
    workers.push(fresh);
    // Wait for this worker's own record: the killed worker's record outlives it for a few heartbeats.
    const deadline = Date.now() + 120_000;
    while (!(await devices()).some((d) => d.pid === fresh.child.pid)) {
      if (fresh.child.exitCode !== null || Date.now() > deadline) throw new Error(`the new worker did not register: ${fresh.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const wanted = 100;
    const id = await submit({ format: 'cnf', source: UF50, options: { solutions: wanted, seed: 7, timeLimitMs: 600_000 } });
    const running = await waitForJobState(api.app, id, (j) => j.status === 'running' && j.solutionCount >= 3 && j.solutionCount < wanted, 120_000);
    const victim = (await devices()).find((d) => d.workerId === running.worker)!;
    const stopped = workers.find((w) => w.child.pid === victim.pid)!;
    expect(await stopped.stop()).toBe(0);
    const job = await waitForJob(api.app, id, 240_000).catch((err: Error) => {
      // What each worker logged says which side dropped the hand-over.
      throw new Error(`${err.message}\n${workers.map((w) => `--- worker ${w.child.pid}\n${w.output().slice(-6000)}`).join('\n')}`);
    });
    expect(job).toMatchObject({ status: 'succeeded', solutionCount: wanted, runs: 2 });
    expect(job.worker).not.toBe(victim.workerId);
    expect(new Set(job.solutions.map((s: { assignment: Rendered }) => JSON.stringify(s.assignment))).size).toBe(wanted);
  });
});
