// FlatZinc builtins onto model constraints. Each handler reads its arguments through `Args`
// (which resolves names, parameters and literals, with the argument's position in errors) and
// emits through an Emitter (parse-fzn-emit.ts). A builtin not in BUILTINS is an error naming it,
// its line, and what to rewrite it as (`unsupportedMessage`).
//
// Native: int_eq/ne/le/lt (compare), int_lin_eq/le/ne and bool_lin_* (linear), bool_clause and
// array_bool_or/and (clauses), set_in (a unary clause), fzn_all_different_int (allDifferent),
// hilsolve_table_int/bool (table; minizinc/mznlib/fzn_table_*.mzn). Through `relation` (exact
// clauses, domains permitting): every _reif and _imp form, int_abs/times/div/mod/min/max/pow,
// bool_and/or/xor, element. Reified linear sums too large to tabulate use a big-M linear form
// where one exists (int_lin_le_reif/_imp, int_lin_eq_imp).

import { Emitter, HOLDS, RELATION_LIMIT, type Term } from './parse-fzn-emit.ts';
import { fznError, type Expr, type Pos } from './parse-fzn-syntax.ts';
import type { CompareOp, FznRef } from './types.ts';

/** What a handler needs from the reader: its arguments, resolved. */
export interface Args {
  readonly name: string;
  readonly pos: Pos;
  readonly count: number;
  ref(i: number): FznRef;
  refs(i: number): FznRef[];
  int(i: number): number;
  ints(i: number): number[];
  /** A set argument as closed ranges. */
  set(i: number): [number, number][];
  expr(i: number): Expr;
}

type Handler = (a: Args, out: Emitter) => void;

const OPS: Record<string, CompareOp> = { eq: '=', ne: '!=', le: '<=', lt: '<' };
const TRUE: FznRef = { value: 1 };

/** Emit `pred` over refs, reified by r (`r <-> pred`) or half-reified (`r -> pred`) when given. */
function rel(a: Args, out: Emitter, refs: FznRef[], pred: (v: number[]) => boolean, reif?: { r: FznRef; imp: boolean }): void {
  let ok: boolean;
  if (!reif) ok = out.relation(refs, pred);
  else {
    const { r, imp } = reif;
    ok = out.relation([...refs, r], (v) => {
      const b = v[v.length - 1] !== 0;
      const p = pred(v.slice(0, -1));
      return imp ? !b || p : b === p;
    });
  }
  if (!ok) tooLarge(a, out, reif ? [...refs, reif.r] : refs);
}

function tooLarge(a: Args, out: Emitter, refs: FznRef[]): never {
  const sizes = [...new Set(refs.flatMap((r) => ('var' in r ? [r.var] : [])))].map((v) => out.values({ var: v }).length);
  sizes.sort((x, y) => x - y).pop();
  const combos = sizes.reduce((x, y) => x * y, 1);
  return fznError(`${a.name}: its variables have ${combos >= 1e9 ? 'more than 10^9' : combos} combinations of values besides the largest domain, over the ${RELATION_LIMIT} hilsolve tabulates; narrow the domains in the model or rewrite the constraint with linear constraints and comparisons`, a.pos);
}

function sum(coefs: number[], values: number[]): number {
  let s = 0;
  for (let i = 0; i < coefs.length; i++) s += coefs[i]! * values[i]!;
  return s;
}

function terms(a: Args, ci: number, xi: number): Term[] {
  const coefs = a.ints(ci);
  const refs = a.refs(xi);
  if (coefs.length !== refs.length) fznError(`${a.name}: ${coefs.length} coefficients for ${refs.length} variables`, a.pos);
  return refs.map((ref, i) => ({ coef: coefs[i]!, ref }));
}

