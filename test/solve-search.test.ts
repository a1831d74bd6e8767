// The search loop (src/solve/search-loop.ts) end to end on the host: a real DeviceSession,
// DeviceValidator and DeviceSearch against the fake device with the software search engine
// (test/helpers/fake-search.ts), the real sampler as prior source where it matters. Stop reasons,
// re-check of every proof, prior feedback, a lost device, cancel, and the mode choice.

import { afterEach, describe, expect, it } from 'vitest';
import { DeviceSession } from '../src/link/session.ts';
import { indicesToValues } from '../src/model/pack.ts';
import { renderAssignment } from '../src/model/render.ts';
import { compileSearchTables } from '../src/model/search-tables.ts';
import { Sampler } from '../src/sampler/index.ts';
import { DeviceSearch } from '../src/solve/device-search.ts';
import { DeviceValidator } from '../src/solve/device-validator.ts';
import { MemorySink } from '../src/solve/memory-sink.ts';
import { chooseMode, deviceFitProblem } from '../src/solve/mode.ts';
import { ProgramRejectedError, type PriorSource } from '../src/solve/ports.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { prepareProblem, type PreparedProblem } from '../src/solve/prepare.ts';
import { resolveSearchOptions } from '../src/solve/search-options.ts';
import { runSearchLoop, type SearchLoopSettings } from '../src/solve/search-loop.ts';
import { emptyStats } from '../src/solve/types.ts';
import { startFakeDevice, type FakeDevice } from './helpers/fake-device.ts';
import { fakeSearch, type FakeSearchOptions } from './helpers/fake-search.ts';
import { checkCnf, checkQueens, plantedCnf, queensProblem } from './helpers/problems.ts';

const OPTIONS = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };
const BIG = { maxVars: 4096, maxWords: 65536, maxConstraints: 65536 };

let devices: FakeDevice[] = [];
let sessions: DeviceSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(devices.map((d) => d.stop()));
  devices = [];
  sessions = [];
});

const json = (doc: unknown) => prepareProblem({ format: 'json', source: JSON.stringify(doc), options: OPTIONS });
/** Compiled without root propagation: pigeon problems it would prove unsatisfiable still reach the device loop. */
const unpropagated = (doc: unknown): PreparedProblem => {
  const model = parseProblem(JSON.stringify(doc), { format: 'json' });
  return { model, program: compile(model) };
};
const render = (p: PreparedProblem, indices: number[]) => renderAssignment(p.model, indicesToValues(p.model, indices));

async function rig(problem: PreparedProblem, engineOptions: Partial<FakeSearchOptions> = {}) {
  const engine = fakeSearch({ program: problem.program, ...engineOptions });
  const dev = await startFakeDevice({ search: engine.capacities, engine: engine.engine, hello: BIG });
  devices.push(dev);
  const session = await DeviceSession.open(dev.url, { timeoutMs: 1000, heartbeatMs: 0, reconnectDelayMs: 20, reconnectMaxDelayMs: 100, reconnectForMs: 3000 });
  sessions.push(session);
  const device = new DeviceSearch(session, new DeviceValidator(session));
  return { engine, dev, session, device };
}

function settings(over: Partial<SearchLoopSettings> = {}): SearchLoopSettings {
  const now = Date.now();
  return {
    // The device loop alone: the tree search beside it is tested in test/solve-unsat.test.ts.
    solutions: 1, alreadyFound: 0, deadline: now + 20_000, startedAt: now, seed: 1, baseStats: emptyStats(), tree: false,
    search: { statusIntervalMs: 50, flipsPerRestart: 2000 }, ...over,
  };
}

async function samplerPrior(problem: PreparedProblem): Promise<PriorSource & { calls: number }> {
  const sampler = await Sampler.create(problem.model, problem.program, { seed: 1 });
  const source = {
    calls: 0,
    softDomains: () => { source.calls++; return sampler.probabilities(); },
    solutionsFound: (s: number[][]) => sampler.feedback(s, s.map(() => ({ ok: true, violated: [], count: 0 }))),
  };
  return source;
}

