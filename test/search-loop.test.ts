// Search mode against the real device: the Verilator simulation of the RTL (hdl/rtl/search_*.v)
// on its pseudo-terminal. Random CNF and CSPs solved by the device's search with zero device
// faults (every solution re-checked here and by the loop), a prior update mid-job, cancel within
// the bound, and a service job in auto mode that runs in search mode. The simulator build always
// has the search engine: a handshake without one fails the first test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../src/link/fault-proxy.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { indicesToValues } from '../src/model/pack.ts';
import { renderAssignment } from '../src/model/render.ts';
import { Sampler } from '../src/sampler/index.ts';
import { DeviceSearch } from '../src/solve/device-search.ts';
import { DeviceValidator } from '../src/solve/device-validator.ts';
import { MemorySink } from '../src/solve/memory-sink.ts';
import { chooseMode } from '../src/solve/mode.ts';
import type { PriorSource, SearchDevice } from '../src/solve/ports.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { prepareProblem, type PreparedProblem } from '../src/solve/prepare.ts';
import { runSearchLoop, type SearchLoopSettings } from '../src/solve/search-loop.ts';
import { emptyStats } from '../src/solve/types.ts';
import { checkCnf, checkColouring, checkQueens, plantedCnf, plantedCol, queensProblem } from './helpers/problems.ts';
import { auth, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';

const OPTIONS = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };

let sim: RunningSimulator;
let session: DeviceSession;
let device: DeviceSearch | undefined;
beforeAll(async () => {
  sim = await startSimulator();
  session = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
  if (session.info.search) device = new DeviceSearch(session, new DeviceValidator(session));
});

it('the simulator offers device search in its handshake', () => {
  expect(session.info.search, 'HelloReply.search is empty: the simulator was built without the search engine').toBeDefined();
  expect(device).toBeDefined();
});
afterAll(async () => {
  await session?.close();
  await sim?.stop();
});

const render = (p: PreparedProblem, indices: number[]) => renderAssignment(p.model, indicesToValues(p.model, indices));

/** The device, counting the priors sent through it. */
function counting(d: SearchDevice): SearchDevice & { priors: number } {
  const c = {
    priors: 0,
    get deviceId() { return d.deviceId; },
    get limits() { return d.limits; },
    load: d.load.bind(d),
    sendPrior: (p: Uint8Array) => { c.priors++; return d.sendPrior(p); },
    start: d.start.bind(d),
    nextSolution: d.nextSolution.bind(d),
    status: d.status.bind(d),
    stop: d.stop.bind(d),
    droppedSolutions: d.droppedSolutions.bind(d),
    linkBytes: d.linkBytes.bind(d),
  };
  return c;
}

async function samplerPrior(problem: PreparedProblem, seed: number): Promise<PriorSource> {
  const sampler = await Sampler.create(problem.model, problem.program, { seed });
  return {
    softDomains: () => sampler.probabilities(),
    solutionsFound: (s) => sampler.feedback(s, s.map(() => ({ ok: true, violated: [], count: 0 }))),
  };
}

async function solve(problem: PreparedProblem, over: Partial<SearchLoopSettings>, prior?: PriorSource) {
  const choice = chooseMode('search', problem, device);
  if (choice.mode !== 'search') throw new Error('not in search mode');
  const d = counting(device!);
  const sink = new MemorySink();
  const now = Date.now();
  const result = await runSearchLoop({ ...problem, tables: choice.tables }, { device: d, sink, ...(prior ? { prior } : {}) }, {
    solutions: 1, alreadyFound: 0, deadline: now + 60_000, startedAt: now, seed: 1, baseStats: emptyStats(), tree: false, ...over,
  });
  return { result, sink, priors: d.priors };
}