/** b -> sum op rhs (op <= or =) as linear constraints with a big M; false if b is not a 0/1 variable. */
function bigM(a: Args, out: Emitter, ts: Term[], op: '<=' | '=', rhs: number, b: FznRef): boolean {
  const [lo, hi] = out.bounds(ts);
  const what = a.name;
  if ('value' in b) return false;
  // b = 1 -> sum <= rhs:   sum + M*b <= rhs + M, M = hi - rhs
  if (hi > rhs) out.linear([...ts, { coef: hi - rhs, ref: b }], '<=', rhs + hi - rhs, a.pos, what);
  // b = 1 -> sum >= rhs:  -sum + M*b <= -rhs + M, M = rhs - lo
  if (op === '=' && lo < rhs) out.linear([...ts.map((t) => ({ coef: -t.coef, ref: t.ref })), { coef: rhs - lo, ref: b }], '<=', -rhs + rhs - lo, a.pos, what);
  return true;
}

/** b = 0 -> sum > rhs, i.e. sum + M*b >= rhs + 1 with M = rhs + 1 - lo. */
function bigMNegated(a: Args, out: Emitter, ts: Term[], rhs: number, b: FznRef): void {
  const [lo] = out.bounds(ts);
  if (lo <= rhs) out.linear([...ts, { coef: rhs + 1 - lo, ref: b }], '>=', rhs + 1, a.pos, a.name);
}

function linReif(op: string, imp: boolean): Handler {
  const cmp = OPS[op]!;
  return (a, out) => {
    const ts = terms(a, 0, 1);
    const rhs = a.int(2);
    const r = a.ref(3);
    if ('value' in r) {
      if (r.value === 1) return out.linear(ts, cmp, rhs, a.pos, a.name);
      if (imp) return;
      return out.linear(ts, negate(cmp), rhs, a.pos, a.name);
    }
    const coefs = ts.map((t) => t.coef);
    const refs = ts.map((t) => t.ref);
    if (out.relation([...refs, r], (v) => {
      const b = v[v.length - 1] !== 0;
      const p = HOLDS[cmp](sum(coefs, v), rhs);
      return imp ? !b || p : b === p;
    })) return;
    if (cmp === '<=' && bigM(a, out, ts, '<=', rhs, r)) {
      if (!imp) bigMNegated(a, out, ts, rhs, r);
      return;
    }
    if (cmp === '=' && imp && bigM(a, out, ts, '=', rhs, r)) return;
    tooLarge(a, out, [...refs, r]);
  };
}