describe('search loop', () => {
  it('solves a random CNF in search mode: distinct solutions, each re-checked, prior updated after each', async () => {
    const planted = plantedCnf(80, 320, 4);
    const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
    const tables = compileSearchTables(problem.model);
    const { device, engine } = await rig(problem);
    const prior = await samplerPrior(problem);
    const sink = new MemorySink();
    const result = await runSearchLoop({ ...problem, tables }, { device, sink, prior }, settings({ solutions: 5 }));
    expect(result.stop).toBe('solutions');
    expect(result.found).toBe(5);
    expect(sink.solutions.every((s) => checkCnf(planted.clauses, render(problem, s.indices)))).toBe(true);
    expect(new Set(sink.solutions.map((s) => s.indices.join(''))).size).toBe(5);
    expect(result.stats).toMatchObject({ mode: 'search', deviceFaults: 0, candidates: 0 });
    expect(result.stats.flips).toBeGreaterThan(0);
    expect(result.stats.proven).toBeGreaterThanOrEqual(5);
    expect(result.stats.linkBytes).toBeGreaterThan(0);
    expect(engine.priors).toBeGreaterThanOrEqual(5); // the first prior and one after each new solution but the last
    expect(prior.calls).toBeGreaterThanOrEqual(5);
    expect(sink.solutions.every((s) => s.device === 'fake-device')).toBe(true);
  });

  it('solves a CSP (8 queens) with a uniform prior', async () => {
    const problem = json(queensProblem(8));
    const tables = compileSearchTables(problem.model);
    const { device } = await rig(problem);
    const sink = new MemorySink();
    const result = await runSearchLoop({ ...problem, tables }, { device, sink }, settings({ solutions: 3 }));
    expect(result.found).toBe(3);
    expect(sink.solutions.every((s) => checkQueens(8, render(problem, s.indices)))).toBe(true);
  });

  it('counts a false proof as a device fault and never stores it', async () => {
    const planted = plantedCnf(40, 170, 6);
    const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
    const { device, engine } = await rig(problem, { lieEvery: 2 });
    const sink = new MemorySink();
    const logged: string[] = [];
    const result = await runSearchLoop({ ...problem, tables: compileSearchTables(problem.model) }, { device, sink },
      settings({ solutions: 4, log: (m) => logged.push(m) }));
    expect(result.found).toBe(4);
    expect(engine.lies).toBeGreaterThan(0);
    expect(result.stats.deviceFaults).toBeGreaterThan(0);
    expect(result.stats.deviceFaults).toBeLessThanOrEqual(engine.lies); // lies sent after the stop are never read
    expect(logged.some((m) => /device fault/.test(m))).toBe(true);
    expect(sink.solutions.every((s) => checkCnf(planted.clauses, render(problem, s.indices)))).toBe(true);
  });

  it('drops a solution whose part was lost without counting it as found or faulty', async () => {
    // 40 boolean variables pack into one part: every second solution is lost whole (a gap in the indices).
    const planted = plantedCnf(40, 170, 7);
    const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
    const { device } = await rig(problem, { losePartEvery: 2 });
    const result = await runSearchLoop({ ...problem, tables: compileSearchTables(problem.model) }, { device, sink: new MemorySink() }, settings({ solutions: 3 }));
    expect(result.found).toBe(3);
    expect(result.stats.deviceFaults).toBe(0);
    expect(device.droppedSolutions()).toBeGreaterThan(0);
  });

  it('reconnects after the device is lost mid-job, loads everything again and restarts with a new seed', async () => {
    const planted = plantedCnf(60, 255, 8);
    const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
    const { device, dev, engine } = await rig(problem);
    const sink = new MemorySink();
    let cut = false;
    const result = await runSearchLoop({ ...problem, tables: compileSearchTables(problem.model) }, { device, sink }, settings({
      solutions: 4,
      onProgress: async (_stats, found) => {
        if (found >= 1 && !cut) { cut = true; dev.dropConnections(); }
      },
      progressIntervalMs: 0,
    }));
    expect(cut).toBe(true);
    expect(result.found).toBe(4);
    expect(result.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(engine.starts).toBeGreaterThanOrEqual(2);
    const seeds = dev.received.filter((m) => m.kind === 'searchStart').map((m) => (m as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(dev.received.filter((m) => m.kind === 'searchBegin').length).toBeGreaterThanOrEqual(2);
    expect(sink.solutions.every((s) => checkCnf(planted.clauses, render(problem, s.indices)))).toBe(true);
  });

  it('stops within the bound on cancel, flattens a stalled prior, and stops the device', async () => {
    // Five pigeons, four holes: the search never succeeds, so it stalls.
    const problem = unpropagated({ variables: [{ name: 'p', domain: { min: 0, max: 3 }, size: 5 }], constraints: [{ type: 'allDifferent', vars: 'p' }] });
    const { device, dev, engine } = await rig(problem);
    const abort = new AbortController();
    const logged: string[] = [];
    setTimeout(() => abort.abort(), 600);
    const t0 = Date.now();
    const result = await runSearchLoop({ ...problem, tables: compileSearchTables(problem.model) }, { device, sink: new MemorySink() },
      settings({ signal: abort.signal, search: { statusIntervalMs: 20, stallPolls: 2 }, log: (m) => logged.push(m) }));
    expect(result.stop).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(600 + 500);
    expect(result.found).toBe(0);
    expect(engine.priors).toBeGreaterThan(1);
    expect(logged.some((m) => /stalled/.test(m))).toBe(true);
    expect(dev.received.at(-1)?.kind).toBe('searchStop');
    expect(result.stats.flips).toBeGreaterThan(0);
  });

  it('stops at the deadline', async () => {
    const problem = unpropagated({ variables: [{ name: 'p', domain: { min: 0, max: 2 }, size: 4 }], constraints: [{ type: 'allDifferent', vars: 'p' }] });
    const { device } = await rig(problem);
    const result = await runSearchLoop({ ...problem, tables: compileSearchTables(problem.model) }, { device, sink: new MemorySink() },
      settings({ deadline: Date.now() + 300 }));
    expect(result.stop).toBe('timeLimit');
  });
});

describe('mode choice', () => {
  const queens = () => json(queensProblem(6));
  const limits = { chains: 1, maxVars: 64, maxValues: 1024, maxClauses: 4096, maxLiterals: 16384 };

  it('auto: search where the device offers it and the tables fit, else validate', () => {
    expect(chooseMode(undefined, queens(), { deviceId: 'd', limits }).mode).toBe('search');
    expect(chooseMode('auto', queens(), undefined)).toMatchObject({ mode: 'validate', reason: /no search engine/ });
    expect(chooseMode('auto', queens(), { deviceId: 'd', limits: { ...limits, maxClauses: 10 } })).toMatchObject({ mode: 'validate', reason: /LIMIT_SEARCH_CLAUSES/ });
    const linear = json({ variables: [{ name: 'x', domain: { min: 0, max: 9 }, size: 3 }], constraints: [{ type: 'linear', terms: [{ coef: 1, var: 'x[0]' }, { coef: 2, var: 'x[1]' }, { coef: 1, var: 'x[2]' }], op: '=', rhs: 12 }] });
    expect(chooseMode('auto', linear, { deviceId: 'd', limits })).toMatchObject({ mode: 'validate', reason: /no constraint/ });
  });

  it('search: refuses a device without search or tables over its capacity, naming the limit', () => {
    expect(() => chooseMode('search', queens(), undefined)).toThrow(ProgramRejectedError);
    expect(() => chooseMode('search', queens(), { deviceId: 'dev9', limits: { ...limits, maxLiterals: 5 } })).toThrow(/dev9: .*LIMIT_SEARCH_LITERALS/);
    expect(chooseMode('validate', queens(), { deviceId: 'd', limits }).mode).toBe('validate');
  });

  it('a booleans-only engine (search_lite) takes CNF and refuses other domains, naming the limit and the variable', () => {
    const cnfProblem = prepareProblem({ format: 'cnf', source: plantedCnf(40, 170, 6).text, options: OPTIONS });
    const lite = { ...limits, booleansOnly: true };
    expect(chooseMode('search', cnfProblem, { deviceId: 'up5k', limits: lite }).mode).toBe('search');
    expect(chooseMode('auto', queens(), { deviceId: 'up5k', limits: lite })).toMatchObject({ mode: 'validate', reason: /LIMIT_SEARCH_BOOLEANS/ });
    expect(() => chooseMode('search', queens(), { deviceId: 'up5k', limits: lite })).toThrow(/up5k: the search tables need 6 values of variable 0 \(the device searches variables of exactly 2 values\), the device allows 2 \(LIMIT_SEARCH_BOOLEANS\)/);
    const handshake = { deviceId: 'up5k', maxVars: 1024, maxWords: 4096, maxConstraints: 2048, maxPayload: 512, search: lite };
    expect(deviceFitProblem(cnfProblem, handshake, 'search')).toBeNull();
    expect(deviceFitProblem(queens(), handshake, 'search')).toMatch(/LIMIT_SEARCH_BOOLEANS/);
  });

  it('checks a problem against a device handshake as the registry holds it', () => {
    const p = queens();
    const handshake = { deviceId: 'd', maxVars: 1024, maxWords: 4096, maxConstraints: 2048, maxPayload: 512, search: limits };
    expect(deviceFitProblem(p, handshake, 'search')).toBeNull();
    // The full program is over 3 words; a search job's (no searched constraint in it) is empty,
    // so auto runs it in search mode; validate, or auto where the tables do not fit, needs it all.
    expect(deviceFitProblem(p, { ...handshake, maxWords: 3 }, 'auto')).toBeNull();
    expect(deviceFitProblem(p, { ...handshake, maxWords: 3 }, 'search')).toBeNull();
    expect(deviceFitProblem(p, { ...handshake, maxWords: 3 }, 'validate')).toMatch(/LIMIT_WORDS/);
    expect(deviceFitProblem(p, { ...handshake, maxWords: 3, search: { ...limits, maxLiterals: 5 } }, 'auto')).toMatch(/LIMIT_WORDS/);
    expect(deviceFitProblem(p, { ...handshake, search: { ...limits, maxLiterals: 5 } }, 'search')).toMatch(/LIMIT_SEARCH_LITERALS/);
    expect(deviceFitProblem(p, { ...handshake, search: undefined }, 'search')).toMatch(/no search engine/);
    expect(deviceFitProblem(p, { ...handshake, search: undefined }, 'auto')).toBeNull();
    expect(deviceFitProblem(p, { deviceId: 'stand-in' }, 'search')).toBeNull();
  });

  it('resolves search options with defaults and names a bad one', () => {
    expect(resolveSearchOptions()).toMatchObject({ flipsPerRestart: 1_000_000, noise256: 115, statusIntervalMs: 250, priorUpdate: 'feedback' });
    expect(() => resolveSearchOptions({ noise256: 300 })).toThrow(new RangeError('noise256 must be an integer 0..255, got 300'));
    expect(() => resolveSearchOptions({ flipsPerRestart: -1 })).toThrow(/flipsPerRestart/);
    expect(() => resolveSearchOptions({ diversity: 2 })).toThrow(/diversity/);
  });
});
