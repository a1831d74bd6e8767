// A Model normalised for propagation, in index space (index = value - min), once per problem.
// Immutable: any number of engines (src/propagate/engine.ts) run over one network.
//
// Normalisation, per model constraint j (its facts relative to the model's own domains, which
// every solution respects):
// - clause: literals over one variable merge into one index set; a literal that no domain value
//   satisfies drops out, a literal that every domain value satisfies makes the clause always
//   true. No literal left: never holds; one: a unary narrowing; more: a watched clause.
// - compare x op y + c: `i op j + k` with k = c + min_y - min_x; x = y folds to a constant.
// - allDifferent: one variable, or none, holds always; the same variable twice with the same
//   offset never holds; two variables become a compare !=; more, a GAC propagator over global
//   values (index + min + offset), each numbered once.
// - table: tuples that leave the domains, or give one variable two values, drop out; repeated
//   variables merge. Arity 0 folds, 1 narrows, 2 gets support masks (forbidden tables too), 3 or
//   more: allowed ones simple tabular reduction, forbidden ones forward checking.
// - linear: terms over one variable merge, zero coefficients drop out; the constant moves right
//   exactly (BigInt), and a comparison that the index range decides folds; one variable narrows
//   by enumeration; more: bounds propagation on `sum a_i * i_i <= k`, `= k` or `!= k`.
// A constraint that never holds is listed in `neverHolds`: the problem then has no solution.
//
// Throws InputError (from validateModel) on a malformed model.

import { validateModel } from '../model/compile-validate.ts';
import { foldComparison } from '../model/compile-sets.ts';
import { cmpCode, compare } from '../model/isa.ts';
import type { CompareOp, Model } from '../model/types.ts';
import { maskHas, modelDomains, wordsFor, type Domains } from './domains.ts';

export interface LiteralSpec {
  var: number;
  /** Indices that satisfy the literal (a mask of the variable's span). */
  set: Uint32Array;
}

export interface ClauseSpec {
  cons: number;
  /** At least two, on distinct variables. */
  literals: LiteralSpec[];
}

export interface UnarySpec {
  cons: number;
  var: number;
  /** The indices the constraint allows. */
  mask: Uint32Array;
}

/** i_x op i_y + k, x !== y. */
export interface CompareSpec { kind: 'compare'; cons: number; x: number; y: number; op: CompareOp; k: number }

/** Binary table as supports: index a of x is supported by the y indices supX[a] (null: none). */
export interface Table2Spec { kind: 'table2'; cons: number; x: number; y: number; supX: (Uint32Array | null)[]; supY: (Uint32Array | null)[] }

/** Table of arity >= 3 on distinct variables; tuples as indices, flat, row-major. */
export interface TableSpec { kind: 'str' | 'negtable'; cons: number; vars: number[]; tuples: Int32Array }

/** allDifferent over nodes (variables, a variable possibly twice); valueId[k][i]: global value number of index i of node k. */
export interface AllDiffSpec { kind: 'alldiff'; cons: number; vars: number[]; valueId: Int32Array[]; numValues: number }

/** sum coefs[t] * i_vars[t] op k on distinct variables, nonzero coefficients, at least 2 terms. */
export interface LinearSpec { kind: 'linear'; cons: number; vars: number[]; coefs: number[]; op: '<=' | '=' | '!='; k: number }

export type PropSpec = CompareSpec | Table2Spec | TableSpec | AllDiffSpec | LinearSpec;

export interface Network {
  model: Model;
  spans: number[];
  /** The model's domains. */
  domains: Domains;
  /** Distinct variables of each model constraint (for failure weights). */
  consVars: number[][];
  /** Model constraints that no assignment within the domains satisfies. */
  neverHolds: number[];
  unary: UnarySpec[];
  clauses: ClauseSpec[];
  props: PropSpec[];
}

export function buildNetwork(model: Model): Network {
  validateModel(model);
  const domains = modelDomains(model);
  const spans = model.variables.map((v) => v.size);
  const net: Network = { model, spans, domains, consVars: [], neverHolds: [], unary: [], clauses: [], props: [] };
  model.constraints.forEach((c, j) => {
    switch (c.type) {
      case 'clause': {
        net.consVars.push(distinct(c.literals.map((l) => l.var)));
        addClause(net, j, c.literals.map((l) => ({ var: l.var, set: literalSet(model, l.var, l.values, l.negated) })));
        break;
      }
      case 'compare':
        net.consVars.push(c.x === c.y ? [c.x] : [c.x, c.y]);
        addCompare(net, j, c.x, c.op, c.y, c.c + model.variables[c.y]!.min - model.variables[c.x]!.min);
        break;
      case 'allDifferent':
        net.consVars.push([...new Set(c.vars)]);
        addAllDifferent(net, j, c.vars, c.vars.map((v, k) => model.variables[v]!.min + (c.offsets[k] ?? 0)));
        break;
      case 'table':
        net.consVars.push([...new Set(c.vars)]);
        addTable(net, j, c.vars, c.tuples, c.mode);
        break;
      case 'linear':
        net.consVars.push([...new Set(c.terms.map((t) => t.var))]);
        addLinear(net, j, c.terms.map((t) => t.var), c.terms.map((t) => t.coef), c.op, c.rhs);
        break;
    }
  });
  return net;
}