function negate(op: CompareOp): CompareOp {
  return ({ '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[op];
}

/** Truncating division and its remainder, as MiniZinc defines div and mod; no value for y = 0. */
const FUNCTIONS: Record<string, (x: number, y: number) => number | undefined> = {
  int_times: (x, y) => x * y,
  int_div: (x, y) => (y === 0 ? undefined : Math.trunc(x / y)),
  int_mod: (x, y) => (y === 0 ? undefined : x % y),
  int_min: (x, y) => Math.min(x, y),
  int_max: (x, y) => Math.max(x, y),
  int_pow: (x, y) => (y < 0 ? (x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : undefined) : x ** y),
};

const BOOL_FUNCTIONS: Record<string, (x: boolean, y: boolean) => boolean> = {
  bool_and: (x, y) => x && y,
  bool_or: (x, y) => x || y,
  bool_xor: (x, y) => x !== y,
  bool_eq: (x, y) => x === y,
  bool_le: (x, y) => !x || y,
  bool_lt: (x, y) => !x && y,
};

function element(boolArray: boolean, variable: boolean): Handler {
  return (a, out) => {
    const idx = a.ref(0);
    const y = a.ref(2);
    if (!variable) {
      const values = boolArray ? a.refs(1).map((r) => ('value' in r ? r.value : NaN)) : a.ints(1);
      return rel(a, out, [idx, y], ([i, v]) => i! >= 1 && i! <= values.length && values[i! - 1] === v);
    }
    const xs = a.refs(1);
    out.clause([out.lit(idx, (i) => i >= 1 && i <= xs.length)]);
    for (const i of out.values(idx)) {
      if (i < 1 || i > xs.length) continue;
      rel(a, out, [idx, xs[i - 1]!, y], ([j, x, v]) => j !== i || x === v);
    }
  };
}

function flatTable(a: Args, out: Emitter, values: number[]): void {
  const refs = a.refs(0);
  if (refs.length === 0 || values.length % refs.length !== 0) {
    fznError(`${a.name}: ${values.length} table entries do not make rows of ${refs.length}`, a.pos);
  }
  const tuples: number[][] = [];
  for (let i = 0; i < values.length; i += refs.length) tuples.push(values.slice(i, i + refs.length));
  out.table(refs, tuples, a.pos, a.name);
}

const not = (r: FznRef, out: Emitter) => out.lit(r, (v) => v === 0);
const yes = (r: FznRef, out: Emitter) => out.lit(r, (v) => v !== 0);

export const BUILTINS: Record<string, Handler> = {
  bool2int: (a, out) => out.compare(a.ref(1), '=', a.ref(0), 0, a.pos),
  bool_not: (a, out) => out.compare(a.ref(0), '!=', a.ref(1), 0, a.pos),
  bool_clause: (a, out) => out.clause([...a.refs(0).map((r) => yes(r, out)), ...a.refs(1).map((r) => not(r, out))]),
  bool_clause_reif: (a, out) => {
    const pos = a.refs(0);
    const neg = a.refs(1);
    const r = a.ref(2);
    out.clause([not(r, out), ...pos.map((x) => yes(x, out)), ...neg.map((x) => not(x, out))]);
    for (const x of pos) out.clause([yes(r, out), not(x, out)]);
    for (const x of neg) out.clause([yes(r, out), yes(x, out)]);
  },
  bool_clause_imp: (a, out) => out.clause([not(a.ref(2), out), ...a.refs(0).map((x) => yes(x, out)), ...a.refs(1).map((x) => not(x, out))]),
  array_bool_or: (a, out) => {
    const xs = a.refs(0);
    const r = a.count > 1 ? a.ref(1) : TRUE;
    out.clause([not(r, out), ...xs.map((x) => yes(x, out))]);
    for (const x of xs) out.clause([yes(r, out), not(x, out)]);
  },
  array_bool_or_imp: (a, out) => out.clause([not(a.ref(1), out), ...a.refs(0).map((x) => yes(x, out))]),
  array_bool_and: (a, out) => {
    const xs = a.refs(0);
    const r = a.count > 1 ? a.ref(1) : TRUE;
    out.clause([yes(r, out), ...xs.map((x) => not(x, out))]);
    for (const x of xs) out.clause([not(r, out), yes(x, out)]);
  },
  array_bool_and_imp: (a, out) => {
    const r = a.ref(1);
    for (const x of a.refs(0)) out.clause([not(r, out), yes(x, out)]);
  },
  array_bool_xor: (a, out) => rel(a, out, a.refs(0), (v) => v.filter((x) => x !== 0).length % 2 === 1),
  bool_lin_eq: (a, out) => out.linear([...terms(a, 0, 1), { coef: -1, ref: a.ref(2) }], '=', 0, a.pos, a.name),
  bool_lin_le: (a, out) => out.linear(terms(a, 0, 1), '<=', a.int(2), a.pos, a.name),
  set_in: (a, out) => {
    const s = a.set(1);
    out.clause([out.lit(a.ref(0), (v) => s.some(([lo, hi]) => v >= lo && v <= hi))]);
  },
  set_in_reif: (a, out) => {
    const s = a.set(1);
    rel(a, out, [a.ref(0)], ([v]) => s.some(([lo, hi]) => v! >= lo && v! <= hi), { r: a.ref(2), imp: false });
  },
  set_in_imp: (a, out) => {
    const s = a.set(1);
    rel(a, out, [a.ref(0)], ([v]) => s.some(([lo, hi]) => v! >= lo && v! <= hi), { r: a.ref(2), imp: true });
  },
  int_abs: (a, out) => {
    const [x, y] = [a.ref(0), a.ref(1)];
    rel(a, out, [x, y], ([u, v]) => v === Math.abs(u!));
  },
  int_plus: (a, out) => out.linear([{ coef: 1, ref: a.ref(0) }, { coef: 1, ref: a.ref(1) }, { coef: -1, ref: a.ref(2) }], '=', 0, a.pos, a.name),
  array_int_element: element(false, false),
  array_bool_element: element(true, false),
  array_var_int_element: element(false, true),
  array_var_bool_element: element(true, true),
  fzn_all_different_int: (a, out) => out.allDifferent(a.refs(0)),
  hilsolve_table_int: (a, out) => flatTable(a, out, a.ints(1)),
  fzn_table_int: (a, out) => flatTable(a, out, a.ints(1)),
  hilsolve_table_bool: (a, out) => flatTable(a, out, a.refs(1).map((r) => ('value' in r ? r.value : fznError(`${a.name}: the table must be constants`, a.pos)))),
};

for (const [op, cmp] of Object.entries(OPS)) {
  BUILTINS[`int_${op}`] = (a, out) => out.compare(a.ref(0), cmp, a.ref(1), 0, a.pos);
  BUILTINS[`int_${op}_reif`] = (a, out) => rel(a, out, [a.ref(0), a.ref(1)], ([x, y]) => HOLDS[cmp](x!, y!), { r: a.ref(2), imp: false });
  BUILTINS[`int_${op}_imp`] = (a, out) => rel(a, out, [a.ref(0), a.ref(1)], ([x, y]) => HOLDS[cmp](x!, y!), { r: a.ref(2), imp: true });
  BUILTINS[`int_lin_${op}`] = (a, out) => out.linear(terms(a, 0, 1), cmp, a.int(2), a.pos, a.name);
  BUILTINS[`int_lin_${op}_reif`] = linReif(op, false);
  BUILTINS[`int_lin_${op}_imp`] = linReif(op, true);
}
for (const [name, f] of Object.entries(FUNCTIONS)) {
  BUILTINS[name] = (a, out) => rel(a, out, [a.ref(0), a.ref(1), a.ref(2)], ([x, y, z]) => f(x!, y!) === z);
}
for (const [name, f] of Object.entries(BOOL_FUNCTIONS)) {
  const pred = (v: number[]) => f(v[0] !== 0, v[1] !== 0);
  // bool_eq/le/lt(a, b) hold outright; bool_and/or/xor(a, b, r) and every _reif mean r <-> f(a, b).
  const direct = name === 'bool_eq' || name === 'bool_le' || name === 'bool_lt';
  BUILTINS[name] = (a, out) => {
    if (a.count === 2) {
      if (name === 'bool_xor') return out.compare(a.ref(0), '!=', a.ref(1), 0, a.pos);
      if (direct) return out.compare(a.ref(0), name === 'bool_eq' ? '=' : name === 'bool_le' ? '<=' : '<', a.ref(1), 0, a.pos);
    }
    rel(a, out, [a.ref(0), a.ref(1)], pred, { r: a.ref(2), imp: false });
  };
  BUILTINS[`${name}_reif`] = (a, out) => rel(a, out, [a.ref(0), a.ref(1)], pred, { r: a.ref(2), imp: false });
  BUILTINS[`${name}_imp`] = (a, out) => rel(a, out, [a.ref(0), a.ref(1)], pred, { r: a.ref(2), imp: true });
}
BUILTINS.bool_ne_reif = (a, out) => rel(a, out, [a.ref(0), a.ref(1)], ([x, y]) => (x !== 0) !== (y !== 0), { r: a.ref(2), imp: false });

/** What to write instead of float and set variables, and of other unmapped builtins. */
export const ADVICE = {
  float: 'hilsolve has integer variables only: scale the quantities to integers (cents rather than euros, say)',
  set: 'there are no set variables: model a set over 1..n as an array of n var bool (x in s becomes b[x]), and card(s) as sum(b)',
  other: 'rewrite it with comparisons, linear constraints, clauses, element, all_different or table, or give the predicate a decomposition in the model',
} as const;

/** The error text for a builtin hilsolve does not map: what it is, and what to write instead. */
export function unsupportedMessage(name: string): string {
  const advice = /^(float_|int2float|array_float_)/.test(name) ? ADVICE.float : /^(set_|array_set_)/.test(name) ? ADVICE.set : ADVICE.other;
  return `builtin ${name} is not supported by hilsolve: ${advice}`;
}
