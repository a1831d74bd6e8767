// Optimisation, host side: the objective in the JSON and FlatZinc formats, the bound constraint
// (it holds exactly on the assignments strictly better than the bound, checked over every
// assignment of small domains), and the anytime loop of src/solve/optimise.ts driven by the real
// tree search (src/propagate/) on the real bounded models: improving solutions in order, OPTIMAL
// only when the tree is exhausted under the bound. The device side runs in test/api-mzn.test.ts
// and test/fzn.test.ts.

import { describe, expect, it } from 'vitest';
import { holds } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { InputError } from '../src/model/errors.ts';
import { better, boundConstraint, objectiveValue } from '../src/model/objective.ts';
import { parseProblem } from '../src/model/parse.ts';
import { parseJsonProblem, writeJsonProblem } from '../src/model/parse-json.ts';
import type { Model } from '../src/model/types.ts';
import { TreeSearch } from '../src/propagate/index.ts';
import { runOptimise, type RunOnce } from '../src/solve/optimise.ts';
import { propagateRoot } from '../src/solve/prepare.ts';
import { runOutcome } from '../src/solve/run-solve.ts';
import { emptyStats } from '../src/solve/types.ts';

/** Ten items: weights and values for a 0/1 knapsack of capacity 25. */
const W = [5, 7, 3, 9, 4, 6, 8, 2, 5, 7];
const V = [9, 11, 5, 14, 6, 10, 12, 3, 8, 10];
const knapsack = (sense = 'maximize') => JSON.stringify({
  name: 'knapsack',
  variables: [{ name: 'take', size: W.length, domain: 'bool' }],
  constraints: [{ type: 'linear', terms: W.map((coef, i) => ({ coef, var: `take[${i}]` })), op: '<=', rhs: 25 }],
  objective: { sense, terms: V.map((coef, i) => ({ coef: sense === 'maximize' ? coef : -coef, var: `take[${i}]` })), constant: 1 },
});

function bruteBest(): number {
  let best = -Infinity;
  for (let m = 0; m < 1 << W.length; m++) {
    const take = W.map((_, i) => (m >> i) & 1);
    if (take.reduce((s, t, i) => s + t * W[i]!, 0) <= 25) best = Math.max(best, take.reduce((s, t, i) => s + t * V[i]!, 1));
  }
  return best;
}

function* assignments(model: Model): Generator<number[]> {
  const values = model.variables.map((v) => v.min);
  function* walk(k: number): Generator<number[]> {
    if (k === values.length) {
      yield values;
      return;
    }
    const v = model.variables[k]!;
    for (let i = 0; i < v.size; i++) {
      if (!v.allowed[i]) continue;
      values[k] = v.min + i;
      yield* walk(k + 1);
    }
  }
  yield* walk(0);
}