describe('search mode on the simulated device', () => {
  it('solves random 3-SAT instances with zero device faults, updating the prior mid-job', async () => {
    for (const seed of [1, 2, 3]) {
      const planted = plantedCnf(50, 210, seed);
      const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
      const { result, sink, priors } = await solve(problem, { solutions: 3, seed }, await samplerPrior(problem, seed));
      expect(result.stop, `seed ${seed}`).toBe('solutions');
      expect(result.stats.deviceFaults).toBe(0);
      expect(result.stats.mode).toBe('search');
      expect(result.stats.flips).toBeGreaterThan(0);
      expect(priors).toBeGreaterThanOrEqual(3); // the first, then one after each new solution but the last
      for (const s of sink.solutions) expect(checkCnf(planted.clauses, render(problem, s.indices))).toBe(true);
    }
  }, 300_000);

  it('solves CSPs: 8 queens and a planted graph colouring, with zero device faults', async () => {
    const queens = prepareProblem({ format: 'json', source: JSON.stringify(queensProblem(8)), options: OPTIONS });
    const q = await solve(queens, { solutions: 2 });
    expect(q.result.found).toBe(2);
    expect(q.result.stats.deviceFaults).toBe(0);
    for (const s of q.sink.solutions) expect(checkQueens(8, render(queens, s.indices))).toBe(true);
    const col = plantedCol(30, 60, 3);
    const colouring = prepareProblem({ format: 'col', source: col.text, options: { ...OPTIONS, colors: 4 } });
    const c = await solve(colouring, { solutions: 2 });
    expect(c.result.found).toBe(2);
    expect(c.result.stats.deviceFaults).toBe(0);
    for (const s of c.sink.solutions) expect(checkColouring(col.edges, 4, render(colouring, s.indices))).toBe(true);
  }, 300_000);

  it('stops within the bound when cancelled', async () => {
    // Seven pigeons, six holes: the search never succeeds. Compiled without root propagation,
    // which would prove it (the tree search is off here too).
    const pigeonModel = parseProblem(JSON.stringify({
      variables: [{ name: 'p', domain: { min: 0, max: 5 }, size: 7 }], constraints: [{ type: 'allDifferent', vars: 'p' }],
    }), { format: 'json' });
    const pigeons = { model: pigeonModel, program: compile(pigeonModel) };
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1000);
    const t0 = Date.now();
    const { result } = await solve(pigeons, { signal: abort.signal });
    expect(result.stop).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(1000 + 1500);
    expect(result.stats.flips).toBeGreaterThan(0);
    const after = await device!.status();
    expect(after.searching).toBe(false);
  }, 60_000);
});

describe('search mode when the device goes away', () => {
  it('reconnects, loads program, tables and prior again, restarts with a new seed, and finishes', async () => {
    const second = await startSimulator();
    // 20,000 bytes: past the loads (about 13 KB for this problem), into the solutions and priors.
    const proxy = await startFaultProxy({ device: second.path, listen: 'tcp://127.0.0.1:0', cutAfterBytes: 20_000, maxCuts: 1, seed: 3 });
    const s = await DeviceSession.open(proxy.url, { heartbeatMs: 0, reconnectDelayMs: 50 });
    try {
      const d = new DeviceSearch(s, new DeviceValidator(s));
      const planted = plantedCnf(50, 210, 11);
      const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
      const choice = chooseMode('search', problem, d);
      if (choice.mode !== 'search') throw new Error('not in search mode');
      const sink = new MemorySink();
      const now = Date.now();
      const result = await runSearchLoop({ ...problem, tables: choice.tables }, { device: d, sink, prior: await samplerPrior(problem, 11) }, {
        solutions: 120, alreadyFound: 0, deadline: now + 120_000, startedAt: now, seed: 5, baseStats: emptyStats(),
      });
      expect(proxy.stats().cuts).toBe(1);
      expect(result.stop).toBe('solutions');
      expect(result.stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(result.stats.deviceFaults).toBe(0);
      for (const sol of sink.solutions) expect(checkCnf(planted.clauses, render(problem, sol.indices))).toBe(true);
    } finally {
      await s.close();
      await proxy.close();
      await second.stop();
    }
  }, 300_000);
});

describe('the service in auto mode', () => {
  let api: TestApi | undefined;
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('runs a job in search mode on a device that offers it', async () => {
    api = await startApi(uniquePrefix('search-auto'));
    worker = spawnWorker(api.prefix);
    const deadline = Date.now() + 240_000;
    while ((await api.app.inject({ url: '/v1/devices', headers: auth() })).json().devices.length === 0) {
      if (Date.now() > deadline || worker.child.exitCode !== null) throw new Error(`no worker: ${worker.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const planted = plantedCnf(50, 210, 9);
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: planted.text, options: { solutions: 2, seed: 3 } } });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(api.app, res.json().id, 120_000);
    expect(job.status).toBe('succeeded');
    expect(job.stats).toMatchObject({ mode: 'search', deviceFaults: 0, candidates: 0 });
    expect(job.stats.flips).toBeGreaterThan(0);
    for (const s of job.solutions) expect(checkCnf(planted.clauses, s.assignment)).toBe(true);
  }, 400_000);
});
