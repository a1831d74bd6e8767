// The sampler on real onnxruntime inference with the default model: seeded determinism, masked
// values never drawn, no repeated candidates in a job, feedback that moves probability away from
// clashing values, and a local search that actually solves 8-queens.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { modelFromJson } from '../src/model/parse-json.ts';
import type { Model } from '../src/model/types.ts';
import { Sampler } from '../src/sampler/index.ts';
import { constraintVariables } from '../src/sampler/factor-graph.ts';
import { randomModel } from './helpers/random-model.ts';
import { queensProblem } from './helpers/problems.ts';

function intVar(name: string, size: number, allowed = Array<boolean>(size).fill(true)) {
  return { name, min: 0, size, allowed, kind: 'int' as const };
}

/** Rounds of nextBatch + feedback with the model checker as the validator. */
async function run(s: Sampler, model: Model, rounds: number, n: number): Promise<number[][]> {
  const all: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    const batch = await s.nextBatch(n);
    await s.feedback(batch, batch.map((c) => checkModel(model, c)));
    all.push(...batch);
  }
  return all;
}

/** Every full assignment of a small model, by brute force: does any satisfy it? */
function satisfiable(model: Model): boolean {
  const vars = model.variables;
  const idx = vars.map(() => 0);
  for (;;) {
    if (vars.every((v, i) => v.allowed[idx[i]]) && checkModel(model, idx).ok) return true;
    let i = 0;
    while (i < vars.length && ++idx[i] === vars[i].size) idx[i++] = 0;
    if (i === vars.length) return false;
  }
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('sampler', { timeout: 60_000 }, () => {
  const queens = modelFromJson(queensProblem(8));

  it('gives the same candidates for the same seed, and others for another seed', async () => {
    const program = compile(queens);
    const a = await run(await Sampler.create(queens, program, { seed: 7 }), queens, 4, 64);
    const b = await run(await Sampler.create(queens, program, { seed: 7 }), queens, 4, 64);
    const c = await run(await Sampler.create(queens, program, { seed: 8 }), queens, 4, 64);
    expect(a.length).toBe(256);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('never proposes a candidate twice in a job, and stops when the space is exhausted', async () => {
    const model: Model = { format: 'json', variables: [intVar('a', 2), intVar('b', 3), intVar('c', 2)], constraints: [], meta: {} };
    const s = await Sampler.create(model, compile(model), { seed: 3 });
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      for (const c of await s.nextBatch(5)) {
        expect(seen.has(c.join(','))).toBe(false);
        seen.add(c.join(','));
      }
    }
    expect(seen.size).toBe(12);
    expect(await s.nextBatch(5)).toEqual([]);
    expect(s.stats().proposed).toBe(12);
  });

  it('never draws a masked value: domain holes and values unary constraints rule out', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.05, max: 20, noNaN: true }),
      async (modelSeed, seed, temperature) => {
        const model = randomModel(new Prng(modelSeed), { variables: 1 + (modelSeed % 3), maxDomainSize: 6, constraints: 3 });
        let s: Sampler;
        try {
          s = await Sampler.create(model, compile(model), { seed, temperature });
        } catch (err) {
          expect(err).toBeInstanceOf(UnsatisfiableError);
          expect(satisfiable(model)).toBe(false);
          return;
        }
        const unary = new Set(model.constraints.flatMap((c, j) => (constraintVariables(c).length === 1 ? [j] : [])));
        for (const c of await run(s, model, 2, 16)) {
          c.forEach((a, x) => {
            expect(a).toBeLessThan(model.variables[x].size);
            expect(model.variables[x].allowed[a]).toBe(true);
          });
          const verdict = checkModel(model, c);
          expect(verdict.violated.filter((j) => unary.has(j) || j >= model.constraints.length)).toEqual([]);
        }
      }), { numRuns: 60 });
  });

  it('feedback moves probability away from the values in a violated constraint', async () => {
    // x != y, y != z; z stays clear of the clash.
    const model: Model = {
      format: 'json', variables: [intVar('x', 3), intVar('y', 3), intVar('z', 3)],
      constraints: [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }, { type: 'compare', x: 1, op: '>', y: 2, c: -5 }],
      meta: {},
    };
    const s = await Sampler.create(model, compile(model), { seed: 1 });
    const before = await s.probabilities();
    const clash = [1, 1, 2];
    const verdict = checkModel(model, clash);
    expect(verdict.violated).toEqual([0]);
    await s.feedback([clash], [verdict]);
    const after = await s.probabilities();
    const p = (probs: Float64Array, x: number, a: number) => probs[x * 3 + a];
    expect(p(after, 0, 1)).toBeLessThan(p(before, 0, 1));
    expect(p(after, 1, 1)).toBeLessThan(p(before, 1, 1));
    expect(p(after, 2, 2)).toBeGreaterThan(p(before, 2, 2)); // not in the clash: focused on its value
  });

  it('restarts from scratch, weights reset, after 150 rounds without fewer violations', async () => {
    const model: Model = {
      format: 'json', variables: [intVar('x', 3), intVar('y', 3)],
      constraints: [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }],
      meta: {},
    };
    const s = await Sampler.create(model, compile(model), { seed: 1 });
    const fresh = await s.probabilities();
    const clash = [2, 2];
    for (let round = 0; round < 150; round++) {
      await s.feedback([clash], [checkModel(model, clash)]);
      expect(s.stats().restarts).toBe(0);
      if (round === 0) expect(await s.probabilities()).not.toEqual(fresh);
    }
    await s.feedback([clash], [checkModel(model, clash)]);
    expect(s.stats().restarts).toBe(1);
    expect(await s.probabilities()).toEqual(fresh);
  });

  it('feedback steers the search: solves 8-queens within 3,000 candidates for each of three seeds', async () => {
    const program = compile(queens);
    for (const seed of [1, 2, 3]) {
      const s = await Sampler.create(queens, program, { seed });
      let found = false;
      for (let drawn = 0; drawn < 3000 && !found;) {
        const batch = await s.nextBatch(128);
        const verdicts = batch.map((c) => checkModel(queens, c));
        found = verdicts.some((v) => v.ok);
        await s.feedback(batch, verdicts);
        drawn += batch.length;
      }
      expect(found, `seed ${seed}`).toBe(true);
    }
  });

  it('reports an emptied domain as unsatisfiable, and refuses bad options', async () => {
    const model: Model = {
      format: 'json', variables: [intVar('x', 3), intVar('y', 2)],
      constraints: [{ type: 'linear', terms: [{ coef: 2, var: 0 }], op: '>', rhs: 4 }],
      meta: {},
    };
    // compile() proves this unsatisfiable on its own; the sampler must too, whatever program it gets.
    expect(() => compile(model)).toThrow(/unsatisfiable/);
    await expect(Sampler.create(model, compile({ ...model, constraints: [] }))).rejects.toThrow(/unsatisfiable: variable x has no value left after constraint 0/);
    const ok: Model = { ...model, constraints: [] };
    await expect(Sampler.create(ok, compile(ok), { temperature: 0 })).rejects.toThrow(/temperature must be a finite number > 0/);
    await expect(Sampler.create(ok, compile(ok), { seed: -1 })).rejects.toThrow(/seed must be an integer/);
    await expect(Sampler.create(ok, compile(ok), { threads: 1.5 })).rejects.toThrow(/threads must be an integer/);
    const s = await Sampler.create(ok, compile(ok));
    await expect(s.feedback([[0]], [{ ok: true, violated: [], count: 0 }])).rejects.toThrow(/candidate 0 has 1 values, expected 2/);
  });
});
