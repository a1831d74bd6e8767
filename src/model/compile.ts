// Compiles a Model to a validator program (docs/validator-program.md).
//
// Everything happens in index space (index = value - min) and reasons over the *representable*
// indices 0..2^w-1 of each variable, never over its domain holes: a packed candidate may carry
// any representable index, and the program's verdict must then equal the model's verdict on the
// value min + index (src/check/model-checker.ts), the domain checks reporting the out-of-domain
// ones. Constant literals are folded (compile-emit.ts); a model constraint that folds to false
// for every representable candidate, or unary constraints and clauses that propagate to an
// empty domain (compile-propagate.ts), prove the problem unsatisfiable (UnsatisfiableError).
//
// Per constraint (C model constraints, then the domain checks, each ending in exactly one EC):
// - clause: one CNF term; literals on the same variable merge into one index set, compiled to
//   IN words over 32-index windows (or one negated IN over the complement, if that is shorter).
// - compare x op y + c: one CMP word with c + min_y - min_x.
// - allDifferent: ADIFF words (v_i + off_i - min shift), when all shifted indices fit 0..255 and
//   there are at least 3 variables; otherwise CMP != terms for the pairs that can collide.
// - table: see compile-table.ts.
// - linear: ACC words (first with CLR), one per term in the model's order, then one LCMP with
//   sum(coef * min) moved to the right. A coefficient is a signed 16-bit ACC operand (LIMITS);
//   a constraint whose partial sums could leave int32 for a representable candidate is refused.
// - domain check of variable i (when its allowed indices are not exactly 0..2^w-1): one CNF term,
//   "index in the allowed set".

import { emitConstraint, simplify, type Compiled, type Lit } from './compile-emit.ts';
import { propagate } from './compile-propagate.ts';
import { complement, emptySet, foldComparison, setLiterals, valueSet, type IndexSet } from './compile-sets.ts';
import { compileTable } from './compile-table.ts';
import { validateModel } from './compile-validate.ts';
import { InputError, UnsatisfiableError } from './errors.ts';
import { cmpCode, Opcode } from './isa.ts';
import { LIMITS } from './limits.ts';
import { bitWidth, packedLength } from './pack.ts';
import type { Program } from './program.ts';
import type { SearchTables } from './search-tables.ts';
import type {
  AllDifferentConstraint, ClauseConstraint, CompareConstraint, CompareOp, Constraint, LinearConstraint, Model,
} from './types.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export interface CompileOptions {
  /**
   * The device proves every value within its variable's size by other means (the search tables'
   * proof, docs/search.md "The proof"): domain checks only for variables with holes.
   */
  rangesProven?: boolean;
  /** With rangesProven: variables whose domain the search tables hold (SearchTables.heldDomains): no domain check. */
  domainsHeld?: ReadonlySet<number>;
}

export function compile(model: Model, options: CompileOptions = {}): Program {
  validateModel(model);
  propagate(model);
  const widths = model.variables.map((v) => bitWidth(v.size));
  const words: bigint[] = [];
  model.constraints.forEach((c, j) => {
    const { code, dnf } = compileConstraint(model, c, widths, j);
    if (code === false) throw new UnsatisfiableError(`constraint ${j} (${c.type}) can never hold`);
    emitConstraint(words, code, dnf);
    checkWordCount(words.length);
  });

  const domainChecks: number[] = [];
  model.variables.forEach((v, i) => {
    if ((options.rangesProven || v.size === 1 << widths[i]!) && !v.allowed.includes(false)) return;
    if (options.rangesProven && options.domainsHeld?.has(i)) return;
    const allowed = emptySet(widths[i]!);
    v.allowed.forEach((a, k) => { if (a) allowed[k] = 1; });
    domainChecks.push(i);
    // propagate has refused empty domains, so this never folds to false.
    emitConstraint(words, simplify({ dnf: false, terms: [setLiterals(i, allowed)] }), false);
  });

  const total = model.constraints.length + domainChecks.length;
  if (total > LIMITS.maxProgramConstraints) {
    throw new InputError(`the program has ${total} constraints (${model.constraints.length} plus ${domainChecks.length} domain checks), more than the limit of ${LIMITS.maxProgramConstraints}`);
  }
  checkWordCount(words.length);
  return {
    numVars: model.variables.length,
    widths,
    words,
    modelConstraints: model.constraints.length,
    domainChecks,
    candidateBytes: packedLength(widths),
  };
}

/**
 * The validator program a device with search tables loads (docs/search.md, "The proof"): every
 * constraint but the searched ones, and domain checks only for variables with holes the tables do
 * not hold (heldDomains: booleans with one value left); the device proves the searched clauses,
 * those domains and every variable's range from its tables. Same variables, widths
 * and packed layout as `compile(model)`, so the host re-checks a device's solution with the full
 * program. Constraint indices in the verdicts are this program's own (the kept ones, in order).
 */
export function compileUnsearched(model: Model, tables: Pick<SearchTables, 'searched' | 'heldDomains'>): Program {
  const skip = new Set(tables.searched);
  return compile({ ...model, constraints: model.constraints.filter((_, j) => !skip.has(j)) },
    { rangesProven: true, domainsHeld: new Set(tables.heldDomains) });
}

/** Checked as words accumulate, so that an oversized program is refused before it fills memory. */
function checkWordCount(n: number): void {
  if (n > LIMITS.maxProgramWords) throw new InputError(`the program has more than ${LIMITS.maxProgramWords} words, the limit`);
}

