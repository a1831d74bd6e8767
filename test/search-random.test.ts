// Device search on many random problems through the real simulator on its pseudo-terminal, device
// alone (no host tree search): planted random 3-SAT, and planted random CSPs of every constraint
// type the engine moves on (clauses with `in` literals, comparisons with offsets, allDifferent,
// tables; domains 2..8 with holes). Every solution the device sends is re-checked by the loop
// (a disagreement is a device fault) and here again with the model checker: zero faults, every
// instance solved.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holds, checkModel } from '../src/check/model-checker.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { indicesToValues } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';
import type { Model } from '../src/model/types.ts';
import { DeviceSearch } from '../src/solve/device-search.ts';
import { DeviceValidator } from '../src/solve/device-validator.ts';
import { solveOnDevice } from './helpers/device-solve.ts';
import { plantedCnf } from './helpers/problems.ts';
import { randomIndices, randomModel } from './helpers/random-model.ts';

let sim: RunningSimulator;
let session: DeviceSession;
let device: DeviceSearch;
beforeAll(async () => {
  sim = await startSimulator();
  session = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
  device = new DeviceSearch(session, new DeviceValidator(session));
});
afterAll(async () => {
  await session?.close();
  await sim?.stop();
});

/** A random CSP kept to the constraints a random assignment satisfies, so it has a solution. */
function plantedCsp(rng: Prng): Model | null {
  const model = randomModel(rng, {
    variables: 3 + rng.int(8), constraints: 3 + rng.int(10), maxDomainSize: 8,
    types: ['clause', 'compare', 'allDifferent', 'table'],
  });
  const planted = indicesToValues(model, randomIndices(rng, model, 0));
  model.constraints = model.constraints.filter((c) => holds(c, planted));
  return model.constraints.length > 0 ? model : null;
}

describe('device search on random problems, through the pseudo-terminal', () => {
  it('solves 400 planted random 3-SAT instances (10..60 variables at 4.2 clauses each), zero device faults', async () => {
    let flips = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const vars = 10 + (seed % 51);
      const cnf = plantedCnf(vars, Math.round(vars * 4.2), seed);
      const model = parseProblem(cnf.text, { format: 'cnf' });
      const { result, sink } = await solveOnDevice(device, model, seed);
      expect(result.stop, `instance ${seed}`).toBe('solutions');
      expect(result.stats.deviceFaults).toBe(0);
      expect(checkModel(model, sink.solutions[0]!.indices).ok, `instance ${seed}`).toBe(true);
      flips += result.stats.flips;
    }
    expect(flips).toBeGreaterThan(0);
  }, 600_000);

  it('solves 1,000 planted random CSPs of every searched constraint type, zero device faults', async () => {
    const rng = new Prng(2026);
    let solved = 0;
    const types = new Set<string>();
    while (solved < 1000) {
      const model = plantedCsp(rng);
      if (!model) continue;
      const { result, sink } = await solveOnDevice(device, model, solved + 1);
      expect(result.stop, `CSP ${solved}: ${JSON.stringify(model.constraints)}`).toBe('solutions');
      expect(result.stats.deviceFaults).toBe(0);
      expect(checkModel(model, sink.solutions[0]!.indices).ok).toBe(true);
      for (const c of model.constraints) types.add(c.type);
      solved++;
    }
    expect([...types].sort()).toEqual(['allDifferent', 'clause', 'compare', 'table']);
  }, 600_000);
});
