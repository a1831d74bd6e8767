// Drawing a solution for a person (`hilsolve solve --output pretty`). A problem is drawn as
//   - a chess board when it is N-queens: exactly the variables q[0]..q[N-1] (or queen[i],
//     queens[i]), in that order, each with N values: q[i] is the column of the queen in row i;
//   - a 9x9 grid when it is a sudoku: exactly 81 variables X[0]..X[80] of one array, in order,
//     with values 1..9, row by row;
//   - DIMACS `v` lines for CNF (`v 1 -2 3 ... 0`), `v VERTEX COLOUR` lines for .col;
//   - `name = value` lines otherwise.
// The DIMACS forms are what `hilsolve verify` reads back.

import type { Model, RenderedAssignment } from '../model/types.ts';

export type Shape = { kind: 'queens'; n: number } | { kind: 'sudoku' } | { kind: 'cnf' } | { kind: 'col' } | { kind: 'list' };

const QUEEN_ARRAYS = new Set(['q', 'queen', 'queens']);
/** Files a..z: larger boards are listed, not drawn. */
const MAX_BOARD = 26;

export function recogniseShape(model: Model): Shape {
  if (model.format === 'cnf') return { kind: 'cnf' };
  if (model.format === 'col') return { kind: 'col' };
  const vars = model.variables;
  const base = arrayBase(model);
  if (base !== undefined && QUEEN_ARRAYS.has(base) && vars.length <= MAX_BOARD && vars.every((v) => v.kind === 'int' && v.size === vars.length)) {
    return { kind: 'queens', n: vars.length };
  }
  if (base !== undefined && vars.length === 81 && vars.every((v) => v.kind === 'int' && v.min === 1 && v.size === 9)) {
    return { kind: 'sudoku' };
  }
  return { kind: 'list' };
}

/** The array name when the variables are exactly NAME[0], NAME[1], ... in order. */
function arrayBase(model: Model): string | undefined {
  const first = /^(.+)\[0\]$/.exec(model.variables[0]?.name ?? '')?.[1];
  if (first === undefined) return undefined;
  return model.variables.every((v, i) => v.name === `${first}[${i}]`) ? first : undefined;
}

/** The solution drawn as `shape` says, ending with a newline. */
export function drawSolution(model: Model, shape: Shape, assignment: RenderedAssignment): string {
  switch (shape.kind) {
    case 'queens':
      return drawQueens(model, shape.n, assignment);
    case 'sudoku':
      return drawSudoku(model, assignment);
    case 'cnf':
      return cnfValueLines(model, assignment);
    case 'col':
      return model.variables.map((v) => `v ${v.name} ${assignment[v.name]}\n`).join('');
    case 'list':
      return model.variables.map((v) => `${v.name} = ${assignment[v.name]}\n`).join('');
  }
}

/** Row N at the top as on a chess diagram, files a.. from the left; `Q` a queen, `.` an empty square. */
function drawQueens(model: Model, n: number, assignment: RenderedAssignment): string {
  const files = Array.from({ length: n }, (_, c) => String.fromCharCode(97 + c)).join(' ');
  const width = String(n).length;
  const lines = [`${' '.repeat(width)} ${files}`];
  for (let row = n - 1; row >= 0; row--) {
    const v = model.variables[row]!;
    const column = Number(assignment[v.name]) - v.min;
    const squares = Array.from({ length: n }, (_, c) => (c === column ? 'Q' : '.'));
    lines.push(`${String(row + 1).padStart(width)} ${squares.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function drawSudoku(model: Model, assignment: RenderedAssignment): string {
  const lines: string[] = [];
  for (let r = 0; r < 9; r++) {
    if (r === 3 || r === 6) lines.push('------+-------+------');
    const cells = Array.from({ length: 9 }, (_, c) => String(assignment[model.variables[9 * r + c]!.name]));
    lines.push([cells.slice(0, 3), cells.slice(3, 6), cells.slice(6, 9)].map((g) => g.join(' ')).join(' | '));
  }
  return `${lines.join('\n')}\n`;
}

/** `v` lines of at most about 78 characters, ending with `0`. */
function cnfValueLines(model: Model, assignment: RenderedAssignment): string {
  const literals = model.variables.map((v) => (assignment[v.name] === true || assignment[v.name] === 1 ? v.name : `-${v.name}`));
  literals.push('0');
  const lines: string[] = [];
  let line = 'v';
  for (const lit of literals) {
    if (line.length + 1 + lit.length > 78) {
      lines.push(line);
      line = 'v';
    }
    line += ` ${lit}`;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}
