// Model -> the factor graph the model contract describes (models/README.md, "How constraints
// reach the model"). Everything is in index space (index = value - min). Built once per job.
//
// Unary constraints (every constraint over a single variable, whatever its type) are folded into
// the sampler's mask, so no candidate ever breaks one. Other constraints become factors:
//   clause                 -> a clause (literals with per-value masks)
//   compare x op y + c     -> two directed pair edges (x <- y and y <- x)
//   allDifferent           -> two pair edges (!=) per pair of variables
//   table, forbidden       -> one clause per tuple (some x_i != t_i)
//   table, allowed         -> its projection on each variable, folded into the mask (a relaxation)
//   linear (not !=)        -> a linear factor lo <= sum coef * index <= hi
//   linear !=              -> nothing: too weak to guide; the validator still checks it
// Constraints the model does not see, or sees relaxed, are still checked by the validator and
// the host, so this affects only how good the proposals are, never which ones are accepted.

import { holds } from '../check/model-checker.ts';
import { InputError, UnsatisfiableError } from '../model/errors.ts';
import type { CompareOp, Constraint, Literal, Model } from '../model/types.ts';

export interface FactorGraph {
  numVars: number;
  /** Largest domain size: the `values` axis. */
  numValues: number;
  /** [vars * values]: 1 where the sampler may draw the index (domain and unary constraints). */
  mask: Float32Array;
  pairSrc: Int32Array;
  pairDst: Int32Array;
  pairKind: Int32Array;
  pairShift: Int32Array;
  pairFlip: Float32Array;
  /** Model constraint of each pair edge. */
  pairCon: Int32Array;
  litClause: Int32Array;
  litVar: Int32Array;
  /** [literals * values]: 1 where the index satisfies the literal. */
  litMask: Float32Array;
  /** Model constraint of each clause. */
  clauseCon: Int32Array;
  termCon: Int32Array;
  termVar: Int32Array;
  termCoef: Float32Array;
  /** Bounds in float64, exact for the host's checks; the model gets them rounded to float32. */
  linearLo: Float64Array;
  linearHi: Float64Array;
  /** 1 / max |coef|: an excess of one step of the largest term weighs one violated clause. */
  linearScale: Float32Array;
  /** Model constraint of each linear factor. */
  linearCon: Int32Array;
  /** Distinct variables of each model constraint. */
  constraintVars: number[][];
}

/** Factor rows times values above which the graph is refused (float32 cells per tensor). */
export const MAX_FACTOR_CELLS = 2 ** 26;

const UNBOUNDED = 1e30;

export function constraintVariables(c: Constraint): number[] {
  switch (c.type) {
    case 'clause': return [...new Set(c.literals.map((l) => l.var))];
    case 'compare': return [...new Set([c.x, c.y])];
    case 'allDifferent':
    case 'table': return [...new Set(c.vars)];
    case 'linear': return [...new Set(c.terms.map((t) => t.var))];
  }
}

/** Mirror of op for swapped sides: x op y + c  <=>  y mirror(op) x - c. */
const MIRROR: Record<CompareOp, CompareOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The edge that penalises index a of x for `x op y + c` (indices): viol(a) in terms of
 * F(a + shift) with F = pmf (kind 0) or cdf (kind 1) of y, flipped = 1 - F.
 */
function edgeFor(op: CompareOp, c: number): { kind: number; shift: number; flip: number } {
  switch (op) {
    case '!=': return { kind: 0, shift: -c, flip: 0 }; // violated iff y = a - c
    case '=': return { kind: 0, shift: -c, flip: 1 }; // violated iff y != a - c
    case '<': return { kind: 1, shift: -c, flip: 0 }; // violated iff y <= a - c
    case '<=': return { kind: 1, shift: -c - 1, flip: 0 }; // violated iff y <= a - c - 1
    case '>': return { kind: 1, shift: -c - 1, flip: 1 }; // violated iff y >= a - c
    case '>=': return { kind: 1, shift: -c, flip: 1 }; // violated iff y >= a - c + 1
  }
}

