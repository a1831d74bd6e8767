// The five problem families the learned prior is trained and measured on, each instance with a
// known solution (its label, in index space: index i of variable x is the value min_x + i):
//   sat3    planted random 3-SAT near the threshold (clauses = 4.2 x vars): the planted assignment
//   col3    planted 3-colourable graphs, 2.3 x vertices edges (mean degree 4.6): the planted colouring
//   col4    planted 4-colourable graphs, 4.2 x vertices edges (mean degree 8.4): the planted colouring
//   queens  N-queens: the first solution the device's search (software reference) finds from a
//           uniform prior (N-queens has no planted solution; hilsolve's own answer is the label)
//   sudoku  a random solved grid (the canonical grid under random digit, row, column, band and
//           stack permutations) with some cells given: the grid
// Instances are a pure function of (family, size, seed), so training and the ablation
// (bench/prior-ablation.ts) draw disjoint seeds from the same generators.

import { plantedColoring } from '../../bench/gen/coloring.ts';
import { queensModel } from '../../bench/gen/queens.ts';
import { plantedSat } from '../../bench/gen/sat.ts';
import { sudokuModel } from '../../bench/gen/sudoku.ts';
import { checkModel } from '../../src/check/model-checker.ts';
import { parseProblem } from '../../src/model/parse.ts';
import { Prng } from '../../src/model/prng.ts';
import { SearchReference } from '../../src/model/search-reference.ts';
import { compileSearchTables, uniformPrior } from '../../src/model/search-tables.ts';
import type { Model } from '../../src/model/types.ts';

export const FAMILIES = ['sat3', 'col3', 'col4', 'queens', 'sudoku'] as const;
export type Family = (typeof FAMILIES)[number];

export interface Instance {
  family: Family;
  name: string;
  model: Model;
  /** A solution in index space, one entry per variable. */
  label: number[];
  /**
   * The label and its images under the problem's symmetries (colour permutations for colouring,
   * the board's 8 rotations and reflections for N-queens), deduplicated: equally good targets.
   */
  labels: number[][];
}

export function isFamily(s: string): s is Family {
  return (FAMILIES as readonly string[]).includes(s);
}

/** A solved 9x9 grid, row-major digits 1..9, from a seeded shuffle of the canonical one. */
export function solvedSudoku(seed: number): number[] {
  const r = new Prng(seed);
  const perm3 = (): number[] => r.shuffle([0, 1, 2]);
  const order = (): number[] => perm3().flatMap((band) => perm3().map((k) => 3 * band + k));
  const rows = order();
  const cols = order();
  const digits = r.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const transpose = r.int(2) === 1;
  const canonical = (i: number, j: number): number => (3 * (i % 3) + Math.floor(i / 3) + j) % 9;
  return Array.from({ length: 81 }, (_, cell) => {
    let i = rows[Math.floor(cell / 9)]!;
    let j = cols[cell % 9]!;
    if (transpose) [i, j] = [j, i];
    return digits[canonical(i, j)]!;
  });
}

function queensLabel(model: Model, seed: number): number[] {
  const t = compileSearchTables(model);
  const r = new SearchReference(t, uniformPrior(t, model), { seed }).run(5_000_000);
  if (!r.solved) throw new Error(`${model.meta.name}: no solution within 5M flips to label it with`);
  return Array.from(r.val!);
}

/**
 * One instance of `family`; `size` is variables for sat3, vertices for col3/col4, N for queens
 * and the number of givens for sudoku.
 */
export function makeInstance(family: Family, size: number, seed: number): Instance {
  const name = `${family}-${size}-s${seed}`;
  let model: Model;
  let label: number[];
  switch (family) {
    case 'sat3': {
      const g = plantedSat(size, Math.round(4.2 * size), seed);
      model = parseProblem(g.cnf, { format: 'cnf', name });
      label = g.planted.map((b) => (b ? 1 : 0));
      break;
    }
    case 'col3':
    case 'col4': {
      const k = family === 'col3' ? 3 : 4;
      const g = plantedColoring(size, k, Math.round((k === 3 ? 2.3 : 4.2) * size), seed);
      model = parseProblem(g.col, { format: 'col', colors: k, name });
      label = g.colours;
      break;
    }
    case 'queens':
      model = queensModel(size);
      model.meta.name = name;
      label = queensLabel(model, seed);
      break;
    case 'sudoku': {
      const grid = solvedSudoku(seed);
      const keep = new Set(new Prng(seed ^ 0x5bd1e995).shuffle(Array.from({ length: 81 }, (_, i) => i)).slice(0, size));
      model = sudokuModel(grid.map((d, i) => (keep.has(i) ? String(d) : '.')).join(''), name);
      label = grid.map((d) => d - 1);
      break;
    }
  }
  const check = checkModel(model, label);
  if (!check.ok) throw new Error(`${name}: the label is not a solution (bug in the generator)`);
  const labels = symmetryImages(family, label);
  for (const l of labels) if (!checkModel(model, l).ok) throw new Error(`${name}: a symmetry image of the label is not a solution`);
  return { family, name, model, label, labels };
}

function permutations(k: number): number[][] {
  if (k === 0) return [[]];
  return permutations(k - 1).flatMap((p) => Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]));
}

/** q[row] = column under the board's 8 symmetries. */
function boardImages(q: readonly number[]): number[][] {
  const n = q.length;
  const images: number[][] = [];
  let cur = [...q];
  for (let r = 0; r < 4; r++) {
    images.push(cur, cur.map((_, i) => cur[n - 1 - i]!));
    const rot = new Array<number>(n);
    cur.forEach((c, i) => { rot[c] = n - 1 - i; }); // (i, c) -> (c, n - 1 - i)
    cur = rot;
  }
  return images;
}

function symmetryImages(family: Family, label: number[]): number[][] {
  const images = family === 'col3' || family === 'col4'
    ? permutations(family === 'col3' ? 3 : 4).map((p) => label.map((c) => p[c]!))
    : family === 'queens' ? boardImages(label) : [label];
  return [...new Map(images.map((l) => [l.join(','), l])).values()];
}

/** Sizes the training set and the ablation draw from, per family. */
export const TRAIN_SIZES: Record<Family, readonly number[]> = {
  sat3: [50, 75, 100, 150],
  col3: [60, 90, 120],
  col4: [60, 90, 120],
  queens: [8, 12, 16, 20, 25, 30],
  sudoku: [22, 26, 30, 34],
};
