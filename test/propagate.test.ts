// Propagation (src/propagate/) against enumeration on small random models of every constraint
// type: it never removes a value that some solution uses (from the model's domains and from
// random narrower ones), it fails on a full assignment exactly when the model checker rejects
// it, its result is a fixpoint, and the incremental engine (levels, undo) reaches exactly the
// domains that propagation from scratch reaches. Plus worked examples and a CNF speed check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { parseCnf } from '../src/model/parse-cnf.ts';
import { Prng } from '../src/model/prng.ts';
import type { Constraint, Model } from '../src/model/types.ts';
import { maskHas, maskIndices, maskOf, modelDomains, type Domains } from '../src/propagate/domains.ts';
import { Engine } from '../src/propagate/engine.ts';
import { buildNetwork } from '../src/propagate/network.ts';
import { propagate } from '../src/propagate/propagate.ts';
import { allSolutions, randomCnf } from './helpers/brute-force.ts';
import { CONSTRAINT_TYPES, randomIndices, randomModel, type RandomModelOptions } from './helpers/random-model.ts';

const LIMIT = 20_000;

/** Small random models: all types mixed, or one type only (every fourth draws one type). */
function smallModel(rng: Prng): Model {
  const options: RandomModelOptions = { maxDomainSize: 12, variables: 1 + rng.int(6), constraints: 1 + rng.int(5) };
  if (rng.int(4) === 0) options.types = [CONSTRAINT_TYPES[rng.int(CONSTRAINT_TYPES.length)]!];
  return randomModel(rng, options);
}

/** The model's domains with each index kept with probability 0.7 (never emptied). */
function randomSubdomains(rng: Prng, model: Model): Domains {
  return modelDomains(model).map((mask, v) => {
    const kept = maskIndices(mask).filter(() => rng.next() < 0.7);
    return maskOf(model.variables[v]!.size, kept.length > 0 ? kept : maskIndices(mask).slice(0, 1));
  });
}

function inside(domains: Domains, indices: readonly number[]): boolean {
  return indices.every((i, v) => maskHas(domains[v]!, i));
}

const same = (a: Domains, b: Domains): boolean => a.length === b.length && a.every((m, v) => m.every((w, k) => w === b[v]![k]));

describe('propagation', () => {
  it('never removes a value that a solution uses, and fails only without solutions (random models, random sub-domains)', () => {
    let checked = 0;
    let pruned = 0;
    let failed = 0;
    const types = new Set<Constraint['type']>();
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const rng = new Prng(seed);
      const model = smallModel(rng);
      const sols = allSolutions(model, LIMIT);
      if (!sols) return;
      const sub = rng.int(2) === 0 ? undefined : randomSubdomains(rng, model);
      const expected = sub ? sols.filter((s) => inside(sub, s)) : sols;
      const r = propagate(model, sub);
      checked++;
      for (const c of model.constraints) types.add(c.type);
      if (!r.ok) {
        failed++;
        expect(expected, `seed ${seed}: propagation failed on constraint ${r.failed}`).toEqual([]);
        return;
      }
      for (const s of expected) expect(inside(r.domains, s), `seed ${seed}: solution ${s} lost`).toBe(true);
      if (r.domains.some((m, v) => !same([m], [(sub ?? modelDomains(model))[v]!]))) pruned++;
    }), { numRuns: 1500, seed: 14 });
    expect(checked).toBeGreaterThan(1000);
    expect(pruned).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(100);
    expect(types.size).toBe(CONSTRAINT_TYPES.length);
  });

  it('fails on a full assignment exactly when the model checker rejects it', () => {
    let rejected = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const rng = new Prng(seed);
      const model = smallModel(rng);
      const indices = randomIndices(rng, model, 0);
      const r = propagate(model, indices.map((i, v) => maskOf(model.variables[v]!.size, [i])));
      const ok = checkModel(model, indices).ok;
      if (!ok) rejected++;
      expect(r.ok, `seed ${seed}`).toBe(ok);
    }), { numRuns: 3000, seed: 15 });
    expect(rejected).toBeGreaterThan(500);
  });

  it('reaches a fixpoint: propagating its own result changes nothing', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const rng = new Prng(seed);
      const model = smallModel(rng);
      const r = propagate(model, randomSubdomains(rng, model));
      if (!r.ok) return;
      const again = propagate(model, r.domains);
      expect(again.ok).toBe(true);
      if (again.ok) expect(same(again.domains, r.domains), `seed ${seed}`).toBe(true);
    }), { numRuns: 1500, seed: 16 });
  });

  it('incremental (decide, refute, pop) equals propagation from scratch at every step', () => {
    let steps = 0;
    let pops = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const rng = new Prng(seed);
      const model = randomModel(rng, { maxDomainSize: 40, variables: 3 + rng.int(8), constraints: 2 + rng.int(8) });
      const net = buildNetwork(model);
      const e = new Engine(net);
      if (!e.propagate()) return;
      const snapshots: Domains[] = [];
      for (let step = 0; step < 30; step++) {
        if (snapshots.length > 0 && rng.int(4) === 0) {
          e.pop();
          pops++;
          expect(same(e.domains(), snapshots.pop()!), `seed ${seed}: pop restores`).toBe(true);
          continue;
        }
        const open = Array.from({ length: e.unfixedCount }, (_, k) => e.unfixed[k]!);
        if (open.length === 0) break;
        const v = open[rng.int(open.length)]!;
        const values = maskIndices(e.mask(v));
        const i = values[rng.int(values.length)]!;
        const before = e.domains();
        const expected: Domains = before.map((m) => m.slice());
        const positive = rng.int(2) === 0;
        if (positive) expected[v] = maskOf(model.variables[v]!.size, [i]);
        else expected[v]![i >>> 5]! &= ~(1 << (i & 31));
        const scratch = propagate(net, expected);
        snapshots.push(before);
        e.push(); // a level per step, so that pop() can be checked against the snapshot
        const ok = (positive ? e.fix(v, i) : e.prune(v, i)) && e.propagate();
        steps++;
        expect(ok, `seed ${seed} step ${step}`).toBe(scratch.ok);
        if (!ok) {
          e.pop();
          expect(same(e.domains(), snapshots.pop()!)).toBe(true);
          continue;
        }
        if (scratch.ok) expect(same(e.domains(), scratch.domains), `seed ${seed} step ${step}`).toBe(true);
      }
    }), { numRuns: 400, seed: 17 });
    expect(steps).toBeGreaterThan(2000);
    expect(pops).toBeGreaterThan(200);
  });
});