class Builder {
  readonly V: number;
  readonly D: number;
  readonly mask: Float32Array;
  readonly pair = { src: [] as number[], dst: [] as number[], kind: [] as number[], shift: [] as number[], flip: [] as number[], con: [] as number[] };
  readonly lit = { clause: [] as number[], var: [] as number[], mask: [] as Float32Array[] };
  readonly clauseCon: number[] = [];
  readonly term = { con: [] as number[], var: [] as number[], coef: [] as number[] };
  readonly linear = { lo: [] as number[], hi: [] as number[], scale: [] as number[], con: [] as number[] };

  constructor(private readonly model: Model) {
    this.V = model.variables.length;
    this.D = Math.max(1, ...model.variables.map((v) => v.size));
    this.mask = new Float32Array(this.V * this.D);
    model.variables.forEach((v, i) => v.allowed.forEach((ok, a) => { this.mask[i * this.D + a] = ok ? 1 : 0; }));
  }

  allowed(x: number, a: number): boolean {
    return this.mask[x * this.D + a] === 1;
  }

  /** Keep only the indices of x for which keep(a) holds; an emptied domain is unsatisfiable. */
  restrict(x: number, keep: (a: number) => boolean, why: string): void {
    let any = false;
    for (let a = 0; a < this.D; a++) {
      if (this.allowed(x, a) && !keep(a)) this.mask[x * this.D + a] = 0;
      any ||= this.allowed(x, a);
    }
    if (!any) throw new UnsatisfiableError(`variable ${this.model.variables[x].name} has no value left after ${why}`);
  }

  foldUnary(c: Constraint, j: number, x: number): void {
    const v = this.model.variables[x];
    const values: number[] = [];
    this.restrict(x, (a) => { values[x] = v.min + a; return holds(c, values); }, `constraint ${j}`);
  }

  /** A literal's per-index mask over the current sampler mask. */
  literalMask(l: Literal): Float32Array {
    const v = this.model.variables[l.var];
    const set = new Set(l.values);
    const m = new Float32Array(this.D);
    for (let a = 0; a < v.size; a++) m[a] = this.allowed(l.var, a) && set.has(v.min + a) !== l.negated ? 1 : 0;
    return m;
  }

  addClause(literals: readonly Literal[], j: number): void {
    const kept: [number, Float32Array][] = [];
    for (const l of literals) {
      const m = this.literalMask(l);
      let sat = 0;
      let total = 0;
      for (let a = 0; a < this.D; a++) { sat += m[a]; total += this.mask[l.var * this.D + a]; }
      if (sat === total) return; // the literal holds for every value left: the clause always holds
      if (sat > 0) kept.push([l.var, m]);
    }
    if (kept.length === 0) throw new UnsatisfiableError(`constraint ${j} (a clause) can never hold`);
    const clause = this.clauseCon.length;
    this.clauseCon.push(j);
    for (const [x, m] of kept) {
      this.lit.clause.push(clause);
      this.lit.var.push(x);
      this.lit.mask.push(m);
    }
  }

  /** x op y + c over values, as two directed edges over indices. */
  addCompare(x: number, op: CompareOp, y: number, c: number, j: number): void {
    const ci = this.model.variables[y].min + c - this.model.variables[x].min; // x op y + ci (indices)
    this.addEdge(y, x, edgeFor(op, ci), j);
    this.addEdge(x, y, edgeFor(MIRROR[op], -ci), j);
  }

  addEdge(src: number, dst: number, e: { kind: number; shift: number; flip: number }, j: number): void {
    // A shift past either end clamps to the same padding column, so bound it to keep int math small.
    const shift = Math.max(-this.D - 1, Math.min(this.D + 1, e.shift));
    this.pair.src.push(src); this.pair.dst.push(dst); this.pair.kind.push(e.kind);
    this.pair.shift.push(shift); this.pair.flip.push(e.flip); this.pair.con.push(j);
  }

