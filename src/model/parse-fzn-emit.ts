// Model constraints from FlatZinc arguments that may be variables or constants (FznRef). Every
// helper folds constants first, so a constraint that is decided by the file alone becomes
// nothing (it holds) or an empty clause (it can never hold: compiling then proves the problem
// unsatisfiable, as the JSON format does for `x != x`).
//
// `relation` is the general tool: any predicate over a few small-domain variables becomes, for
// each combination of all variables but one (the "key", the one with the largest domain), the
// clause "those variables take other values, or the key lies in the set that satisfies the
// predicate". It is exact, and it is how reified comparisons, int_times, int_abs, element and
// the like are expressed. It refuses (returns false) when the combinations exceed RELATION_LIMIT.

import { LIMITS } from './limits.ts';
import { fznError, type Pos } from './parse-fzn-syntax.ts';
import type { CompareOp, Constraint, FznRef, Literal, Variable } from './types.ts';

/** Combinations of the non-key variables `relation` enumerates at most (= clauses per direction). */
export const RELATION_LIMIT = 4096;

export const HOLDS: Record<CompareOp, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

export interface Term {
  coef: number;
  ref: FznRef;
}

export class Emitter {
  constructor(readonly variables: Variable[], readonly constraints: Constraint[]) {}

  /** The values a reference can take: its domain, or its constant. */
  values(r: FznRef): number[] {
    if ('value' in r) return [r.value];
    const v = this.variables[r.var]!;
    return v.allowed.flatMap((ok, i) => (ok ? [v.min + i] : []));
  }

  /** The literal `r in {v : pred(v)}`, or true/false when that is decided. */
  lit(r: FznRef, pred: (v: number) => boolean): Literal | boolean {
    if ('value' in r) return pred(r.value);
    const all = this.values(r);
    const yes = all.filter(pred);
    if (yes.length === all.length) return true;
    if (yes.length === 0) return false;
    const no = all.filter((v) => !pred(v));
    return yes.length <= no.length ? { var: r.var, values: yes, negated: false } : { var: r.var, values: no, negated: true };
  }

  /** At least one of `lits` holds: true literals drop the clause, false ones drop out. */
  clause(lits: (Literal | boolean)[]): void {
    if (lits.some((l) => l === true)) return;
    this.constraints.push({ type: 'clause', literals: lits.filter((l): l is Literal => l !== false) });
  }

  /** x op y + c. */
  compare(x: FznRef, op: CompareOp, y: FznRef, c: number, pos: Pos): void {
    const holds = HOLDS[op];
    if ('value' in y) return this.clause([this.lit(x, (v) => holds(v, y.value + c))]);
    if ('value' in x) return this.clause([this.lit(y, (v) => holds(x.value, v + c))]);
    if (x.var === y.var) return this.clause([this.lit(x, (v) => holds(v, v + c))]);
    this.constraints.push({ type: 'compare', x: x.var, op, y: y.var, c: checkValue(c, pos) });
  }

  /** sum(coef * ref) op rhs, as a clause, a comparison or a linear constraint. */
  linear(terms: Term[], op: CompareOp, rhs: number, pos: Pos, what: string): void {
    const byVar = new Map<number, number>();
    for (const t of terms) {
      if ('value' in t.ref) rhs -= t.coef * t.ref.value;
      else byVar.set(t.ref.var, (byVar.get(t.ref.var) ?? 0) + t.coef);
    }
    let vars = [...byVar].filter(([, coef]) => coef !== 0);
    if (!Number.isSafeInteger(rhs)) fznError(`${what}: the constant side ${rhs} is out of range`, pos);
    // Divide by the common factor: smaller coefficients, and = / != decided when it does not divide.
    const g = vars.reduce((acc, [, coef]) => gcd(acc, Math.abs(coef)), 0);
    if (g > 1) {
      if (op === '=' || op === '!=') {
        if (rhs % g !== 0) return this.clause([op === '!=']);
        rhs /= g;
      } else if (op === '<=' || op === '<') {
        rhs = op === '<' ? Math.ceil(rhs / g) - 1 : Math.floor(rhs / g);
        op = '<=';
      } else {
        rhs = op === '>' ? Math.floor(rhs / g) + 1 : Math.ceil(rhs / g);
        op = '>=';
      }
      vars = vars.map(([v, coef]) => [v, coef / g]);
    }
    if (vars.length === 0) return this.clause([HOLDS[op](0, rhs)]);
    if (vars.length === 1) {
      const [v, coef] = vars[0]!;
      return this.clause([this.lit({ var: v }, (x) => HOLDS[op](coef * x, rhs))]);
    }
    if (vars.length === 2 && Math.abs(vars[0]![1]) === 1 && vars[0]![1] === -vars[1]![1]) {
      // x - y op rhs  <=>  x op y + rhs
      const [x, y] = vars[0]![1] === 1 ? [vars[0]![0], vars[1]![0]] : [vars[1]![0], vars[0]![0]];
      return this.compare({ var: x }, op, { var: y }, rhs, pos);
    }
    for (const [, coef] of vars) {
      if (coef < LIMITS.minCoefficient || coef > LIMITS.maxCoefficient) {
        fznError(`${what}: coefficient ${coef} is outside ${LIMITS.minCoefficient}..${LIMITS.maxCoefficient}, the range of the device's linear sums; scale the constraint down`, pos);
      }
    }
    this.constraints.push({ type: 'linear', terms: vars.map(([v, coef]) => ({ coef, var: v })), op, rhs: checkValue(rhs, pos) });
  }

