// The software reference of the device search (src/model/search-reference.ts): its cached counts
// equal a from-scratch recount after every flip, and it solves planted 3-SAT, planted colouring,
// N-queens and sudoku, every solution passing the model checker.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { plantedColoring } from '../bench/gen/coloring.ts';
import { queensModel } from '../bench/gen/queens.ts';
import { plantedSat } from '../bench/gen/sat.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';
import { recount, SearchReference, type SearchCounts } from '../src/model/search-reference.ts';
import { compileSearchTables, quantisePrior, uniformPrior } from '../src/model/search-tables.ts';
import type { Model } from '../src/model/types.ts';
import { randomModel } from './helpers/random-model.ts';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** The first field where the cached and recounted state differ, or null. */
function difference(cached: SearchCounts, fresh: SearchCounts): string | null {
  for (const key of ['ntrue', 'crit', 'brkAll', 'brkNe', 'unsat'] as const) {
    const a = cached[key];
    const b = fresh[key];
    if (a.length !== b.length) return `${key}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${key}[${i}]: cached ${a[i]}, recount ${b[i]}`;
  }
  return null;
}

/** Flips `n` times (restarting whenever every clause holds), comparing with recount() after each. */
function holdCounts(m: Model, n: number, seed: number, noise256: number, flipBudget: number): number {
  const t = compileSearchTables(m);
  const rng = new Prng(seed);
  const soft = m.variables.map((v) => Array.from({ length: v.size }, () => rng.next()));
  const s = new SearchReference(t, quantisePrior(t, soft, m), { seed, noise256, flipBudget });
  let flips = 0;
  for (let k = 0; k < n; k++) {
    if (s.unsatisfied === 0 || (flipBudget > 0 && s.flipsSinceRestart >= flipBudget)) s.restart();
    if (s.unsatisfied === 0) continue;
    s.flip();
    flips++;
    const diff = difference(s.counts(), recount(t, s.val));
    if (diff) throw new Error(`after flip ${k} (seed ${seed}): ${diff}`);
    // never a value with prior 0 (outside the domain)
    s.val.forEach((i, x) => { if (!m.variables[x]!.allowed[i]) throw new Error(`variable ${x} took hole ${i}`); });
  }
  return flips;
}

describe('SearchReference: cached counts', () => {
  it('equal recount() after every flip on random models (every constraint type, holes, big domains)', () => {
    const rng = new Prng(515);
    let flips = 0;
    for (let k = 0; k < 60; k++) {
      const m = randomModel(rng, { variables: 3 + rng.int(6), constraints: 3 + rng.int(6), maxDomainSize: k % 3 === 0 ? 256 : 8 });
      flips += holdCounts(m, 100, k, [0, 60, 128, 255][k % 4]!, k % 5 === 0 ? 7 : 0);
    }
    expect(flips).toBeGreaterThan(2000);
  });

  it('equal recount() after every flip on 3-SAT and colouring (a few thousand flips each)', () => {
    const sat = parseProblem(plantedSat(60, 270, 3).cnf, { format: 'cnf' });
    expect(holdCounts(sat, 3000, 1, 100, 0)).toBeGreaterThan(100);
    const col = parseProblem(plantedColoring(40, 4, 160, 5).col, { format: 'col', colors: 4 });
    expect(holdCounts(col, 3000, 2, 100, 500)).toBeGreaterThan(100);
  });
});

describe('SearchReference: solves', () => {
  function solve(m: Model, maxFlips: number, seeds: number[]): number[] {
    const t = compileSearchTables(m);
    expect(t.checkedOnly).toEqual([]);
    const prior = uniformPrior(t, m);
    return seeds.map((seed) => {
      const r = new SearchReference(t, prior, { seed }).run(maxFlips);
      expect(r.solved, `seed ${seed}`).toBe(true);
      expect(checkModel(m, Array.from(r.val!)).ok).toBe(true);
      expect(recount(t, r.val!).unsat.length).toBe(0);
      return r.flips;
    });
  }

  it('planted 3-SAT (100 variables, 400 clauses)', () => {
    for (const inst of [1, 2, 3]) solve(parseProblem(plantedSat(100, 400, inst).cnf, { format: 'cnf' }), 200_000, [1, 2]);
  });

  it('planted 4-colouring (100 vertices, 300 edges) and myciel-like 5-colouring', () => {
    solve(parseProblem(plantedColoring(100, 4, 300, 9).col, { format: 'col', colors: 4 }), 200_000, [1, 2, 3]);
    solve(parseProblem(plantedColoring(60, 5, 400, 4).col, { format: 'col', colors: 5 }), 200_000, [1, 2]);
  });

  it('N-queens (allDifferent with offsets) and an easy sudoku', () => {
    solve(queensModel(8), 100_000, [1, 2, 3]);
    solve(queensModel(24), 100_000, [1]);
    solve(parseProblem(fixture('sudoku-easy.json'), { format: 'json' }), 500_000, [1]);
  });

  it('restarts after a refused state (as after a validator refusal), and is deterministic per seed', () => {
    const m = queensModel(6);
    const t = compileSearchTables(m);
    const prior = uniformPrior(t, m);
    const seen = new Set<string>();
    // refuse the first solutions: the chain restarts and finds others
    const r = new SearchReference(t, prior, { seed: 5 }).run(200_000, (val) => { seen.add(val.join()); return seen.size >= 3; });
    expect(r.solved).toBe(true);
    expect(r.rejects).toBeGreaterThanOrEqual(2);
    expect(r.restarts).toBeGreaterThanOrEqual(r.rejects);
    const a = new SearchReference(t, prior, { seed: 9, noise256: 80 }).run(100_000);
    const b = new SearchReference(t, prior, { seed: 9, noise256: 80 }).run(100_000);
    expect(Array.from(b.val!)).toEqual(Array.from(a.val!));
    expect(b.flips).toBe(a.flips);
  });

  it('gives up after maxFlips on an unsatisfiable problem, restarting on the flip budget', () => {
    const k4 = 'p edge 4 6\ne 1 2\ne 1 3\ne 1 4\ne 2 3\ne 2 4\ne 3 4\n';
    const m = parseProblem(k4, { format: 'col', colors: 3 });
    const t = compileSearchTables(m);
    const r = new SearchReference(t, uniformPrior(t, m), { seed: 1, flipBudget: 100 }).run(5_000);
    expect(r.solved).toBe(false);
    expect(r.flips).toBe(5_000);
    expect(r.restarts).toBe(49); // at flips 100, 200, ..., 4900
  });

  it('refuses bad options', () => {
    const m = queensModel(4);
    const t = compileSearchTables(m);
    const prior = uniformPrior(t, m);
    expect(() => new SearchReference(t, prior, { noise256: 256 })).toThrow(/noise256/);
    expect(() => new SearchReference(t, prior, { seed: -1 })).toThrow(/seed/);
    expect(() => new SearchReference(t, prior, { flipBudget: 1.5 })).toThrow(/flipBudget/);
    expect(() => new SearchReference(t, prior.subarray(1))).toThrow(/prior/);
  });
});
