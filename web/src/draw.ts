// Every solution as a picture. The shape (N-queens board, sudoku grid, CNF, .col, anything
// else) is recognised by the CLI's own rules, and the DIMACS download is the CLI's own text
// (src/cli/draw.ts, bundled in): the page and `hilsolve solve --output pretty` agree.

import { forceCenter, forceLink, forceManyBody, forceSimulation, type SimulationNodeDatum } from 'd3-force';
import { drawSolution, recogniseShape, type Shape } from '../../src/cli/draw.ts';
import type { Model } from '../../src/model/types.ts';
import { download, h, svg } from './dom.ts';

/** GET /v1/jobs/:id/problem. */
export interface ProblemView {
  format: Model['format'];
  name: string | null;
  colors: number | null;
  variables: { name: string; kind: 'int' | 'bool'; min: number; size: number }[];
  givens: [number, number][];
  edges: [number, number][];
}

export type Assignment = Record<string, number | boolean>;

export interface Drawer {
  shape: Shape;
  draw(assignment: Assignment): Element;
  /** The solution as DIMACS `v` lines, for CNF and .col. */
  dimacs: ((assignment: Assignment) => string) | null;
}

/** The model as far as the CLI's drawing reads it: format and variables. */
function modelOf(p: ProblemView): Model {
  return {
    format: p.format,
    variables: p.variables.map((v) => ({ ...v, allowed: new Array<boolean>(v.size).fill(true) })),
    constraints: [],
    meta: {},
  };
}

export function drawer(p: ProblemView): Drawer {
  const model = modelOf(p);
  const shape = recogniseShape(model);
  const dimacs = shape.kind === 'cnf' || shape.kind === 'col' ? (a: Assignment) => drawSolution(model, shape, a) : null;
  const draw = (a: Assignment): Element => {
    switch (shape.kind) {
      case 'queens': return queens(p, shape.n, a);
      case 'sudoku': return sudoku(p, a);
      case 'col': return graph(p, a);
      case 'cnf': return bits(p, a);
      case 'list': return table(p, a);
    }
  };
  return { shape, draw, dimacs };
}

/** A solution's card: its picture and the downloads. */
export function solutionCard(d: Drawer, jobId: string, s: { index: number; assignment: Assignment; foundAtMs: number }): HTMLElement {
  const base = `${jobId.slice(0, 8)}-solution-${s.index}`;
  return h('section', { class: 'solution', 'data-index': s.index },
    h('h3', {}, `Solution ${s.index}`, h('small', {}, ` found at ${(s.foundAtMs / 1000).toFixed(2)} s`)),
    d.draw(s.assignment),
    h('p', { class: 'downloads' },
      h('button', { type: 'button', onclick: () => download(`${base}.json`, `${JSON.stringify(s.assignment, null, 2)}\n`, 'application/json') }, 'Download JSON'),
      d.dimacs && h('button', { type: 'button', onclick: () => download(`${base}.sol`, d.dimacs!(s.assignment), 'text/plain') }, 'Download DIMACS')));
}

/** Row N at the top, files a.. from the left, as the CLI draws it. */
function queens(p: ProblemView, n: number, a: Assignment): Element {
  const board = h('div', { class: 'board', 'data-n': n });
  board.style.setProperty('--n', String(n));
  for (let row = n - 1; row >= 0; row--) {
    const v = p.variables[row]!;
    const column = Number(a[v.name]) - v.min;
    for (let c = 0; c < n; c++) {
      const queen = c === column;
      board.append(h('div', { class: `square ${(row + c) % 2 === 0 ? 'dark' : 'light'}${queen ? ' queen' : ''}`, 'data-row': row, 'data-col': c, title: `${String.fromCharCode(97 + c)}${row + 1}` }, queen ? '♛' : ''));
    }
  }
  return board;
}

function sudoku(p: ProblemView, a: Assignment): Element {
  const given = new Set(p.givens.map(([i]) => i));
  const grid = h('div', { class: 'sudoku' });
  p.variables.forEach((v, i) => {
    grid.append(h('div', { class: `cell ${given.has(i) ? 'given' : 'found'}`, 'data-cell': i }, String(a[v.name])));
  });
  return grid;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f', '#bab0ac', '#86bcb6'];
export const colour = (c: number): string => PALETTE[c] ?? `hsl(${Math.round((c * 137.508) % 360)} 60% 55%)`;

interface Node extends SimulationNodeDatum { index: number }

/** Each vertex's place in a square of side `size`: one force layout per problem, shared by its solutions. */
const layouts = new WeakMap<ProblemView, [number, number][]>();
function layout(p: ProblemView, size: number): [number, number][] {
  const known = layouts.get(p);
  if (known) return known;
  const nodes: Node[] = p.variables.map((_, index) => ({ index }));
  const links = p.edges.map(([source, target]) => ({ source, target }));
  const simulation = forceSimulation(nodes)
    .force('charge', forceManyBody().strength(-60))
    .force('link', forceLink(links).distance(30))
    .force('center', forceCenter(0, 0))
    .stop();
  for (let i = 0; i < 300; i++) simulation.tick();
  const xs = nodes.map((n) => n.x ?? 0);
  const ys = nodes.map((n) => n.y ?? 0);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (size - 40) / Math.max(maxX - minX, maxY - minY, 1);
  const places = nodes.map((n): [number, number] => [20 + ((n.x ?? 0) - minX) * scale, 20 + ((n.y ?? 0) - minY) * scale]);
  layouts.set(p, places);
  return places;
}

/** The graph in a force layout, each vertex in its colour; an edge joining one colour twice is red. */
function graph(p: ProblemView, a: Assignment): Element {
  const size = 520;
  const places = layout(p, size);
  const value = (i: number) => Number(a[p.variables[i]!.name]);
  const picture = svg('svg', { class: 'graph', viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: 'img' });
  let conflicts = 0;
  for (const [u, v] of p.edges) {
    const [x1, y1] = places[u]!;
    const [x2, y2] = places[v]!;
    const conflict = value(u) === value(v);
    if (conflict) conflicts++;
    picture.append(svg('line', { class: conflict ? 'edge conflict' : 'edge', x1, y1, x2, y2, 'data-u': u, 'data-v': v }));
  }
  places.forEach(([cx, cy], i) => {
    picture.append(svg('circle', { class: 'vertex', cx, cy, r: 6, fill: colour(value(i)), 'data-vertex': i, 'data-colour': value(i) },
      svg('title', {}, `vertex ${p.variables[i]!.name}: colour ${value(i)}`)));
  });
  const used = new Set(p.variables.map((_, i) => value(i))).size;
  return h('figure', {}, picture,
    h('figcaption', {}, `${p.variables.length} vertices, ${p.edges.length} edges, ${used} colours used${conflicts > 0 ? `, ${conflicts} conflicting edges` : ''}`));
}

function bits(p: ProblemView, a: Assignment): Element {
  const strip = h('div', { class: 'bits' });
  let trues = 0;
  for (const v of p.variables) {
    const on = a[v.name] === true || a[v.name] === 1;
    if (on) trues++;
    strip.append(h('span', { class: on ? 'bit on' : 'bit off', title: `${v.name} = ${on}` }));
  }
  return h('div', {}, strip, h('p', { class: 'counts' }, `${trues} true, ${p.variables.length - trues} false`));
}

function table(p: ProblemView, a: Assignment): Element {
  return h('table', { class: 'values' },
    h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'value'))),
    h('tbody', {}, ...p.variables.map((v) => h('tr', {}, h('td', {}, v.name), h('td', {}, String(a[v.name]))))));
}
