// Sudoku as a JSON problem: cell[9 * r + c] in 1..9, one allDifferent per row, column and box,
// and a one-literal clause `cell[i] = d` per given digit.

import { writeJsonProblem } from '../../src/model/parse-json.ts';
import type { Constraint, Model } from '../../src/model/types.ts';

/** `grid`: 81 characters, digits 1-9 for givens and `.` or `0` for blanks (whitespace ignored). */
export function sudokuModel(grid: string, name = 'sudoku'): Model {
  const cells = grid.replace(/\s+/g, '');
  if (!/^[0-9.]{81}$/.test(cells)) throw new RangeError('sudoku: the grid must be 81 characters of 1-9, 0 or .');
  const group = (cell: (k: number) => number): Constraint => {
    const vars = Array.from({ length: 9 }, (_, k) => cell(k));
    return { type: 'allDifferent', vars, offsets: vars.map(() => 0) };
  };
  const constraints: Constraint[] = [];
  for (let i = 0; i < 9; i++) {
    const r0 = 3 * Math.floor(i / 3);
    const c0 = 3 * (i % 3);
    constraints.push(group((k) => 9 * i + k), group((k) => 9 * k + i), group((k) => 9 * (r0 + Math.floor(k / 3)) + c0 + (k % 3)));
  }
  [...cells].forEach((ch, i) => {
    if (ch >= '1' && ch <= '9') constraints.push({ type: 'clause', literals: [{ var: i, values: [Number(ch)], negated: false }] });
  });
  return {
    format: 'json',
    variables: Array.from({ length: 81 }, (_, i) => ({ name: `cell[${i}]`, min: 1, size: 9, allowed: new Array<boolean>(9).fill(true), kind: 'int' })),
    constraints,
    meta: { name },
  };
}

export function sudokuProblem(grid: string, name = 'sudoku'): string {
  return writeJsonProblem(sudokuModel(grid, name));
}
