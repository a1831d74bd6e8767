// One model constraint -> canonical clauses over value literals (docs/search.md, the compile
// table), or the reason it is not searched. Works on domain values only (holes excluded): the
// device never gives a variable a value outside its domain, so a clause only has to agree with
// the constraint on in-domain assignments.
//
// Rows: a constraint over two variables x, y (compare, binary table, linear over two variables,
// a pair of an allDifferent) is expanded per domain index i of x, with F_i the domain indices of
// y that the constraint forbids with x = i and S_i the others:
//   F_i empty                       -> nothing
//   S_i empty                       -> the unit clause (x != i)
//   2 |F_i| <= 1 + |S_i|            -> conflict clauses (x != i or y != j), j in F_i
//                                      (they take no more literals than the support clause)
//   otherwise                       -> one support clause (x != i or y in S_i)
// A constraint over one variable (any type) is the single clause (x in T), T its satisfying
// domain indices; over no variable, nothing or (when false) an empty clause.

import { ClauseBuffer, ClauseBuilder, type SearchDomains } from './search-clauses.ts';
import { cmpCode, compare } from './isa.ts';
import type {
  AllDifferentConstraint, ClauseConstraint, CompareConstraint, Constraint, LinearConstraint, TableConstraint,
} from './types.ts';

/** Why a constraint is not searched (only checked by the validator). */
export type CheckedOnlyKind = 'not-searched' | 'too-large' | 'long-clause' | 'unsatisfiable';

export interface ExpandLimits {
  maxClauseLength: number;
  maxConstraintLiterals: number;
  maxForbiddenTuples: number;
}

export interface ExpandFailure {
  kind: CheckedOnlyKind;
  reason: string;
}

class Abort extends Error {
  constructor(readonly failure: ExpandFailure) {
    super(failure.reason);
  }
}

export class ConstraintExpander {
  readonly buffer = new ClauseBuffer();
  private readonly b: ClauseBuilder;
  private readonly mark: Uint8Array;

  constructor(private readonly d: SearchDomains, private readonly limits: ExpandLimits) {
    this.b = new ClauseBuilder(d, this.buffer, limits.maxClauseLength);
    this.mark = new Uint8Array(256);
  }

  /** Expands c into this.buffer (reset first); null on success, else why c is not searched. */
  expand(c: Constraint): ExpandFailure | null {
    this.buffer.reset();
    try {
      switch (c.type) {
        case 'clause': this.clause(c); break;
        case 'compare': this.compare(c); break;
        case 'allDifferent': this.allDifferent(c); break;
        case 'table': this.table(c); break;
        case 'linear': this.linear(c); break;
      }
      return null;
    } catch (err) {
      if (err instanceof Abort) return err.failure;
      throw err;
    }
  }

  private end(): void {
    const r = this.b.end();
    if (r === 'empty') throw new Abort({ kind: 'unsatisfiable', reason: 'unsatisfiable over the domains (a clause with no literal that can hold)' });
    if (r === 'long') throw new Abort({ kind: 'long-clause', reason: `a clause longer than ${this.limits.maxClauseLength} literals` });
    if (this.buffer.numWords > this.limits.maxConstraintLiterals) {
      throw new Abort({ kind: 'too-large', reason: `expands to more than ${this.limits.maxConstraintLiterals} literals` });
    }
  }

  private clause(c: ClauseConstraint): void {
    const b = this.b;
    b.begin();
    for (const lit of c.literals) {
      const x = lit.var;
      const min = this.d.min[x]!;
      if (!lit.negated) { b.inIndices(x, lit.values.map((v) => v - min)); continue; }
      const inDomain = [...new Set(lit.values.map((v) => v - min).filter((i) => this.d.has(x, i)))];
      if (inDomain.length <= 1) { b.ne(x, inDomain.length === 1 ? inDomain[0]! : -1); continue; }
      const set = Uint8Array.from(this.d.allowed[x]!);
      for (const i of inDomain) set[i] = 0;
      b.inSet(x, set);
    }
    this.end();
  }

  /** The single clause (x in {i : ok(i)}). */
  private unary(x: number, ok: (i: number) => boolean): void {
    const set = new Uint8Array(this.d.size[x]!);
    for (const i of this.d.members[x]!) set[i] = ok(i) ? 1 : 0;
    this.b.begin();
    this.b.inSet(x, set);
    this.end();
  }

  /** A constant constraint: nothing when it holds, else an empty clause (unsatisfiable). */
  private constant(holds: boolean): void {
    if (holds) return;
    this.b.begin();
    this.end();
  }