describe('propagation, worked examples', () => {
  const vars = (sizes: number[], min = 0) => sizes.map((size, i) => ({ name: `x${i}`, min, size, allowed: new Array<boolean>(size).fill(true), kind: 'int' as const }));

  it('allDifferent: value elimination, hidden single, Hall set', () => {
    // x0, x1 in {1,2} (a Hall pair) push x2 to 3; x3 = 4 by value elimination; x4 is the only one that can take 5.
    const model: Model = {
      format: 'json', meta: {},
      variables: vars([5, 5, 5, 5, 5], 1),
      constraints: [
        { type: 'allDifferent', vars: [0, 1, 2, 3, 4], offsets: [0, 0, 0, 0, 0] },
        { type: 'clause', literals: [{ var: 0, values: [1, 2], negated: false }] },
        { type: 'clause', literals: [{ var: 1, values: [1, 2], negated: false }] },
        { type: 'clause', literals: [{ var: 2, values: [5], negated: true }] },
        { type: 'clause', literals: [{ var: 3, values: [4], negated: false }] },
      ],
    };
    const r = propagate(model);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.domains.map((m) => maskIndices(m).map((i) => i + 1))).toEqual([[1, 2], [1, 2], [3], [4], [5]]);
  });

  it('linear bounds, comparisons and unit propagation chain', () => {
    const model: Model = {
      format: 'json', meta: {},
      variables: vars([6, 6, 6]),
      constraints: [
        { type: 'linear', terms: [{ coef: 1, var: 0 }, { coef: 2, var: 1 }], op: '<=', rhs: 5 },
        { type: 'compare', x: 0, op: '>=', y: 1, c: 2 },
        { type: 'clause', literals: [{ var: 1, values: [0], negated: false }, { var: 2, values: [5], negated: false }] },
      ],
    };
    const r = propagate(model);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // x0 >= x1 + 2 >= 2; x0 + 2 x1 <= 5 gives x1 <= 1 and x0 <= 5.
    expect(r.domains.map(maskIndices)).toEqual([[2, 3, 4, 5], [0, 1], [0, 1, 2, 3, 4, 5]]);
    // x1 = 1 makes the clause unit: x2 = 5; and x0 <= 3.
    const narrowed = propagate(model, r.domains.map((m, v) => (v === 1 ? maskOf(6, [1]) : m)));
    expect(narrowed.ok && narrowed.domains.map(maskIndices)).toEqual([[3], [1], [5]]);
  });

  it('reports the constraint that cannot hold', () => {
    const model: Model = {
      format: 'json', meta: {},
      variables: vars([3, 3]),
      constraints: [
        { type: 'compare', x: 0, op: '<', y: 1, c: 0 },
        { type: 'compare', x: 1, op: '<', y: 0, c: 0 },
      ],
    };
    const r = propagate(model);
    expect(r.ok).toBe(false);
    expect(!r.ok && [0, 1]).toContain(!r.ok && r.failed);
  });
});

describe('propagation on large CNF', () => {
  it('65,000 clauses (the model limit): the root fixpoint and 2,000 decide/propagate/pop steps in a few seconds', () => {
    const rng = new Prng(5);
    const model = parseCnf(randomCnf(rng, 16_000, 65_000));
    const t0 = performance.now();
    const e = new Engine(buildNetwork(model));
    expect(e.propagate()).toBe(true);
    let failures = 0;
    for (let step = 0; step < 2000; step++) {
      if (e.level > 40 || (e.level > 0 && rng.int(3) === 0)) e.pop();
      const v = e.unfixed[rng.int(e.unfixedCount)]!;
      if (!e.decide(v, rng.int(2)) || !e.propagate()) { failures++; e.pop(); }
    }
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(10_000);
    expect(failures).toBeLessThan(2000);
  });
});