/** The distinct numbers of a short list, in first-seen order. */
function distinct(xs: number[]): number[] {
  return xs.length < 16 ? xs.filter((x, k) => xs.indexOf(x) === k) : [...new Set(xs)];
}

/** Indices of variable v whose value is (or, negated, is not) among `values`. */
function literalSet(model: Model, v: number, values: readonly number[], negated: boolean): Uint32Array {
  const { min, size } = model.variables[v]!;
  const set = new Uint32Array(wordsFor(size));
  for (const value of values) {
    const i = value - min;
    if (Number.isInteger(i) && i >= 0 && i < size) set[i >>> 5]! |= 1 << (i & 31);
  }
  if (negated) {
    for (let k = 0; k < set.length; k++) set[k] = ~set[k]!;
    clearPastSpan(set, size);
  }
  return set;
}

function clearPastSpan(set: Uint32Array, size: number): void {
  if (size & 31) set[set.length - 1]! &= (1 << (size & 31)) - 1;
}

function addClause(net: Network, cons: number, literals: LiteralSpec[]): void {
  // Merge literals on one variable (a clause is short: a linear scan beats a map).
  const merged: LiteralSpec[] = [];
  // (the sets are fresh: merging may change them in place)
  for (const l of literals) {
    const prev = merged.find((m) => m.var === l.var);
    if (prev) for (let k = 0; k < prev.set.length; k++) prev.set[k]! |= l.set[k]!;
    else merged.push(l);
  }
  const live: LiteralSpec[] = [];
  for (const { var: v, set } of merged) {
    const dom = net.domains[v]!;
    let some = false;
    let all = true;
    for (let k = 0; k < set.length; k++) {
      const w = dom[k]!;
      if (w & set[k]!) some = true;
      if (w & ~set[k]!) all = false;
    }
    if (all) return; // always true
    if (some) {
      for (let k = 0; k < set.length; k++) set[k]! &= dom[k]!;
      live.push({ var: v, set });
    }
  }
  if (live.length === 0) net.neverHolds.push(cons);
  else if (live.length === 1) net.unary.push({ cons, var: live[0]!.var, mask: live[0]!.set });
  else net.clauses.push({ cons, literals: live });
}

function addCompare(net: Network, cons: number, x: number, op: CompareOp, y: number, k: number): void {
  if (x === y) {
    if (!compare(cmpCode(op), 0, k)) net.neverHolds.push(cons);
    return;
  }
  net.props.push({ kind: 'compare', cons, x, y, op, k });
}

function addAllDifferent(net: Network, cons: number, vars: number[], shifts: number[]): void {
  const seen = new Set<string>();
  for (let k = 0; k < vars.length; k++) {
    const key = `${vars[k]}:${shifts[k]}`;
    if (seen.has(key)) { net.neverHolds.push(cons); return; }
    seen.add(key);
  }
  if (vars.length < 2) return;
  if (vars.length === 2) {
    // i0 + s0 != i1 + s1 (s = min + offset)  <=>  i0 != i1 + (s1 - s0).
    addCompare(net, cons, vars[0]!, '!=', vars[1]!, shifts[1]! - shifts[0]!);
    return;
  }
  const ids = new Map<number, number>();
  const valueId = vars.map((v, k) => Int32Array.from({ length: net.spans[v]! }, (_, i) => {
    const g = i + shifts[k]!;
    let id = ids.get(g);
    if (id === undefined) ids.set(g, (id = ids.size));
    return id;
  }));
  net.props.push({ kind: 'alldiff', cons, vars, valueId, numValues: ids.size });
}