  /** Expands the rows of a binary relation; forbidden(i) lists F_i (ascending domain indices of y). */
  private rows(x: number, y: number, forbidden: (i: number) => readonly number[]): void {
    const dy = this.d.members[y]!;
    for (const i of this.d.members[x]!) {
      const f = forbidden(i);
      if (f.length === 0) continue;
      const s = dy.length - f.length;
      const b = this.b;
      if (s === 0) {
        b.begin(); b.ne(x, i); this.end();
      } else if (2 * f.length <= 1 + s) {
        for (const j of f) { b.begin(); b.ne(x, i); b.ne(y, j); this.end(); }
      } else {
        const set = Uint8Array.from(this.d.allowed[y]!);
        for (const j of f) set[j] = 0;
        b.begin(); b.ne(x, i); b.inSet(y, set); this.end();
      }
    }
  }

  /** Rows from a predicate ok(i, j) on domain indices, in O(|D_x| |D_y|). */
  private rowsByPredicate(x: number, y: number, ok: (i: number, j: number) => boolean): void {
    const dy = this.d.members[y]!;
    this.rows(x, y, (i) => {
      const f: number[] = [];
      for (const j of dy) if (!ok(i, j)) f.push(j);
      return f;
    });
  }

  private compare(c: CompareConstraint): void {
    const { x, y } = c;
    const cop = cmpCode(c.op);
    const mx = this.d.min[x]!;
    const my = this.d.min[y]!;
    if (x === y) { this.unary(x, (i) => compare(cop, mx + i, mx + i + c.c)); return; }
    if (c.op === '!=') { this.notEqual(x, y, my + c.c - mx); return; }
    if (c.op === '=') {
      const dy = this.d.members[y]!;
      this.rows(x, y, (i) => {
        const j = mx + i - c.c - my;
        return this.d.has(y, j) ? Array.from(dy).filter((k) => k !== j) : Array.from(dy);
      });
      return;
    }
    this.rowsByPredicate(x, y, (i, j) => compare(cop, mx + i, my + j + c.c));
  }

  /** i_x != i_y + k: F_i = {i - k} when that is in y's domain. */
  private notEqual(x: number, y: number, k: number): void {
    this.rows(x, y, (i) => (this.d.has(y, i - k) ? [i - k] : []));
  }

  /**
   * Pairs whose shifted value ranges meet, found by a sweep over the variables sorted by their
   * lowest shifted value (not all n^2 pairs); each pair keyed on its earlier variable.
   */
  private allDifferent(c: AllDifferentConstraint): void {
    const n = c.vars.length;
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    c.vars.forEach((x, a) => {
      const m = this.d.members[x]!;
      const shift = this.d.min[x]! + (c.offsets[a] ?? 0);
      lo[a] = shift + m[0]!;
      hi[a] = shift + m[m.length - 1]!;
    });
    const order = Array.from({ length: n }, (_, a) => a).sort((p, q) => lo[p]! - lo[q]! || p - q);
    const pairs: [number, number][] = [];
    for (let s = 0; s < n; s++) {
      const p = order[s]!;
      for (let t = s + 1; t < n && lo[order[t]!]! <= hi[p]!; t++) {
        const q = order[t]!;
        pairs.push(p < q ? [p, q] : [q, p]);
        // a colliding pair costs at least one 2-literal clause
        if (2 * pairs.length > this.limits.maxConstraintLiterals) {
          throw new Abort({ kind: 'too-large', reason: `more than ${this.limits.maxConstraintLiterals / 2} pairs of variables can collide` });
        }
      }
    }
    pairs.sort((u, v) => u[0] - v[0] || u[1] - v[1]);
    for (const [a, b] of pairs) {
      const xa = c.vars[a]!;
      const xb = c.vars[b]!;
      const oa = c.offsets[a] ?? 0;
      const ob = c.offsets[b] ?? 0;
      if (xa === xb) { this.constant(oa !== ob); continue; }
      // v_a + o_a != v_b + o_b  <=>  i_a != i_b + (min_b + o_b - min_a - o_a)
      this.notEqual(xa, xb, this.d.min[xb]! + ob - this.d.min[xa]! - oa);
    }
  }

