// The factors of a model constraint that a concrete candidate violates. With every variable at
// one value, each factor's expected violation (reference.ts) is 0 or 1; this evaluates exactly
// that, cheaply, so feedback can tell which pairs of an allDifferent clash, not just that it does.

import type { FactorGraph } from './factor-graph.ts';

/** Factor rows grouped by the model constraint they come from. */
export interface FactorIndex {
  pairs: number[][];
  clauses: number[][];
  linears: number[][];
  /** Clause row -> its literal rows. */
  clauseLiterals: number[][];
  /** Linear row -> its term rows. */
  linearTerms: number[][];
}

function groupBy(owner: Int32Array, groups: number): number[][] {
  const out: number[][] = Array.from({ length: groups }, () => []);
  owner.forEach((g, row) => out[g].push(row));
  return out;
}

export function indexFactors(g: FactorGraph): FactorIndex {
  const C = g.constraintVars.length;
  return {
    pairs: groupBy(g.pairCon, C),
    clauses: groupBy(g.clauseCon, C),
    linears: groupBy(g.linearCon, C),
    clauseLiterals: groupBy(g.litClause, g.clauseCon.length),
    linearTerms: groupBy(g.termCon, g.linearCon.length),
  };
}

export function pairViolated(g: FactorGraph, e: number, c: readonly number[]): boolean {
  const y = c[g.pairSrc[e]];
  const t = c[g.pairDst[e]] + g.pairShift[e];
  const hit = g.pairKind[e] === 0 ? y === t : y <= t;
  return hit !== (g.pairFlip[e] === 1);
}

export function clauseViolated(g: FactorGraph, idx: FactorIndex, k: number, c: readonly number[]): boolean {
  return idx.clauseLiterals[k].every((l) => g.litMask[l * g.numValues + c[g.litVar[l]]] === 0);
}

export function linearViolated(g: FactorGraph, idx: FactorIndex, k: number, c: readonly number[]): boolean {
  let sum = 0;
  for (const t of idx.linearTerms[k]) sum += g.termCoef[t] * c[g.termVar[t]];
  return sum < g.linearLo[k] || sum > g.linearHi[k];
}
