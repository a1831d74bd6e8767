// Problems for service tests, each with a checker written here from the problem's definition
// (not from the model or the program), so a test verifies returned solutions independently.

type Rendered = Record<string, number | boolean>;

/** n-queens: q[i] is the column of the queen in row i. */
export function queensProblem(n: number) {
  return {
    name: `${n}-queens`,
    variables: [{ name: 'q', domain: { min: 0, max: n - 1 }, size: n }],
    constraints: [
      { type: 'allDifferent', vars: 'q' },
      { type: 'allDifferent', vars: 'q', offsets: Array.from({ length: n }, (_, i) => i) },
      { type: 'allDifferent', vars: 'q', offsets: Array.from({ length: n }, (_, i) => n - i) },
    ],
  };
}

export function checkQueens(n: number, a: Rendered): boolean {
  const q = Array.from({ length: n }, (_, i) => a[`q[${i}]`]);
  if (q.some((v) => typeof v !== 'number' || v < 0 || v >= n)) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const [a1, a2] = [q[i] as number, q[j] as number];
      if (a1 === a2 || Math.abs(a1 - a2) === j - i) return false;
    }
  }
  return true;
}

/** A 9x9 sudoku with clues "0" for blanks, as a JSON problem over cells c[9*r+col], values 1..9. */
export function sudokuProblem(grid: string) {
  const cell = (r: number, c: number) => `c[${9 * r + c}]`;
  const groups: string[][] = [];
  for (let i = 0; i < 9; i++) {
    groups.push(Array.from({ length: 9 }, (_, j) => cell(i, j)));
    groups.push(Array.from({ length: 9 }, (_, j) => cell(j, i)));
    const [br, bc] = [3 * Math.floor(i / 3), 3 * (i % 3)];
    groups.push(Array.from({ length: 9 }, (_, j) => cell(br + Math.floor(j / 3), bc + (j % 3))));
  }
  const clues = [...grid].flatMap((ch, k) => (ch === '0' ? [] : [{ type: 'clause', literals: [{ var: `c[${k}]`, op: '=', value: Number(ch) }] }]));
  return {
    name: 'sudoku',
    variables: [{ name: 'c', domain: { min: 1, max: 9 }, size: 81 }],
    constraints: [...groups.map((vars) => ({ type: 'allDifferent', vars })), ...clues],
  };
}

export function checkSudoku(grid: string, a: Rendered): boolean {
  const v = (r: number, c: number) => a[`c[${9 * r + c}]`];
  for (let k = 0; k < 81; k++) if (grid[k] !== '0' && a[`c[${k}]`] !== Number(grid[k])) return false;
  for (let i = 0; i < 9; i++) {
    const row = new Set<unknown>(); const col = new Set<unknown>(); const box = new Set<unknown>();
    for (let j = 0; j < 9; j++) {
      row.add(v(i, j)); col.add(v(j, i));
      box.add(v(3 * Math.floor(i / 3) + Math.floor(j / 3), 3 * (i % 3) + (j % 3)));
    }
    for (const s of [row, col, box]) if (s.size !== 9 || [...s].some((x) => typeof x !== 'number' || x < 1 || x > 9)) return false;
  }
  return true;
}

/** An easy sudoku (many clues) whose solution is unique. */
export const EASY_SUDOKU = '530070000600195000098000060800060003400803001700020006060000280000419005000080079';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random 3-SAT with a planted solution (so it is satisfiable), uf50-218 shaped by default. */
export function plantedCnf(vars = 50, clauses = 218, seed = 1): { text: string; clauses: number[][] } {
  const r = rng(seed);
  const planted = Array.from({ length: vars }, () => r() < 0.5);
  const out: number[][] = [];
  while (out.length < clauses) {
    const vs = new Set<number>();
    while (vs.size < 3) vs.add(1 + Math.floor(r() * vars));
    const lits = [...vs].map((v) => (r() < 0.5 ? v : -v));
    if (lits.some((l) => planted[Math.abs(l) - 1] === l > 0)) out.push(lits);
  }
  const text = `c planted 3-SAT\np cnf ${vars} ${clauses}\n${out.map((c) => `${c.join(' ')} 0`).join('\n')}\n`;
  return { text, clauses: out };
}

export function checkCnf(clauses: number[][], a: Rendered): boolean {
  return clauses.every((c) => c.some((l) => a[String(Math.abs(l))] === l > 0));
}

/** A random graph with a planted 3-colouring, as DIMACS .col text. */
export function plantedCol(vertices = 30, edges = 60, seed = 2): { text: string; edges: [number, number][] } {
  const r = rng(seed);
  const colour = Array.from({ length: vertices }, () => Math.floor(r() * 3));
  const list: [number, number][] = [];
  const seen = new Set<string>();
  while (list.length < edges) {
    const u = 1 + Math.floor(r() * vertices);
    const v = 1 + Math.floor(r() * vertices);
    if (u === v || colour[u - 1] === colour[v - 1] || seen.has(`${Math.min(u, v)}-${Math.max(u, v)}`)) continue;
    seen.add(`${Math.min(u, v)}-${Math.max(u, v)}`);
    list.push([u, v]);
  }
  const text = `c planted 3-colourable\np edge ${vertices} ${edges}\n${list.map(([u, v]) => `e ${u} ${v}`).join('\n')}\n`;
  return { text, edges: list };
}

export function checkColouring(edges: [number, number][], colors: number, a: Rendered): boolean {
  const c = (v: number) => a[String(v)];
  return edges.every(([u, v]) => {
    const [cu, cv] = [c(u), c(v)];
    return typeof cu === 'number' && typeof cv === 'number' && cu >= 0 && cu < colors && cv >= 0 && cv < colors && cu !== cv;
  });
}

/** Clauses of DIMACS CNF text, read here independently of the project's parser. */
export function readCnfClauses(text: string): number[][] {
  const nums = text.split('\n').filter((l) => !/^\s*(c|p|%)/.test(l)).join(' ').trim().split(/\s+/).filter((t) => t !== '').map(Number);
  const clauses: number[][] = [];
  let current: number[] = [];
  for (const n of nums) {
    if (n === 0) {
      if (current.length > 0) clauses.push(current);
      current = [];
    } else current.push(n);
  }
  return clauses;
}

/** Edges of DIMACS .col text. */
export function readColEdges(text: string): [number, number][] {
  return text.split('\n').filter((l) => l.startsWith('e ')).map((l) => {
    const [, u, v] = l.trim().split(/\s+/);
    return [Number(u), Number(v)];
  });
}

/**
 * `n` pigeons, n - 1 holes, as pairwise `!=` (no allDifferent): no solution, and neither root
 * propagation (arc consistency on `!=` sees nothing) nor the tree search beside the device (about
 * (n - 1)! leaves) can tell within a test's limits. For tests that run into time, budget or cancel.
 */
export function hardPigeons(n = 13): { variables: unknown[]; constraints: unknown[] } {
  const constraints: unknown[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) constraints.push({ type: 'compare', x: `p[${i}]`, op: '!=', y: `p[${j}]` });
  return { variables: [{ name: 'p', domain: { min: 0, max: n - 2 }, size: n }], constraints };
}
