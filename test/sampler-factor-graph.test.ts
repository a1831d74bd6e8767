// The factor graph the model sees, held to the model checker: on random models (every
// constraint type) and random candidates within the sampler's mask, a constraint's factors are
// violated exactly when the checker says the constraint is, wherever the presentation is exact,
// and never claim a violation the checker does not see where it is a relaxation.

import { describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import type { Constraint } from '../src/model/types.ts';
import { clauseViolated, indexFactors, linearViolated, pairViolated } from '../src/sampler/factor-eval.ts';
import { buildFactorGraph, constraintVariables, type FactorGraph } from '../src/sampler/factor-graph.ts';
import { randomModel } from './helpers/random-model.ts';

/** Constraints the factor graph presents exactly (the rest are relaxed or left out). */
function exact(c: Constraint): boolean {
  if (c.type === 'table') return c.mode === 'forbidden';
  if (c.type === 'linear') return c.op !== '!=';
  return true;
}

function candidateInMask(g: FactorGraph, rng: Prng): number[] {
  return Array.from({ length: g.numVars }, (_, x) => {
    const allowed = Array.from({ length: g.numValues }, (_, a) => a).filter((a) => g.mask[x * g.numValues + a] === 1);
    return allowed[rng.int(allowed.length)];
  });
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('factor graph', { timeout: 60_000 }, () => {
  it('shows exactly the violations the model checker finds, on random models and candidates', () => {
    const rng = new Prng(77);
    let checkedExact = 0;
    let violatedExact = 0;
    for (let round = 0; round < 400; round++) {
      const model = randomModel(rng, { maxDomainSize: 12 });
      let g: FactorGraph;
      try {
        g = buildFactorGraph(model);
      } catch (err) {
        expect(err).toBeInstanceOf(UnsatisfiableError);
        continue;
      }
      const idx = indexFactors(g);
      for (let k = 0; k < 10; k++) {
        const c = candidateInMask(g, rng);
        const violated = new Set(checkModel(model, c).violated);
        model.constraints.forEach((con, j) => {
          const shown = idx.pairs[j].some((e) => pairViolated(g, e, c)) ||
            idx.clauses[j].some((q) => clauseViolated(g, idx, q, c)) ||
            idx.linears[j].some((q) => linearViolated(g, idx, q, c));
          const where = `round ${round}, constraint ${j} ${JSON.stringify(con)}, candidate ${c}`;
          if (constraintVariables(con).length === 1) {
            expect(violated.has(j), `unary ${where}`).toBe(false); // folded into the mask
          } else if (exact(con)) {
            checkedExact++;
            if (violated.has(j)) violatedExact++;
            expect(shown, where).toBe(violated.has(j));
          } else if (shown) {
            expect(violated.has(j), where).toBe(true);
          }
        });
        // Domain checks never fail inside the mask.
        expect([...violated].filter((j) => j >= model.constraints.length)).toEqual([]);
      }
    }
    // The property was exercised on both sides.
    expect(checkedExact).toBeGreaterThan(1000);
    expect(violatedExact).toBeGreaterThan(100);
    expect(checkedExact - violatedExact).toBeGreaterThan(100);
  });
});