function compileConstraint(model: Model, c: Constraint, widths: readonly number[], j: number): Compiled {
  switch (c.type) {
    case 'clause':
      return cnf([compileClause(model, c, widths)]);
    case 'compare':
      return cnf([[compileCompare(model, c, widths)]]);
    case 'allDifferent':
      return compileAllDifferent(model, c, widths, j);
    case 'table':
      return compileTable(model, c, widths);
    case 'linear':
      return cnf([compileLinear(model, c, widths, j)]);
  }
}

function cnf(terms: Lit[][]): Compiled {
  return { code: simplify({ dnf: false, terms }), dnf: false };
}

/** One OR term; literals on the same variable merge into one index set. */
function compileClause(model: Model, c: ClauseConstraint, widths: readonly number[]): Lit[] {
  const sets = new Map<number, IndexSet>();
  for (const lit of c.literals) {
    const w = widths[lit.var]!;
    let s = valueSet(lit.values, model.variables[lit.var]!.min, w);
    if (lit.negated) s = complement(s);
    const merged = sets.get(lit.var);
    if (merged) merged.forEach((b, i) => { merged[i] = b | s[i]!; });
    else sets.set(lit.var, s);
  }
  return [...sets].flatMap(([x, s]) => setLiterals(x, s));
}

function compileCompare(model: Model, c: CompareConstraint, widths: readonly number[]): Lit {
  const shift = model.variables[c.y]!.min - model.variables[c.x]!.min;
  return comparisonLiteral(c.x, c.op, c.y, c.c + shift, widths);
}

/** `i_x op i_y + k` on indices, folded to a constant when no representable pair can change it. */
function comparisonLiteral(x: number, op: CompareOp, y: number, k: number, widths: readonly number[]): Lit {
  // i_x op i_y + k  <=>  (i_x - i_y) op k, with i_x - i_y ranging over [lo, hi].
  const lo = x === y ? 0 : 1 - (1 << widths[y]!);
  const hi = x === y ? 0 : (1 << widths[x]!) - 1;
  const folded = foldComparison(op, lo, hi, k);
  if (folded !== null) return folded;
  // Not constant, so lo <= k <= hi (within -255..255): k fits the signed 16-bit field.
  return { op: Opcode.CMP, x, y, cop: cmpCode(op), imm: k };
}

function compileAllDifferent(model: Model, c: AllDifferentConstraint, widths: readonly number[], j: number): Compiled {
  const shifts = c.vars.map((v, i) => model.variables[v]!.min + c.offsets[i]!);
  const top = (k: number): number => shifts[k]! + (1 << widths[c.vars[k]!]!) - 1;
  const base = shifts.reduce((a, b) => Math.min(a, b), Infinity);
  if (c.vars.length >= 3 && shifts.every((_, k) => top(k) - base <= 255)) {
    return cnf(c.vars.map((x, k) => [{ op: Opcode.ADIFF, x, imm: shifts[k]! - base }]));
  }
  // Pairwise i_a + s_a != i_b + s_b  <=>  i_a != i_b + (s_b - s_a). Sorted by shift, a variable
  // can only collide with those whose shift lies within its own range (a sweep, not all pairs).
  const order = shifts.map((_, k) => k).sort((p, q) => shifts[p]! - shifts[q]!);
  const terms: Lit[][] = [];
  for (let ai = 0; ai < order.length; ai++) {
    const a = order[ai]!;
    for (let bi = ai + 1; bi < order.length && shifts[order[bi]!]! <= top(a); bi++) {
      const b = order[bi]!;
      terms.push([comparisonLiteral(c.vars[a]!, '!=', c.vars[b]!, shifts[b]! - shifts[a]!, widths)]);
      if (terms.length > LIMITS.maxProgramWords) {
        throw new InputError(`constraint ${j} (allDifferent): the pairwise encoding needs more than ${LIMITS.maxProgramWords} words`);
      }
    }
  }
  return cnf(terms);
}

/** ACC words then LCMP, or a constant when the sum's range decides the comparison. */
function compileLinear(model: Model, c: LinearConstraint, widths: readonly number[], j: number): Lit[] {
  let k = c.rhs;
  let lo = 0;
  let hi = 0;
  const words: Lit[] = [];
  for (const t of c.terms) {
    k -= t.coef * model.variables[t.var]!.min;
    // Each product is exact (|coef * min| < 2^47); the sum stays exact while it is a safe integer.
    if (!Number.isSafeInteger(k)) throw new InputError(`constraint ${j} (linear): the constant rhs - sum(coef * min) is too large to compute exactly`);
    const top = (1 << widths[t.var]!) - 1;
    if (t.coef === 0 || top === 0) continue;
    lo += Math.min(0, t.coef * top);
    hi += Math.max(0, t.coef * top);
    if (lo < INT32_MIN || hi > INT32_MAX) {
      throw new InputError(`constraint ${j} (linear): a partial sum of coef * index can reach ${lo < INT32_MIN ? lo : hi}, outside the 32-bit accumulator`);
    }
    words.push({ op: Opcode.ACC, x: t.var, clr: words.length === 0, imm: t.coef });
  }
  const folded = foldComparison(c.op, lo, hi, k);
  if (folded !== null) return [folded];
  // Not constant, so lo <= k <= hi: k fits the signed 32-bit LCMP operand.
  return [...words, { op: Opcode.LCMP, cop: cmpCode(c.op), imm: k }];
}