  addLinear(c: Extract<Constraint, { type: 'linear' }>, j: number): void {
    if (c.op === '!=') return;
    let rhs = c.rhs;
    for (const t of c.terms) rhs -= t.coef * this.model.variables[t.var].min;
    const lo = c.op === '=' || c.op === '>=' ? rhs : c.op === '>' ? rhs + 1 : -UNBOUNDED;
    const hi = c.op === '=' || c.op === '<=' ? rhs : c.op === '<' ? rhs - 1 : UNBOUNDED;
    const k = this.linear.con.length;
    this.linear.lo.push(lo); this.linear.hi.push(hi); this.linear.con.push(j);
    this.linear.scale.push(1 / Math.max(1, ...c.terms.map((t) => Math.abs(t.coef))));
    for (const t of c.terms) { this.term.con.push(k); this.term.var.push(t.var); this.term.coef.push(t.coef); }
  }

  addTable(c: Extract<Constraint, { type: 'table' }>, j: number): void {
    if (c.mode === 'forbidden') {
      for (const t of c.tuples) this.addClause(c.vars.map((x, i) => ({ var: x, values: [t[i]], negated: true })), j);
      return;
    }
    const inDomain = (t: number[]): boolean => c.vars.every((x, i) => {
      const a = t[i] - this.model.variables[x].min;
      return a >= 0 && a < this.D && this.allowed(x, a);
    });
    const tuples = c.tuples.filter(inDomain);
    c.vars.forEach((x, i) => {
      const seen = new Set(tuples.map((t) => t[i] - this.model.variables[x].min));
      this.restrict(x, (a) => seen.has(a), `constraint ${j} (allowed tuples)`);
    });
  }

  add(c: Constraint, j: number): void {
    switch (c.type) {
      case 'clause': return this.addClause(c.literals, j);
      case 'compare': return this.addCompare(c.x, c.op, c.y, c.c, j);
      case 'allDifferent':
        for (let p = 0; p < c.vars.length; p++) {
          for (let r = p + 1; r < c.vars.length; r++) {
            const [x, y] = [c.vars[p], c.vars[r]];
            const [ox, oy] = [c.offsets[p] ?? 0, c.offsets[r] ?? 0];
            if (x === y) {
              if (ox === oy) throw new UnsatisfiableError(`constraint ${j} (allDifferent) lists ${this.model.variables[x].name} twice`);
              continue;
            }
            this.addCompare(x, '!=', y, oy - ox, j); // x + ox != y + oy
          }
        }
        return;
      case 'table': return this.addTable(c, j);
      case 'linear': return this.addLinear(c, j);
    }
  }
}

function int32(xs: number[]): Int32Array { return Int32Array.from(xs); }
function float32(xs: number[]): Float32Array { return Float32Array.from(xs); }

export function buildFactorGraph(model: Model): FactorGraph {
  const b = new Builder(model);
  const constraintVars = model.constraints.map(constraintVariables);
  // Unary constraints first, so that the other factors see the tightened mask.
  model.constraints.forEach((c, j) => { if (constraintVars[j].length === 1) b.foldUnary(c, j, constraintVars[j][0]); });
  model.constraints.forEach((c, j) => { if (constraintVars[j].length > 1) b.add(c, j); });

  const rows = b.pair.src.length + b.lit.var.length + b.term.var.length;
  if (rows * b.D > MAX_FACTOR_CELLS) {
    throw new InputError(`the problem's factor graph is too large for the sampler: ${rows} factor rows x ${b.D} values ` +
      `exceeds ${MAX_FACTOR_CELLS} cells (large allDifferent constraints cost one row per ordered pair of variables)`);
  }
  const litMask = new Float32Array(b.lit.mask.length * b.D);
  b.lit.mask.forEach((m, l) => litMask.set(m, l * b.D));
  return {
    numVars: b.V,
    numValues: b.D,
    mask: b.mask,
    pairSrc: int32(b.pair.src), pairDst: int32(b.pair.dst), pairKind: int32(b.pair.kind),
    pairShift: int32(b.pair.shift), pairFlip: float32(b.pair.flip), pairCon: int32(b.pair.con),
    litClause: int32(b.lit.clause), litVar: int32(b.lit.var), litMask, clauseCon: int32(b.clauseCon),
    termCon: int32(b.term.con), termVar: int32(b.term.var), termCoef: float32(b.term.coef),
    linearLo: Float64Array.from(b.linear.lo), linearHi: Float64Array.from(b.linear.hi), linearScale: float32(b.linear.scale),
    linearCon: int32(b.linear.con),
    constraintVars,
  };
}
