// Propagation at compile time, to prove unsatisfiability early: unary constraints (a table or a
// linear sum over one variable) narrow that variable's domain, then unit propagation over the
// clauses finds a clause whose literals all became false, or a domain emptied by clauses that
// narrowed to one variable (unit clauses, unary literals). Works on domain values only (holes
// excluded), since a solution must lie in the domains; the compiled program still states the
// domains as the model does.

import { UnsatisfiableError } from './errors.ts';
import { cmpCode, compare } from './isa.ts';
import type { ClauseConstraint, Constraint, Literal, Model } from './types.ts';

/** Throws UnsatisfiableError when propagation empties a domain or falsifies a clause. */
export function propagate(model: Model): void {
  const vars = model.variables;
  for (const v of vars) {
    if (!v.allowed.includes(true)) throw new UnsatisfiableError(`variable ${v.name} has an empty domain`);
  }
  // Domains as 0/1 per index, built only for the variables that propagation touches.
  const domains = new Map<number, Uint8Array>();
  const domainOf = (i: number): Uint8Array => {
    let dom = domains.get(i);
    if (!dom) domains.set(i, (dom = Uint8Array.from(vars[i]!.allowed, (a) => (a ? 1 : 0))));
    return dom;
  };
  /** Keep only the allowed indices of v; true when the domain changed. */
  const narrow = (v: number, allowed: Uint8Array, why: string): boolean => {
    const dom = domainOf(v);
    let changed = false;
    let left = 0;
    for (let i = 0; i < dom.length; i++) {
      if (dom[i] && !allowed[i]) { dom[i] = 0; changed = true; }
      left += dom[i]!;
    }
    if (left === 0) throw new UnsatisfiableError(`${why} leave variable ${vars[v]!.name} no value`);
    return changed;
  };

  const clauses: { index: number; clause: ClauseConstraint }[] = [];
  const watchers: number[][] = vars.map(() => []);
  model.constraints.forEach((c, index) => {
    if (c.type === 'clause') {
      for (const lit of c.literals) watchers[lit.var]!.push(clauses.length);
      clauses.push({ index, clause: c });
      return;
    }
    const unary = unaryIndices(model, c);
    if (unary) narrow(unary[0], unary[1], `constraint ${index} (${c.type}) and the constraints before it`);
  });

  const done = new Uint8Array(clauses.length);
  const queued = new Uint8Array(clauses.length).fill(1);
  const queue = clauses.map((_, i) => i);
  while (queue.length > 0) {
    const ci = queue.pop()!;
    queued[ci] = 0;
    if (done[ci]) continue;
    const { index, clause } = clauses[ci]!;
    const narrowed = narrowClause(model, clause, domainOf, index);
    if (narrowed === 'satisfied') { done[ci] = 1; continue; }
    if (narrowed === null) continue;
    const [v, allowed] = narrowed;
    done[ci] = 1;
    if (!narrow(v, allowed, 'the constraints')) continue;
    for (const other of watchers[v]!) {
      if (!done[other] && !queued[other]) { queued[other] = 1; queue.push(other); }
    }
  }
}

/**
 * For a table or linear constraint over a single variable: that variable and which of its
 * indices 0..size-1 satisfy the constraint. null for any other constraint, and for sums too
 * large to evaluate exactly.
 */
function unaryIndices(model: Model, c: Constraint): [number, Uint8Array] | null {
  if (c.type === 'table') {
    const x = c.vars[0];
    if (x === undefined || c.vars.some((v) => v !== x)) return null;
    const { min, size } = model.variables[x]!;
    const match = new Uint8Array(size);
    for (const t of c.tuples) {
      const i = t[0]! - min;
      if (i >= 0 && i < size && t.every((value) => value === t[0])) match[i] = 1;
    }
    return [x, c.mode === 'allowed' ? match : match.map((b) => b ^ 1)];
  }
  if (c.type === 'linear') {
    const x = c.terms[0]?.var;
    if (x === undefined || c.terms.some((t) => t.var !== x)) return null;
    const coef = c.terms.reduce((sum, t) => sum + t.coef, 0);
    const { min, size } = model.variables[x]!;
    if (!Number.isSafeInteger(coef * min) || !Number.isSafeInteger(coef * (min + size - 1))) return null;
    const cop = cmpCode(c.op);
    return [x, Uint8Array.from({ length: size }, (_, i) => (compare(cop, coef * (min + i), c.rhs) ? 1 : 0))];
  }
  return null;
}

/**
 * Evaluate a clause on the current domains: 'satisfied' when some literal holds for every value
 * left, [variable, allowed indices] when the live literals concern one variable, else null.
 */
function narrowClause(model: Model, clause: ClauseConstraint, domainOf: (i: number) => Uint8Array, index: number): 'satisfied' | [number, Uint8Array] | null {
  let only = -1;
  let union: Uint8Array | null = null;
  for (const lit of clause.literals) {
    const dom = domainOf(lit.var);
    const holds = literalIndices(lit, model.variables[lit.var]!.min, dom.length);
    let live = false;
    let all = true;
    for (let i = 0; i < dom.length; i++) {
      if (!dom[i]) continue;
      if (holds[i]) live = true; else all = false;
    }
    if (all) return 'satisfied';
    if (!live) continue;
    if (only !== -1 && only !== lit.var) return null;
    only = lit.var;
    union ??= new Uint8Array(dom.length);
    for (let i = 0; i < dom.length; i++) union[i]! |= holds[i]!;
  }
  if (union === null) throw new UnsatisfiableError(`constraint ${index} (clause) has no literal that can hold`);
  return [only, union];
}

/** Which indices 0..size-1 of the literal's variable satisfy it. */
function literalIndices(lit: Literal, min: number, size: number): Uint8Array {
  const holds = new Uint8Array(size).fill(lit.negated ? 1 : 0);
  for (const value of lit.values) {
    const i = value - min;
    if (Number.isInteger(i) && i >= 0 && i < size) holds[i] = lit.negated ? 0 : 1;
  }
  return holds;
}