describe('the objective in the formats', () => {
  it('JSON: sense, terms over variables, a constant; written back the same', () => {
    const model = parseJsonProblem(knapsack());
    expect(model.objective).toEqual({ sense: 'maximize', terms: V.map((coef, i) => ({ coef, var: i })), constant: 1 });
    expect(parseJsonProblem(writeJsonProblem(model)).objective).toEqual(model.objective);
  });

  it('JSON: every fault of the objective names its path', () => {
    const base = JSON.parse(knapsack());
    const error = (objective: unknown): string => {
      try {
        parseJsonProblem(JSON.stringify({ ...base, objective }));
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(error({ sense: 'least', terms: [{ coef: 1, var: 'take[0]' }] })).toMatch(/\$\.objective\.sense: unknown sense "least" \(expected minimize or maximize\)/);
    expect(error({ sense: 'minimize', terms: [] })).toMatch(/\$\.objective\.terms: an objective needs at least one term/);
    expect(error({ sense: 'minimize', terms: [{ coef: 1, var: 'nope' }] })).toMatch(/\$\.objective\.terms\[0\]\.var: unknown variable "nope"/);
    expect(error({ sense: 'minimize', terms: [{ coef: 40000, var: 'take[0]' }] })).toMatch(/\$\.objective\.terms\[0\]\.coef: .*40000/);
    expect(error({ sense: 'minimize', terms: [{ coef: 1, var: 'take[0]' }], weight: 2 })).toMatch(/\$\.objective.*weight/);
  });

  it('FlatZinc: solve minimize/maximize gives the objective over the variable or the constant', () => {
    const min = parseProblem('var 0..5: x;\nvar 0..5: y;\nconstraint int_lin_le([1, 1], [x, y], 7);\nsolve minimize y;\n', { format: 'fzn' });
    expect(min.objective).toEqual({ sense: 'minimize', terms: [{ coef: 1, var: 1 }], constant: 0 });
    const fixed = parseProblem('var 0..5: x;\nsolve maximize 3;\n', { format: 'fzn' });
    expect(fixed.objective).toEqual({ sense: 'maximize', terms: [], constant: 3 });
  });
});

describe('the bound constraint', () => {
  const model = parseJsonProblem(JSON.stringify({
    variables: [{ name: 'x', domain: { min: -2, max: 3 } }, { name: 'y', domain: [0, 2, 5] }, { name: 'z', domain: 'bool' }],
    constraints: [],
  }));
  const cases: Model['objective'][] = [
    { sense: 'minimize', terms: [{ coef: 2, var: 0 }, { coef: -3, var: 1 }, { coef: 1, var: 2 }], constant: 4 },
    { sense: 'maximize', terms: [{ coef: 2, var: 0 }, { coef: -3, var: 1 }], constant: -1 },
    { sense: 'minimize', terms: [{ coef: -2, var: 1 }], constant: 1 },
    { sense: 'maximize', terms: [{ coef: 1, var: 0 }], constant: 0 },
  ];
  for (const [k, objective] of cases.entries()) {
    it(`holds exactly on the assignments strictly better than the bound (case ${k})`, () => {
      for (const best of [-9, -3, 0, 1, 4, 20]) {
        const c = boundConstraint(model, objective!, best);
        let yes = 0;
        for (const values of assignments(model)) {
          const want = better(objective!, objectiveValue(objective!, values), best);
          expect(holds(c, values), `best ${best} at ${values.join(',')}`).toBe(want);
          if (want) yes++;
        }
        if (yes === 0 && c.type === 'clause') expect(c.literals).toEqual([]);
      }
    });
  }

  it('a constant objective: nothing beats it', () => {
    expect(boundConstraint(model, { sense: 'maximize', terms: [], constant: 3 }, 3)).toEqual({ type: 'clause', literals: [] });
  });
});

/** The real tree search standing in for one device run: its first solution goes to the sink. */
const treeRun: RunOnce = async (problem, _seed, sink, settings) => {
  const tree = new TreeSearch(problem.model);
  const r = tree.run({ maxNodes: 1_000_000 });
  const stats = { ...settings.baseStats, treeNodes: (settings.baseStats.treeNodes ?? 0) + r.stats.nodes };
  if (r.status === 'sat') {
    await sink.add(r.indices, 0, 'tree');
    return { stop: 'solutions', found: 1, stats, mode: 'validate', modeReason: 'test' };
  }
  if (r.status === 'unsat') return { stop: 'unsatisfiable', found: 0, stats: { ...stats, proof: 'search' }, mode: 'validate', modeReason: 'test' };
  return { stop: 'timeLimit', found: 0, stats, mode: 'validate', modeReason: 'test' };
};

const settings = () => ({ solutions: 1000, alreadyFound: 0, deadline: Date.now() + 60_000, startedAt: Date.now(), baseStats: emptyStats() });

describe('the anytime loop (src/solve/optimise.ts)', () => {
  for (const sense of ['maximize', 'minimize']) {
    it(`${sense}: strictly improving solutions, the last optimal, OPTIMAL only after the exhausted tree`, async () => {
      const model = propagateRoot(parseJsonProblem(knapsack(sense)));
      const found: number[] = [];
      const sink = { add: async (indices: number[]) => { found.push(objectiveValue(model.objective!, indices.map((i, x) => model.variables[x]!.min + i))); return true; } };
      const result = await runOptimise({ model, program: compile(model) }, 1, sink, settings(), treeRun);
      expect(found.length).toBeGreaterThan(1);
      for (let i = 1; i < found.length; i++) expect(better(model.objective!, found[i]!, found[i - 1]!), found.join(', ')).toBe(true);
      const optimum = sense === 'maximize' ? bruteBest() : -bruteBest() + 2;
      expect(found.at(-1)).toBe(optimum);
      expect(result).toMatchObject({ stop: 'optimal', found: found.length, best: optimum });
      expect(runOutcome(result)).toEqual({ outcome: 'OPTIMAL', detail: expect.stringMatching(new RegExp(`^optimal: objective ${optimum} is the best value: `)) });
    });
  }

  it('a run that stops before the proof keeps its stop reason: SATISFIED, never OPTIMAL', async () => {
    const model = propagateRoot(parseJsonProblem(knapsack()));
    let runs = 0;
    const twoRuns: RunOnce = async (p, seed, sink, s) => (++runs <= 2 ? treeRun(p, seed, sink, s) : { stop: 'timeLimit', found: 0, stats: s.baseStats, mode: 'validate', modeReason: 'test' });
    const result = await runOptimise({ model, program: compile(model) }, 1, { add: async () => true }, settings(), twoRuns);
    expect(result).toMatchObject({ stop: 'timeLimit', found: 2 });
    expect(runOutcome(result).outcome).toBe('SATISFIED');
  });

  it('a resumed run goes on from the best an earlier run stored: every solution beats it', async () => {
    const model = propagateRoot(parseJsonProblem(knapsack()));
    const optimum = bruteBest();
    const stored = optimum - 10;
    const found: number[] = [];
    const sink = { add: async (indices: number[]) => { found.push(objectiveValue(model.objective!, indices.map((i, x) => model.variables[x]!.min + i))); return true; } };
    const result = await runOptimise({ model, program: compile(model) }, 1, sink, { ...settings(), alreadyFound: 3, bestSoFar: stored }, treeRun);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v > stored), found.join(', ')).toBe(true);
    expect(result).toMatchObject({ stop: 'optimal', found: 3 + found.length, best: optimum });
    // Resumed at the optimum itself: nothing beats it, which is the proof.
    const again = await runOptimise({ model, program: compile(model) }, 1, { add: async () => true }, { ...settings(), alreadyFound: 4, bestSoFar: optimum }, treeRun);
    expect(again).toMatchObject({ stop: 'optimal', found: 4, best: optimum });
  });

  it('solutions caps the improving solutions kept', async () => {
    const model = propagateRoot(parseJsonProblem(knapsack()));
    const result = await runOptimise({ model, program: compile(model) }, 1, { add: async () => true }, { ...settings(), solutions: 1 }, treeRun);
    expect(result).toMatchObject({ stop: 'solutions', found: 1 });
    expect(runOutcome(result).outcome).toBe('SATISFIED');
  });
});
