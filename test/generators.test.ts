import { describe, expect, it } from 'vitest';

import { plantedColoring } from '../bench/gen/coloring.ts';
import { Prng } from '../src/model/prng.ts';
import { queensModel, queensProblem } from '../bench/gen/queens.ts';
import { plantedSat } from '../bench/gen/sat.ts';
import { sudokuModel, sudokuProblem } from '../bench/gen/sudoku.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { valuesToIndices } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import { parseSolution } from '../src/model/solution.ts';
import type { Model } from '../src/model/types.ts';

function satisfied(model: Model, values: number[]): boolean {
  return checkModel(model, valuesToIndices(model, values)).ok;
}

describe('Prng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 8 }, () => a.uint32());
    expect(Array.from({ length: 8 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.uint32())).not.toEqual(xs);
  });

  it('keeps next() in [0, 1) and int(n) in [0, n) with every value reached', () => {
    const rng = new Prng(0);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[rng.int(7)]!++;
    }
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(1.5)).toThrow(RangeError);
  });
});

describe('N-queens', () => {
  it('writes a document that parses back to the generated model', () => {
    expect(parseProblem(queensProblem(8), { format: 'json' })).toEqual(queensModel(8));
  });

  it('accepts exactly the placements with no two queens attacking (n = 6, all 6^6)', () => {
    const model = queensModel(6);
    let solutions = 0;
    for (let code = 0; code < 6 ** 6; code++) {
      const q = Array.from({ length: 6 }, (_, i) => Math.floor(code / 6 ** i) % 6);
      const attacks = q.some((a, i) => q.some((b, j) => j > i && (a === b || Math.abs(a - b) === j - i)));
      const ok = satisfied(model, q);
      expect(ok).toBe(!attacks);
      if (ok) solutions++;
    }
    expect(solutions).toBe(4);
  });
});

describe('sudoku', () => {
  const grid = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
  const solution = '534678912672195348198342567859761423426853791713924856961537284287419635345286179';

  it('has 81 variables 1..9, 27 groups and one clause per given', () => {
    const m = parseProblem(sudokuProblem(grid), { format: 'json' });
    expect(m).toEqual(sudokuModel(grid));
    expect(m.variables).toHaveLength(81);
    expect(m.variables.every((v) => v.min === 1 && v.size === 9)).toBe(true);
    expect(m.constraints.filter((c) => c.type === 'allDifferent')).toHaveLength(27);
    expect(m.constraints.filter((c) => c.type === 'clause')).toHaveLength([...grid].filter((c) => c !== '.').length);
  });

  it('accepts the solution and refuses a swap of two cells or a changed given', () => {
    const m = sudokuModel(grid);
    const values = [...solution].map(Number);
    expect(satisfied(m, values)).toBe(true);
    const swapped = [...values];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect(satisfied(m, swapped)).toBe(false);
    expect(() => sudokuModel('123')).toThrow(RangeError);
  });
});

describe('planted 3-SAT', () => {
  it('is reproducible, has the asked size and its planted solution satisfies it', () => {
    const a = plantedSat(100, 426, 7);
    expect(plantedSat(100, 426, 7).cnf).toBe(a.cnf);
    expect(plantedSat(100, 426, 8).cnf).not.toBe(a.cnf);
    const model = parseProblem(a.cnf, { format: 'cnf' });
    expect(model.variables).toHaveLength(100);
    expect(model.constraints).toHaveLength(426);
    for (const c of model.constraints) {
      expect(c.type === 'clause' && new Set(c.literals.map((l) => l.var)).size).toBe(3);
    }
    const values = parseSolution(model, a.solution);
    expect(values).toEqual(a.planted.map((p) => (p ? 1 : 0)));
    expect(satisfied(model, values)).toBe(true);
  });
});

describe('planted colourings', () => {
  it('is reproducible, has distinct proper edges and its planted colouring satisfies it', () => {
    const g = plantedColoring(60, 4, 200, 3);
    expect(plantedColoring(60, 4, 200, 3).col).toBe(g.col);
    const model = parseProblem(g.col, { format: 'col', colors: 4 });
    expect(model.constraints).toHaveLength(200);
    const values = parseSolution(model, g.solution);
    expect(values).toEqual(g.colours);
    expect(satisfied(model, values)).toBe(true);
    expect(new Set(g.colours)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('refuses more edges than the planted colouring allows', () => {
    expect(() => plantedColoring(4, 2, 5, 1)).toThrow('at most 4');
  });
});
