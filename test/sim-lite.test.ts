// The search-only board build in the simulator (`make -C hdl/sim LITE=1`, `hilsolve sim --lite`):
// search_lite (one chain, booleans only), no validator, the board's search capacities. Its
// handshake says so (HelloReply.search[5] = 1, engines 0), it refuses the program and candidate
// messages and tables with other domains, and it solves CNF through the pseudo-terminal on its
// own: every solution proven from its tables on chip, with its digest, and re-checked by the host.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { ErrorCode } from '../src/link/codec.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { parseProblem } from '../src/model/parse.ts';
import { SEARCH_TABLE_ERROR } from '../src/model/search-wire.ts';
import { DeviceSearch } from '../src/solve/device-search.ts';
import { DeviceValidator } from '../src/solve/device-validator.ts';
import { solveOnDevice } from './helpers/device-solve.ts';
import { plantedCnf } from './helpers/problems.ts';
import { RawDevice } from './helpers/raw-device.ts';
import { FIXTURES, REPO_ROOT } from './helpers/run-cli.ts';

/** The board's search capacities, as hdl/sim/Makefile gives the LITE build. */
const CAPACITIES = [1, 512, 1024, 2048, 8192, 1];

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ build: 'lite' });
}, 900_000);
afterAll(async () => {
  await sim?.stop();
});

describe('the search-only board build (search_lite, no validator) in the simulator', () => {
  it('says so in its handshake and refuses the validator messages and non-boolean tables', async () => {
    const dev = await RawDevice.open(sim.path);
    try {
      const hello = await dev.request({ kind: 'hello', seq: 1, protocolVersion: 3 });
      expect(hello).toMatchObject({ kind: 'hello', search: CAPACITIES, engines: 0, maxVars: 0, maxWords: 0, maxConstraints: 0 });
      expect(await dev.request({ kind: 'programBegin', seq: 2, programId: 1, numVars: 1, numWords: 0, numConstraints: 0 }))
        .toEqual({ kind: 'error', seq: 2, code: ErrorCode.UNKNOWN_MESSAGE, arg: 0 });
      expect(await dev.request({ kind: 'candidate', seq: 3, programId: 1, values: Uint8Array.from([1]) }))
        .toEqual({ kind: 'error', seq: 3, code: ErrorCode.UNKNOWN_MESSAGE, arg: 0 });
      // A 3-value variable: the loader refuses it (arg 10) and drops the tables.
      expect(await dev.request({ kind: 'searchBegin', seq: 4, numVars: 2, numValues: 5, numClauses: 1, numLiterals: 2 }))
        .toMatchObject({ kind: 'ack', seq: 4 });
      expect(await dev.request({ kind: 'searchChunk', seq: 5, section: 0, offset: 0, data: Uint8Array.from([1, 2]) }))
        .toEqual({ kind: 'error', seq: 5, code: ErrorCode.SEARCH_TABLE, arg: SEARCH_TABLE_ERROR.booleans });
      expect(await dev.request({ kind: 'searchStart', seq: 6, programId: 1, seed: 1, flipBudget: 0, noise: 30, maxSolutions: 1 }))
        .toMatchObject({ kind: 'error', seq: 6, code: ErrorCode.SEARCH_STATE, arg: 1 });
    } finally {
      await dev.close();
    }
  });

  it('solves 150 planted random 3-SAT instances on its own, every solution proven on chip and re-checked: zero device faults', async () => {
    const session = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
    try {
      const device = new DeviceSearch(session, new DeviceValidator(session));
      expect(device.limits).toMatchObject({ booleansOnly: true, maxVars: 512 });
      let flips = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const vars = 10 + (seed % 71);
        const cnf = plantedCnf(vars, Math.round(vars * 4.2), seed);
        // Every fifth instance has two unit clauses on variables of their own (negative and
        // positive): propagation leaves those booleans one value each, which only the tables'
        // unit clauses (heldDomains) prove on a device without a validator.
        const text = seed % 5 !== 0 ? cnf.text
          : `p cnf ${vars + 2} ${cnf.clauses.length + 2}\n-${vars + 1} 0\n${vars + 2} 0\n${cnf.clauses.map((c) => `${c.join(' ')} 0`).join('\n')}\n`;
        const model = parseProblem(text, { format: 'cnf' });
        const { result, sink } = await solveOnDevice(device, model, seed);
        expect(result.stop, `instance ${seed}`).toBe('solutions');
        expect(result.stats.deviceFaults).toBe(0);
        expect(checkModel(model, sink.solutions[0]!.indices).ok, `instance ${seed}`).toBe(true);
        flips += result.stats.flips;
      }
      expect(flips).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  }, 600_000);

  const solve = (file: string, ...args: string[]) => spawnSync(process.execPath,
    [`${REPO_ROOT}bin/hilsolve.js`, 'solve', file, ...args],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HILSOLVE_DEVICE: sim.path } });

  it('solves CNF files from the command line and says why it cannot take other jobs', () => {
    for (const name of ['uf50-218.cnf', 'uf250-1065.cnf']) {
      const run = solve(`${FIXTURES}${name}`, '--output', 'dimacs', '--seed', '2');
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/^s SATISFIABLE$/m);
      expect(run.stderr + run.stdout).toMatch(/0 device faults/);
      const truth = new Set((run.stdout.match(/^v .*$/gm) ?? []).join(' ').split(/\s+/).filter((t) => /^-?[0-9]+$/.test(t)).map(Number));
      const clauses = readFileSync(`${FIXTURES}${name}`, 'utf8').split('\n').filter((l) => /^\s*-?[1-9]/.test(l))
        .map((l) => l.trim().split(/\s+/).map(Number).filter((v) => v !== 0)).filter((c) => c.length > 0);
      for (const c of clauses) expect(c.some((lit) => truth.has(lit)), c.join(' ')).toBe(true);
    }
    const validate = solve(`${FIXTURES}uf20-91.cnf`, '--mode', 'validate');
    expect(validate.status).not.toBe(0);
    expect(validate.stderr + validate.stdout).toContain('has no validator');
    const queens = solve(`${FIXTURES}8-queens.json`, '--mode', 'search');
    expect(queens.status).not.toBe(0);
    expect(queens.stderr + queens.stdout).toContain('LIMIT_SEARCH_BOOLEANS');
  });
});