  /**
   * pred over the references' values, as clauses (see the top of this file). false when the
   * non-key variables have more than RELATION_LIMIT combinations (nothing is emitted then).
   */
  relation(refs: FznRef[], pred: (values: number[]) => boolean): boolean {
    const vars = [...new Set(refs.flatMap((r) => ('var' in r ? [r.var] : [])))];
    if (vars.length === 0) {
      this.clause([pred(refs.map((r) => (r as { value: number }).value))]);
      return true;
    }
    const domains = new Map(vars.map((v) => [v, this.values({ var: v })]));
    const key = vars.reduce((a, b) => (domains.get(b)!.length > domains.get(a)!.length ? b : a));
    const others = vars.filter((v) => v !== key);
    let combos = 1;
    for (const v of others) {
      combos *= domains.get(v)!.length;
      if (combos > RELATION_LIMIT) return false;
    }
    const assignment = new Map<number, number>();
    const valueOf = (r: FznRef): number => ('value' in r ? r.value : assignment.get(r.var)!);
    const walk = (k: number): void => {
      if (k < others.length) {
        for (const v of domains.get(others[k]!)!) {
          assignment.set(others[k]!, v);
          walk(k + 1);
        }
        return;
      }
      const keyLit = this.lit({ var: key }, (v) => {
        assignment.set(key, v);
        return pred(refs.map(valueOf));
      });
      if (keyLit === true) return;
      this.clause([...others.map((o) => this.lit({ var: o }, (v) => v !== assignment.get(o))), keyLit]);
    };
    walk(0);
    return true;
  }

  /** All different: constants become `x != c` clauses, a repeated variable can never hold. */
  allDifferent(refs: FznRef[]): void {
    const consts = refs.flatMap((r) => ('value' in r ? [r.value] : []));
    const vars = refs.flatMap((r) => ('var' in r ? [r.var] : []));
    if (new Set(consts).size < consts.length || new Set(vars).size < vars.length) return this.clause([]);
    for (const c of new Set(consts)) for (const v of vars) this.clause([this.lit({ var: v }, (x) => x !== c)]);
    if (vars.length >= 2) this.constraints.push({ type: 'allDifferent', vars, offsets: vars.map(() => 0) });
  }

  /** The references take the values of one of the tuples (constants and repeated variables folded). */
  table(refs: FznRef[], tuples: number[][], pos: Pos, what: string): void {
    const vars: number[] = [];
    const column = new Map<number, number>();
    refs.forEach((r, i) => {
      if ('var' in r && !column.has(r.var)) {
        column.set(r.var, i);
        vars.push(r.var);
      }
    });
    const domains = vars.map((v) => new Set(this.values({ var: v })));
    const kept: number[][] = [];
    const seen = new Set<string>();
    for (const t of tuples) {
      const ok = refs.every((r, i) => ('value' in r ? t[i] === r.value : t[i] === t[column.get(r.var)!]));
      if (!ok) continue;
      const row = vars.map((v) => t[column.get(v)!]!);
      if (!row.every((x, j) => domains[j]!.has(x))) continue;
      const k = row.join(',');
      if (seen.has(k)) continue;
      seen.add(k);
      kept.push(row);
    }
    if (vars.length === 0 || kept.length === 0) return this.clause([kept.length > 0]);
    if (kept.length > LIMITS.maxTableTuples) fznError(`${what}: ${kept.length} tuples, over the limit of ${LIMITS.maxTableTuples}`, pos);
    if (vars.length === 1) return this.clause([this.lit({ var: vars[0]! }, (x) => kept.some((t) => t[0] === x))]);
    this.constraints.push({ type: 'table', vars, tuples: kept, mode: 'allowed' });
  }

  /** Smallest and largest value of sum(coef * ref) over the domains. */
  bounds(terms: Term[]): [number, number] {
    let lo = 0;
    let hi = 0;
    for (const t of terms) {
      const vals = this.values(t.ref);
      const a = t.coef * Math.min(...vals);
      const b = t.coef * Math.max(...vals);
      lo += Math.min(a, b);
      hi += Math.max(a, b);
    }
    return [lo, hi];
  }
}

function checkValue(v: number, pos: Pos): number {
  if (!Number.isInteger(v) || v < LIMITS.minValue || v > LIMITS.maxValue) fznError(`constant ${v} is out of the int32 range`, pos);
  return v;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