function addTable(net: Network, cons: number, rawVars: number[], rawTuples: number[][], mode: 'allowed' | 'forbidden'): void {
  const vars = [...new Set(rawVars)];
  const pos = rawVars.map((v) => vars.indexOf(v));
  const seen = new Set<string>();
  const tuples: number[][] = [];
  for (const t of rawTuples) {
    const row = new Array<number>(vars.length).fill(-1);
    let ok = true;
    for (let p = 0; p < rawVars.length && ok; p++) {
      const v = rawVars[p]!;
      const i = t[p]! - net.model.variables[v]!.min;
      if (!maskHas(net.domains[v]!, i)) ok = false;
      else if (row[pos[p]!] === -1) row[pos[p]!] = i;
      else if (row[pos[p]!] !== i) ok = false;
    }
    if (!ok) continue;
    const key = row.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    tuples.push(row);
  }
  const allowed = mode === 'allowed';
  if (vars.length === 0) {
    if (allowed === (tuples.length === 0)) net.neverHolds.push(cons);
    return;
  }
  if (!allowed && tuples.length === 0) return;
  if (vars.length === 1) {
    const v = vars[0]!;
    const mask = new Uint32Array(wordsFor(net.spans[v]!));
    for (const [i] of tuples) mask[i! >>> 5]! |= 1 << (i! & 31);
    if (!allowed) mask.forEach((w, k) => { mask[k] = net.domains[v]![k]! & ~w; });
    net.unary.push({ cons, var: v, mask });
    return;
  }
  if (vars.length === 2) {
    const [x, y] = [vars[0]!, vars[1]!];
    net.props.push({ kind: 'table2', cons, x, y, supX: supports(net, x, y, tuples, 0, allowed), supY: supports(net, y, x, tuples, 1, allowed) });
    return;
  }
  if (allowed && tuples.length === 0) { net.neverHolds.push(cons); return; }
  net.props.push({ kind: allowed ? 'str' : 'negtable', cons, vars, tuples: Int32Array.from(tuples.flat()) });
}

/** Supports of each index of x (position p in the tuples) among the indices of y. */
function supports(net: Network, x: number, y: number, tuples: number[][], p: number, allowed: boolean): (Uint32Array | null)[] {
  const words = wordsFor(net.spans[y]!);
  const listed: (Uint32Array | null)[] = new Array<Uint32Array | null>(net.spans[x]!).fill(null);
  for (const t of tuples) {
    const a = t[p]!;
    const b = t[1 - p]!;
    const s = (listed[a] ??= new Uint32Array(words));
    s[b >>> 5]! |= 1 << (b & 31);
  }
  if (allowed) return listed;
  const full = net.domains[y]!;
  return listed.map((s) => (s === null ? full : s.map((w, k) => full[k]! & ~w)));
}

function addLinear(net: Network, cons: number, rawVars: number[], rawCoefs: number[], op: CompareOp, rhs: number): void {
  const coef = new Map<number, number>();
  rawVars.forEach((v, t) => coef.set(v, (coef.get(v) ?? 0) + rawCoefs[t]!));
  const vars = [...coef.keys()].filter((v) => coef.get(v) !== 0);
  const coefs = vars.map((v) => coef.get(v)!);
  // sum a (min + i) op rhs  <=>  sum a i op rhs - sum a min, exactly.
  let big = BigInt(rhs);
  vars.forEach((v, t) => { big -= BigInt(coefs[t]!) * BigInt(net.model.variables[v]!.min); });
  let lo = 0;
  let hi = 0;
  vars.forEach((v, t) => {
    const a = coefs[t]!;
    const span = net.spans[v]! - 1;
    lo += Math.min(0, a * span);
    hi += Math.max(0, a * span);
  });
  // Outside [lo, hi] the comparison's outcome is that of the nearest point just outside.
  const k = big > BigInt(hi) ? hi + 1 : big < BigInt(lo) ? lo - 1 : Number(big);
  const folded = foldComparison(op, lo, hi, k);
  if (folded !== null) {
    if (!folded) net.neverHolds.push(cons);
    return;
  }
  if (vars.length === 1) {
    const v = vars[0]!;
    const a = coefs[0]!;
    const mask = new Uint32Array(wordsFor(net.spans[v]!));
    const cop = cmpCode(op);
    for (let i = 0; i < net.spans[v]!; i++) if (compare(cop, a * i, k)) mask[i >>> 5]! |= 1 << (i & 31);
    net.unary.push({ cons, var: v, mask });
    return;
  }
  const neg = op === '>=' || op === '>';
  const spec: LinearSpec = {
    kind: 'linear', cons, vars, coefs: neg ? coefs.map((a) => -a) : coefs,
    op: op === '=' ? '=' : op === '!=' ? '!=' : '<=',
    k: op === '<' ? k - 1 : op === '>=' ? -k : op === '>' ? -k - 1 : k,
  };
  net.props.push(spec);
}
