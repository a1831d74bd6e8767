// Random k-colourable graphs with a planted colouring: vertices get balanced random colours, and
// `edges` distinct edges are drawn between vertices of different colours.

import { Prng } from '../../src/model/prng.ts';

export interface PlantedColoring {
  /** DIMACS .col text. */
  col: string;
  /** The planted colouring as `v VERTEX COLOUR` lines. */
  solution: string;
  colours: number[];
}

export function plantedColoring(vertices: number, k: number, edges: number, seed: number): PlantedColoring {
  if (!Number.isInteger(vertices) || vertices < 2) throw new RangeError(`col: need at least 2 vertices, got ${vertices}`);
  if (!Number.isInteger(k) || k < 2 || k > vertices) throw new RangeError(`col: colours must be in 2..${vertices}, got ${k}`);
  const rng = new Prng(seed);
  const colours = rng.shuffle(Array.from({ length: vertices }, (_, i) => i % k));
  const classSizes = Array.from({ length: k }, (_, c) => colours.filter((x) => x === c).length);
  const possible = (vertices * (vertices - 1) - classSizes.reduce((a, s) => a + s * (s - 1), 0)) / 2;
  if (!Number.isInteger(edges) || edges < 0 || edges > possible) {
    throw new RangeError(`col: ${edges} edges requested, the planted colouring allows at most ${possible}`);
  }
  const seen = new Set<number>();
  const lines = [`c random ${k}-colourable graph with a planted colouring, seed ${seed}`, `p edge ${vertices} ${edges}`];
  while (seen.size < edges) {
    const u = rng.int(vertices);
    const v = rng.int(vertices);
    if (colours[u] === colours[v]) continue;
    const key = Math.min(u, v) * vertices + Math.max(u, v);
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`e ${u + 1} ${v + 1}`);
  }
  const solution = colours.map((c, i) => `v ${i + 1} ${c}`).join('\n');
  return { col: `${lines.join('\n')}\n`, solution: `${solution}\n`, colours };
}
