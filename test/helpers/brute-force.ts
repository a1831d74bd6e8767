// Ground truth for small models, by enumeration: every in-domain assignment, judged by the
// reference model checker. Independent of src/propagate/ (it shares only the model types).
// Also the small random instances of the propagation and tree-search tests.

import { checkModel } from '../../src/check/model-checker.ts';
import type { Prng } from '../../src/model/prng.ts';
import type { Model } from '../../src/model/types.ts';

/** Every in-domain index vector, or null when there are more than `limit`. */
export function domainAssignments(model: Model, limit: number): number[][] | null {
  const choices = model.variables.map((v) => v.allowed.flatMap((a, i) => (a ? [i] : [])));
  let total = 1;
  for (const c of choices) {
    total *= c.length;
    if (total > limit) return null;
  }
  const out: number[][] = [];
  const cur = new Array<number>(choices.length).fill(0);
  const walk = (k: number): void => {
    if (k === choices.length) { out.push([...cur]); return; }
    for (const i of choices[k]!) { cur[k] = i; walk(k + 1); }
  };
  walk(0);
  return out;
}

/** Every solution (as indices), or null when the domains hold more than `limit` assignments. */
export function allSolutions(model: Model, limit: number): number[][] | null {
  return domainAssignments(model, limit)?.filter((a) => checkModel(model, a).ok) ?? null;
}

/** Uniform random k-SAT (distinct variables per clause, random signs) as DIMACS text. */
export function randomCnf(rng: Prng, vars: number, clauses: number, k = 3): string {
  const lines = [`p cnf ${vars} ${clauses}`];
  for (let c = 0; c < clauses; c++) {
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(1 + rng.int(vars));
    lines.push(`${[...chosen].map((v) => (rng.int(2) ? v : -v)).join(' ')} 0`);
  }
  return `${lines.join('\n')}\n`;
}

/** A uniform random graph with `edges` distinct edges as DIMACS .col text. */
export function randomGraph(rng: Prng, vertices: number, edges: number): string {
  const seen = new Set<number>();
  const lines = [`p edge ${vertices} ${edges}`];
  while (seen.size < edges) {
    const u = rng.int(vertices);
    const v = rng.int(vertices);
    if (u === v || seen.has(Math.min(u, v) * vertices + Math.max(u, v))) continue;
    seen.add(Math.min(u, v) * vertices + Math.max(u, v));
    lines.push(`e ${u + 1} ${v + 1}`);
  }
  return `${lines.join('\n')}\n`;
}
