// What the web page needs to draw a job's solutions (GET /v1/jobs/:id/problem): the submitted
// problem's variables in order (name, kind, domain), the values the problem itself fixes (a
// sudoku's givens: one-value domains and unit clauses `x = v`), and for .col the graph's edges.
// Read from the problem as submitted, before root propagation, so that "given" means given.

import { parseProblem } from '../model/parse.ts';
import type { Model } from '../model/types.ts';
import type { SolveRequest } from '../solve/types.ts';

export function problemView(request: SolveRequest) {
  const model = parseProblem(request.source, {
    format: request.format,
    ...(request.options.colors !== undefined ? { colors: request.options.colors } : {}),
  });
  return {
    format: model.format,
    name: model.meta.name ?? null,
    colors: request.options.colors ?? null,
    variables: model.variables.map((v) => ({ name: v.name, kind: v.kind, min: v.min, size: v.size })),
    givens: givens(model),
    edges: model.format === 'col' ? edges(model) : [],
  };
}

/** [variable index, value] for every variable the problem fixes to one value. */
function givens(model: Model): [number, number][] {
  const fixed = new Map<number, number>();
  model.variables.forEach((v, i) => {
    const allowed = v.allowed.flatMap((ok, k) => (ok ? [k] : []));
    if (allowed.length === 1) fixed.set(i, v.min + allowed[0]!);
  });
  for (const c of model.constraints) {
    if (c.type !== 'clause' || c.literals.length !== 1) continue;
    const [l] = c.literals;
    if (!l!.negated && l!.values.length === 1) fixed.set(l!.var, l!.values[0]!);
  }
  return [...fixed].sort((a, b) => a[0] - b[0]);
}

/** [u, v] variable indices of each edge: a .col file's `u != v` constraints. */
function edges(model: Model): [number, number][] {
  return model.constraints.flatMap((c) => (c.type === 'compare' && c.op === '!=' && c.c === 0 ? [[c.x, c.y] as [number, number]] : []));
}

const pairs = { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 } } as const;

export const problemViewSchema = {
  type: 'object',
  properties: {
    format: { type: 'string' },
    name: { type: ['string', 'null'] },
    colors: { type: ['integer', 'null'] },
    variables: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, kind: { type: 'string', enum: ['int', 'bool'] }, min: { type: 'integer' }, size: { type: 'integer' } },
      },
    },
    givens: { ...pairs, description: '[variable index, value]: values the problem itself fixes' },
    edges: { ...pairs, description: '[u, v] variable indices: the edges of a .col graph' },
  },
} as const;
