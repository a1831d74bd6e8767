// Host-side repair of proposals (src/sampler/repair.ts): it never yields a masked value, it is
// deterministic for a seed, it keeps to its step budget, and it makes the sampler find a valid
// candidate within a few hundred candidates where the one-move-per-batch search needed thousands
// (8-queens: about 800; a 3-colourable 50-vertex graph: about 10,000).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { parseProblem } from '../src/model/parse.ts';
import { modelFromJson } from '../src/model/parse-json.ts';
import { Prng } from '../src/model/prng.ts';
import type { Model } from '../src/model/types.ts';
import { indexFactors } from '../src/sampler/factor-eval.ts';
import { buildFactorGraph } from '../src/sampler/factor-graph.ts';
import { Sampler } from '../src/sampler/index.ts';
import { Repairer } from '../src/sampler/repair.ts';
import { randomModel } from './helpers/random-model.ts';
import { plantedCnf, plantedCol, queensProblem } from './helpers/problems.ts';

/** Candidates drawn (batches of `batch`, model checker as validator) until the first valid one; -1 past `limit`. */
async function toFirstValid(model: Model, seed: number, limit: number, batch = 64): Promise<number> {
  const s = await Sampler.create(model, compile(model), { seed });
  for (let drawn = 0; drawn < limit;) {
    const candidates = await s.nextBatch(Math.min(batch, limit - drawn));
    if (candidates.length === 0) return -1;
    const verdicts = candidates.map((c) => checkModel(model, c));
    const i = verdicts.findIndex((v) => v.ok);
    if (i >= 0) return drawn + i + 1;
    await s.feedback(candidates, verdicts);
    drawn += candidates.length;
  }
  return -1;
}

async function rounds(s: Sampler, model: Model, count: number, n: number): Promise<number[][]> {
  const all: number[][] = [];
  for (let r = 0; r < count; r++) {
    const batch = await s.nextBatch(n);
    await s.feedback(batch, batch.map((c) => checkModel(model, c)));
    all.push(...batch);
  }
  return all;
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('sampler repair', { timeout: 120_000 }, () => {
  const queens = modelFromJson(queensProblem(8));

  it('never yields a masked value, whatever the model, seed, temperature and step budget', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }),
      fc.double({ min: 0.05, max: 20, noNaN: true }), fc.integer({ min: 1, max: 64 }),
      async (modelSeed, seed, temperature, repairSteps) => {
        const model = randomModel(new Prng(modelSeed), { variables: 2 + (modelSeed % 5), maxDomainSize: 12, constraints: 1 + (seed % 5) });
        let s: Sampler;
        try {
          s = await Sampler.create(model, compile(model), { seed, temperature, repairSteps });
        } catch (err) {
          expect(err).toBeInstanceOf(UnsatisfiableError);
          return;
        }
        const seen = new Set<string>();
        for (const c of await rounds(s, model, 3, 12)) {
          c.forEach((a, x) => {
            expect(Number.isInteger(a)).toBe(true);
            expect(model.variables[x].allowed[a], `variable ${x} index ${a}`).toBe(true);
          });
          expect(seen.has(c.join(','))).toBe(false);
          seen.add(c.join(','));
        }
      }), { numRuns: 80 });
  });

  it('the repairer alone keeps to the mask and to its step budget', () => {
    const rng = new Prng(5);
    for (let trial = 0; trial < 200; trial++) {
      const model = randomModel(rng, { variables: 3 + rng.int(5), maxDomainSize: 10, constraints: 2 + rng.int(4) });
      let g;
      try { g = buildFactorGraph(model); } catch (err) { expect(err).toBeInstanceOf(UnsatisfiableError); continue; }
      const D = g.numValues;
      const r = new Repairer(g, indexFactors(g));
      const w = { pair: new Float64Array(g.pairSrc.length).fill(1), clause: new Float64Array(g.clauseCon.length).fill(1), linear: new Float64Array(g.linearCon.length).fill(1) };
      const race = Float64Array.from(g.mask); // uniform soft domains over the mask
      const start = Array.from({ length: g.numVars }, (_, x) => {
        const allowed = [...Array(D).keys()].filter((a) => g.mask[x * D + a] === 1);
        return allowed[rng.int(allowed.length)];
      });
      const steps = rng.int(40);
      const before = r.stats.repairSteps;
      const out = r.repair(start, steps, w, race, rng, () => true);
      expect(r.stats.repairSteps - before).toBeLessThanOrEqual(steps);
      out.forEach((a, x) => expect(g.mask[x * D + a], `variable ${x} index ${a}`).toBe(1));
    }
  });

  it('keeps to its step budget per batch, and 0 steps turns repair off', async () => {
    for (const repairSteps of [1, 7, 50]) {
      const s = await Sampler.create(queens, compile(queens), { seed: 4, repairSteps });
      await rounds(s, queens, 3, 32);
      const st = s.stats();
      expect(st.repairSteps).toBeGreaterThan(0);
      // one walk per draw: each returned candidate, and each duplicate redrawn
      expect(st.repairSteps).toBeLessThanOrEqual((st.proposed + st.duplicateDraws) * repairSteps);
    }
    const off = await Sampler.create(queens, compile(queens), { seed: 4, repairSteps: 0 });
    await rounds(off, queens, 2, 32);
    expect(off.stats().repairSteps).toBe(0);
    await expect(Sampler.create(queens, compile(queens), { repairSteps: -1 })).rejects.toThrow(/repairSteps must be an integer >= 0/);
    await expect(Sampler.create(queens, compile(queens), { repairSteps: 2.5 })).rejects.toThrow(/repairSteps must be an integer >= 0/);
  });

  it('is deterministic for a seed, with repair on', async () => {
    const cnf = parseProblem(plantedCnf(60, 255, 21).text, { format: 'cnf' });
    for (const model of [queens, cnf]) {
      const program = compile(model);
      const a = await rounds(await Sampler.create(model, program, { seed: 9, repairSteps: 20 }), model, 3, 32);
      const b = await rounds(await Sampler.create(model, program, { seed: 9, repairSteps: 20 }), model, 3, 32);
      const c = await rounds(await Sampler.create(model, program, { seed: 10, repairSteps: 20 }), model, 3, 32);
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });

  it('8-queens: a valid candidate within 300 candidates for each of three seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const n = await toFirstValid(queens, seed, 300);
      expect(n, `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it('planted 3-SAT (100 variables, 430 clauses): a valid candidate within 300 candidates for each of three seeds', async () => {
    const model = parseProblem(plantedCnf(100, 430, 17).text, { format: 'cnf' });
    for (const seed of [1, 2, 3]) {
      const n = await toFirstValid(model, seed, 300);
      expect(n, `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it('a 3-colourable graph (50 vertices, 115 edges): a valid colouring within 300 candidates for each of three seeds', async () => {
    const model = parseProblem(plantedCol(50, 115, 4).text, { format: 'col', colors: 3 });
    for (const seed of [1, 2, 3]) {
      const n = await toFirstValid(model, seed, 300);
      expect(n, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});
