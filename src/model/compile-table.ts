// Table constraints in index space. Tuple values map to indices; a tuple with a value outside
// the representable indices can never match, so it drops out (of an allowed table: one fewer
// way to satisfy it; of a forbidden table: nothing to forbid).
//
// Allowed tables: a DNF term per tuple (x_i = t_i for all i). Forbidden tables: a CNF term per
// tuple (x_i != t_i for some i). For binary tables the *support* encoding is also built, keyed
// on x and on y, and the encoding with the fewest words kept. With S_a the y partners of x = a
// listed in the table: allowed, the CNF (x in A) AND, for each a in A, (x != a OR y in S_a),
// A being the x values with a partner; forbidden, for each a with partners, (x != a OR y not in
// S_a).

import { simplify, wordCount, type Compiled, type Lit, type Terms } from './compile-emit.ts';
import { complement, emptySet, equalLiteral, setLiterals, type IndexSet } from './compile-sets.ts';
import type { Model, TableConstraint } from './types.ts';

export function compileTable(model: Model, c: TableConstraint, widths: readonly number[]): Compiled {
  const tuples = representableTuples(model, c, widths);
  const forbidden = c.mode === 'forbidden';
  const width = (i: number): number => widths[c.vars[i]!]!;
  const candidates: Terms[] = [forbidden
    ? { dnf: false, terms: tuples.map((t) => t.flatMap((index, i) => setLiterals(c.vars[i]!, single(width(i), index, true)))) }
    : { dnf: true, terms: tuples.map((t) => t.map((index, i) => equalLiteral(c.vars[i]!, width(i), index))) }];
  if (c.vars.length === 2) {
    candidates.push(support(c.vars[0]!, c.vars[1]!, widths, tuples, false, forbidden));
    candidates.push(support(c.vars[1]!, c.vars[0]!, widths, tuples, true, forbidden));
  }
  let best: Compiled | null = null;
  for (const cand of candidates) {
    const code = simplify(cand);
    if (best === null || wordCount(code) < wordCount(best.code)) best = { code, dnf: cand.dnf };
  }
  return best!;
}

/** Tuples as index vectors, without duplicates and without those that cannot be represented. */
function representableTuples(model: Model, c: TableConstraint, widths: readonly number[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const tuple of c.tuples) {
    const indices = tuple.map((value, i) => value - model.variables[c.vars[i]!]!.min);
    if (!indices.every((index, i) => index >= 0 && index < 1 << widths[c.vars[i]!]!)) continue;
    const key = indices.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(indices);
  }
  return out;
}

/** {index} (or its complement) over the representable indices of a width. */
function single(width: number, index: number, negate: boolean): IndexSet {
  const set = emptySet(width);
  set[index] = 1;
  return negate ? complement(set) : set;
}

/**
 * The support encoding keyed on x. Allowed: (x in A) AND for each a in A: (x != a OR y in S_a).
 * Forbidden: for each a with partners: (x != a OR y in R_y \ S_a).
 */
function support(x: number, y: number, widths: readonly number[], tuples: number[][], swapped: boolean, forbidden: boolean): Terms {
  const wx = widths[x]!;
  const partners = new Map<number, IndexSet>();
  for (const t of tuples) {
    const [a, b] = swapped ? [t[1]!, t[0]!] : [t[0]!, t[1]!];
    let s = partners.get(a);
    if (!s) partners.set(a, (s = emptySet(widths[y]!)));
    s[b] = 1;
  }
  const terms: Lit[][] = [];
  if (!forbidden) {
    const hasPartner = emptySet(wx);
    for (const a of partners.keys()) hasPartner[a] = 1;
    terms.push(setLiterals(x, hasPartner));
  }
  for (const [a, s] of [...partners].sort((p, q) => p[0] - q[0])) {
    terms.push([...setLiterals(x, single(wx, a, true)), ...setLiterals(y, forbidden ? complement(s) : s)]);
  }
  return { dnf: false, terms };
}