  private table(c: TableConstraint): void {
    const vars = [...new Set(c.vars)];
    const pos = c.vars.map((v) => vars.indexOf(v));
    // Tuples as domain-index vectors over the distinct variables, deduplicated; tuples that cannot
    // match an in-domain assignment (a value outside the domain, a repeated variable with two
    // values) are dropped.
    const seen = new Set<string>();
    const tuples: number[][] = [];
    for (const t of c.tuples) {
      const idx = new Array<number>(vars.length).fill(-1);
      let ok = true;
      t.forEach((value, p) => {
        const q = pos[p]!;
        const i = value - this.d.min[vars[q]!]!;
        if (!this.d.has(vars[q]!, i) || (idx[q] !== -1 && idx[q] !== i)) ok = false;
        idx[q] = i;
      });
      if (!ok) continue;
      const key = idx.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      tuples.push(idx);
    }
    const allowed = c.mode === 'allowed';
    if (vars.length === 0) { this.constant(allowed === tuples.length > 0); return; }
    if (vars.length === 1) {
      const member = new Uint8Array(this.d.size[vars[0]!]!);
      for (const t of tuples) member[t[0]!] = 1;
      this.unary(vars[0]!, (i) => (member[i] === 1) === allowed);
      return;
    }
    if (vars.length === 2) { this.binaryTable(vars[0]!, vars[1]!, tuples, allowed); return; }
    this.wideTable(vars, tuples, allowed);
  }

  private binaryTable(x: number, y: number, tuples: number[][], allowed: boolean): void {
    const partners = new Map<number, number[]>();
    for (const [i, j] of tuples) {
      let list = partners.get(i!);
      if (!list) partners.set(i!, (list = []));
      list.push(j!);
    }
    const dy = this.d.members[y]!;
    const mark = this.mark;
    this.rows(x, y, (i) => {
      const list = partners.get(i) ?? [];
      if (!allowed) return [...list].sort((a, b) => a - b);
      for (const j of list) mark[j] = 1;
      const f = Array.from(dy).filter((j) => mark[j] === 0);
      for (const j of list) mark[j] = 0;
      return f;
    });
  }

  /** Arity 3+: one clause of negative literals per forbidden tuple, when few enough. */
  private wideTable(vars: number[], tuples: number[][], allowed: boolean): void {
    const { maxClauseLength, maxForbiddenTuples } = this.limits;
    if (vars.length > maxClauseLength) {
      throw new Abort({ kind: 'long-clause', reason: `a table over ${vars.length} variables, more than the ${maxClauseLength} literals of a clause` });
    }
    const forbid = (t: readonly number[]): void => {
      this.b.begin();
      t.forEach((i, p) => this.b.ne(vars[p]!, i));
      this.end();
    };
    const tooMany = (n: number): Abort => new Abort({
      kind: 'too-large',
      reason: `a table over ${vars.length} variables with ${n} tuples to forbid, more than ${maxForbiddenTuples}`,
    });
    if (!allowed) {
      if (tuples.length > maxForbiddenTuples) throw tooMany(tuples.length);
      tuples.forEach(forbid);
      return;
    }
    const domains = vars.map((v) => this.d.members[v]!);
    let product = 1;
    for (const dom of domains) product *= dom.length;
    if (product - tuples.length > maxForbiddenTuples) throw tooMany(product - tuples.length);
    const allowedKeys = new Set(tuples.map((t) => t.join(',')));
    // Every in-domain tuple (odometer over the domains, last variable fastest) not allowed.
    const digit = new Array<number>(vars.length).fill(0);
    for (let n = 0; n < product; n++) {
      const t = digit.map((k, p) => domains[p]![k]!);
      if (!allowedKeys.has(t.join(','))) forbid(t);
      for (let p = vars.length - 1; p >= 0; p--) {
        if (++digit[p]! < domains[p]!.length) break;
        digit[p] = 0;
      }
    }
  }

  private linear(c: LinearConstraint): void {
    const coef = new Map<number, number>();
    for (const t of c.terms) coef.set(t.var, (coef.get(t.var) ?? 0) + t.coef);
    for (const [v, k] of coef) if (k === 0) coef.delete(v);
    const vars = [...coef.keys()];
    const cop = cmpCode(c.op);
    const value = (v: number, i: number): number => coef.get(v)! * (this.d.min[v]! + i);
    if (vars.length === 0) { this.constant(compare(cop, 0, c.rhs)); return; }
    if (vars.length === 1) { this.unary(vars[0]!, (i) => compare(cop, value(vars[0]!, i), c.rhs)); return; }
    if (vars.length === 2) {
      const [x, y] = vars as [number, number];
      this.rowsByPredicate(x, y, (i, j) => compare(cop, value(x, i) + value(y, j), c.rhs));
      return;
    }
    throw new Abort({ kind: 'not-searched', reason: `a linear constraint over ${vars.length} variables is not searched` });
  }
}
