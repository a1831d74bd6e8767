// DIMACS .col graph colouring (docs/formats.md): `p edge V E` (or `p col V E`), `e u v` lines and
// `c` comment lines. The number of colours k is not in the file; it comes with the request.
// Vertices are named "1".."V" with domain 0..k-1; each distinct edge {u, v} becomes `u != v`
// (an edge listed twice, in either direction, gives one constraint). A self-loop `e v v` is kept
// as `v != v`: valid input that no colouring satisfies.

import { afterToken, DimacsReader, readIntToken, tokenError, type Token } from './dimacs.ts';
import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import type { CompareConstraint, Model } from './types.ts';

interface Header {
  vertices: number;
  edges: number;
  edgesToken: Token;
}

export function parseCol(text: string, colors: number | undefined, name?: string): Model {
  if (colors === undefined) {
    throw new InputError('the number of colours is missing: .col input needs it as an option (colors, on the command line --colors K)');
  }
  if (!Number.isInteger(colors) || colors < 1 || colors > LIMITS.maxColors) {
    throw new InputError(`the number of colours must be an integer in 1..${LIMITS.maxColors}, got ${colors}`);
  }
  const reader = new DimacsReader(text);
  let header: Header | undefined;
  let edgeLines = 0;
  const seen = new Set<number>();
  const constraints: CompareConstraint[] = [];

  while (reader.nextLine()) {
    const first = reader.token()!;
    if (first.text.startsWith('c')) continue;
    if (first.text === 'p') {
      if (header) throw tokenError(first, 'a second "p edge" header');
      header = readHeader(reader, first);
      continue;
    }
    if (first.text !== 'e') throw tokenError(first, `unknown line type "${first.text}" (expected c, p or e)`);
    if (!header) throw tokenError(first, 'expected the "p edge VERTICES EDGES" header before the first edge');
    if (edgeLines === header.edges) throw tokenError(first, `more edges than the ${header.edges} the header declares`);
    edgeLines++;
    const uTok = reader.token();
    if (!uTok) throw tokenError(afterToken(first), 'an edge needs two vertices');
    const vTok = reader.token();
    if (!vTok) throw tokenError(afterToken(uTok), 'an edge needs two vertices');
    const extra = reader.token();
    if (extra) throw tokenError(extra, 'unexpected text after the edge');
    const u = readVertex(uTok, header.vertices);
    const v = readVertex(vTok, header.vertices);
    const key = Math.min(u, v) * header.vertices + Math.max(u, v);
    if (seen.has(key)) continue;
    seen.add(key);
    constraints.push({ type: 'compare', x: u, op: '!=', y: v, c: 0 });
  }

  if (!header) throw new InputError('no "p edge VERTICES EDGES" header', { line: reader.lastNonBlankLine, column: 1 });
  if (edgeLines !== header.edges) {
    throw tokenError(header.edgesToken, `the header declares ${header.edges} edges but the file has ${edgeLines}`);
  }
  const model: Model = {
    format: 'col',
    variables: Array.from({ length: header.vertices }, (_, i) => ({
      name: String(i + 1), min: 0, size: colors, allowed: new Array<boolean>(colors).fill(true), kind: 'int' as const,
    })),
    constraints,
    meta: { colors },
  };
  if (name !== undefined) model.meta.name = name;
  return model;
}

function readHeader(reader: DimacsReader, p: Token): Header {
  const kind = reader.token();
  if (!kind) throw tokenError(afterToken(p), 'the header needs "edge", the number of vertices and the number of edges');
  if (kind.text !== 'edge' && kind.text !== 'col') throw tokenError(kind, `expected "p edge" or "p col", got "p ${kind.text}"`);
  const vertices = reader.token();
  if (!vertices) throw tokenError(afterToken(kind), 'the header needs the number of vertices and the number of edges');
  const edges = reader.token();
  if (!edges) throw tokenError(afterToken(vertices), 'the header needs the number of edges');
  const extra = reader.token();
  if (extra) throw tokenError(extra, 'unexpected text after the header');
  return {
    vertices: readIntToken(vertices, 'a vertex count', 0, LIMITS.maxVariables),
    edges: readIntToken(edges, 'an edge count', 0, LIMITS.maxConstraints),
    edgesToken: edges,
  };
}

/** A 1-based vertex number, returned 0-based. */
function readVertex(token: Token, vertices: number): number {
  const v = readIntToken(token, 'a vertex number', -LIMITS.maxValue, LIMITS.maxValue);
  if (v < 1 || v > vertices) throw tokenError(token, `vertex ${v} is out of range 1..${vertices}`);
  return v - 1;
}
