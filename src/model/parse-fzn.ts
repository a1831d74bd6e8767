// The FlatZinc format (docs/formats.md "FlatZinc"): what `minizinc -c --solver hilsolve` writes
// with minizinc/mznlib, read into a Model. Pure: no I/O.
//
// Declarations become variables (`var bool`, `var int` with a range or set domain), aliases
// (`var 1..3: y = x;`), constants (`var 1..3: y = 2;`), arrays of those, and parameters. Output
// annotations (`output_var`, `output_array([1..n, ...])`) and the solve item go to
// `meta.fzn`, so that a solution prints as MiniZinc expects. Float and set variables are
// refused where a constraint or an output uses them. Constraints map through
// parse-fzn-builtins.ts.
//
// Domains: every variable needs a span of at most LIMITS.maxDomainSize values. A variable
// declared `var int` (or wider than that), is given the bounds of the constraint that defines
// it (`:: defines_var(x)` on int_lin_eq, int_times, int_abs, ...) when it has one; otherwise it
// is an error at its declaration, unless no constraint uses it (then it is fixed to one value,
// as any value is a solution). Errors are InputErrors with the line and column.

import { LIMITS } from './limits.ts';
import { ADVICE, BUILTINS, unsupportedMessage, type Args } from './parse-fzn-builtins.ts';
import { Emitter } from './parse-fzn-emit.ts';
import { fznError, parseFznItems, type Expr, type FznType, type Item, type Pos } from './parse-fzn-syntax.ts';
import type { Constraint, FznMeta, FznOutput, FznRef, Model, ValueKind, Variable } from './types.ts';
import { InputError } from './errors.ts';

type Sym =
  | { k: 'var'; ref: FznRef; kind: ValueKind }
  | { k: 'varArray'; refs: FznRef[]; kind: ValueKind }
  | { k: 'par'; value: number }
  | { k: 'parArray'; values: number[] }
  | { k: 'parSet'; ranges: [number, number][] }
  | { k: 'unsupported'; what: string };

interface Pending {
  name: string;
  pos: Pos;
  /** The declared range, when there is one (wider than the limit). */
  declared?: [number, number];
  introduced: boolean;
}

/** Parse FlatZinc text. `name` goes to meta.name. */
export function parseFzn(text: string, name?: string): Model {
  return new FznReader().read(parseFznItems(text), name);
}

class FznReader {
  private readonly variables: Variable[] = [];
  private readonly constraints: Constraint[] = [];
  private readonly syms = new Map<string, Sym>();
  private readonly pending = new Map<number, Pending>();
  private readonly outputs: FznOutput[] = [];
  private readonly out = new Emitter(this.variables, this.constraints);
  private deferred: (() => never) | undefined;

  read(items: Item[], name?: string): Model {
    let solve: FznMeta['solve'] = { method: 'satisfy' };
    const constraints: Extract<Item, { kind: 'constraint' }>[] = [];
    for (const item of items) {
      if (item.kind === 'decl') this.declare(item);
      else if (item.kind === 'constraint') constraints.push(item);
      else if (item.method !== 'satisfy') solve = { method: item.method, objective: this.scalar(item.objective!, 'the objective') };
    }
    this.inferBounds(constraints);
    this.settlePending(constraints);
    for (const c of constraints) {
      const handler = BUILTINS[c.name];
      if (!handler) fznError(unsupportedMessage(c.name), c.pos);
      handler(this.args(c), this.out);
      if (this.constraints.length > LIMITS.maxConstraints) {
        fznError(`more than ${LIMITS.maxConstraints} model constraints (after mapping the builtins), the limit`, c.pos);
      }
    }
    this.deferred?.();
    this.checkTotalTerms();
    const model: Model = { format: 'fzn', variables: this.variables, constraints: this.constraints, meta: { fzn: { outputs: this.outputs, solve } } };
    if (solve.method !== 'satisfy') {
      const o = solve.objective;
      model.objective = 'var' in o
        ? { sense: solve.method, terms: [{ coef: 1, var: o.var }], constant: 0 }
        : { sense: solve.method, terms: [], constant: o.value };
    }
    if (name !== undefined) model.meta.name = name;
    return model;
  }

  // ---- declarations ----

  private declare(d: Extract<Item, { kind: 'decl' }>): void {
    if (this.syms.has(d.name)) fznError(`${d.name} is declared twice`, d.pos);
    const unsupported = unsupportedType(d.type);
    if (unsupported) {
      // Reported after the constraints, so that a builtin over it is named first.
      if (outputAnnotation(d.anns)) this.deferred ??= () => fznError(`${d.name} is a ${unsupported}: ${adviceFor(unsupported)}`, d.pos);
      this.syms.set(d.name, { k: 'unsupported', what: unsupported });
      return;
    }
    const kind: ValueKind = d.type.base.k === 'bool' ? 'bool' : 'int';
    if (!d.type.isVar) return this.declareParameter(d);
    if (d.type.array) {
      if (!d.value) fznError(`array ${d.name} needs its elements (= [...])`, d.pos);
      const refs = this.refList(d.value, `the elements of ${d.name}`);
      if (refs.length !== d.type.array.size) fznError(`array ${d.name} is declared with ${d.type.array.size} elements but given ${refs.length}`, d.value.pos);
      for (const r of refs) this.restrict(r, d.type.base, d.pos);
      this.syms.set(d.name, { k: 'varArray', refs, kind });
      const dims = outputAnnotation(d.anns);
      if (dims) {
        const shape = dims.k === 'call' ? this.outputDims(dims, refs.length) : [[1, refs.length] as [number, number]];
        this.outputs.push({ name: d.name, kind, dims: shape, elements: refs });
      }
      return;
    }
    let ref: FznRef;
    if (d.value) {
      ref = this.scalar(d.value, `the value of ${d.name}`);
      this.restrict(ref, d.type.base, d.pos);
    } else {
      ref = { var: this.newVariable(d, kind) };
    }
    this.syms.set(d.name, { k: 'var', ref, kind });
    if (outputAnnotation(d.anns)) this.outputs.push({ name: d.name, kind, elements: [ref] });
  }

  private declareParameter(d: Extract<Item, { kind: 'decl' }>): void {
    if (!d.value) fznError(`parameter ${d.name} needs a value`, d.pos);
    const base = d.type.base;
    if (base.k === 'setOf') {
      if (d.type.array) {
        this.syms.set(d.name, { k: 'unsupported', what: 'array of sets' });
        return;
      }
      this.syms.set(d.name, { k: 'parSet', ranges: this.setValue(d.value) });
      return;
    }
    if (d.type.array) {
      const values = this.intList(d.value);
      if (values.length !== d.type.array.size) fznError(`array ${d.name} is declared with ${d.type.array.size} elements but given ${values.length}`, d.value.pos);
      this.syms.set(d.name, { k: 'parArray', values });
    } else {
      this.syms.set(d.name, { k: 'par', value: this.intValue(d.value) });
    }
  }

  private newVariable(d: Extract<Item, { kind: 'decl' }>, kind: ValueKind): number {
    const index = this.variables.length;
    if (index >= LIMITS.maxVariables) fznError(`more than ${LIMITS.maxVariables} variables, the limit`, d.pos);
    const base = d.type.base;
    const introduced = d.anns.some((a) => a.k === 'id' && a.name === 'var_is_introduced');
    if (base.k === 'bool') {
      this.variables.push({ name: d.name, min: 0, size: 2, allowed: [true, true], kind: 'bool' });
    } else if (base.k === 'intSet' && base.ranges.length > 0 && span(base.ranges) <= LIMITS.maxDomainSize) {
      this.variables.push({ name: d.name, ...domainOf(base.ranges), kind });
    } else if (base.k === 'intSet' && base.ranges.length === 0) {
      fznError(`variable ${d.name} has an empty domain`, d.pos);
    } else {
      const declared = base.k === 'intSet' ? [base.ranges[0]![0], base.ranges[base.ranges.length - 1]![1]] as [number, number] : undefined;
      this.variables.push({ name: d.name, min: 0, size: 1, allowed: [true], kind });
      this.pending.set(index, { name: d.name, pos: d.pos, ...(declared ? { declared } : {}), introduced });
    }
    return index;
  }

  /** Narrow an alias's or array element's variable to the declared domain; a constant must lie in it. */
  private restrict(r: FznRef, base: FznType['base'], pos: Pos): void {
    if (base.k !== 'intSet') return;
    const inSet = (v: number) => base.ranges.some(([lo, hi]) => v >= lo && v <= hi);
    if ('value' in r) {
      if (!inSet(r.value)) this.out.clause([]);
      return;
    }
    if (this.pending.has(r.var)) {
      const p = this.pending.get(r.var)!;
      const lo = base.ranges[0]![0];
      const hi = base.ranges[base.ranges.length - 1]![1];
      p.declared = p.declared ? [Math.max(p.declared[0], lo), Math.min(p.declared[1], hi)] : [lo, hi];
      if (hi - lo + 1 <= LIMITS.maxDomainSize) {
        this.pending.delete(r.var);
        Object.assign(this.variables[r.var]!, domainOf(base.ranges));
      }
      return;
    }
    const v = this.variables[r.var]!;
    v.allowed = v.allowed.map((ok, i) => ok && inSet(v.min + i));
    if (!v.allowed.includes(true)) fznError(`variable ${v.name} has no value left in ${describeRanges(base.ranges)}`, pos);
  }

  private outputDims(ann: Extract<Expr, { k: 'call' }>, count: number): [number, number][] {
    const arg = ann.args[0];
    if (ann.args.length !== 1 || arg?.k !== 'array') fznError('output_array needs a list of index ranges, e.g. output_array([1..3])', ann.pos);
    const dims = arg.items.map((e): [number, number] => {
      if (e.k !== 'set' || e.ranges.length !== 1) fznError('output_array: each index set must be a range a..b', e.pos);
      return e.ranges[0]!;
    });
    const n = dims.reduce((acc, [lo, hi]) => acc * (hi - lo + 1), 1);
    if (n !== count) fznError(`output_array: the index sets hold ${n} elements, the array ${count}`, ann.pos);
    return dims;
  }

  // ---- domains of unbounded variables ----

  /** Bounds from the constraints that define pending variables, until nothing changes. */
  private inferBounds(constraints: Extract<Item, { kind: 'constraint' }>[]): void {
    const defining = constraints.flatMap((c) => {
      const d = c.anns.find((a) => a.k === 'call' && a.name === 'defines_var');
      const target = d?.k === 'call' ? d.args[0] : undefined;
      if (target?.k !== 'id') return [];
      const sym = this.syms.get(target.name);
      if (sym?.k !== 'var' || !('var' in sym.ref) || !this.pending.has(sym.ref.var)) return [];
      return [{ c, v: sym.ref.var }];
    });
    for (let changed = true; changed && this.pending.size > 0;) {
      changed = false;
      for (const { c, v } of defining) {
        if (!this.pending.has(v)) continue;
        const range = this.tryBounds(c, v);
        if (!range) continue;
        const p = this.pending.get(v)!;
        const lo = Math.max(range[0], p.declared?.[0] ?? -Infinity);
        const hi = Math.min(range[1], p.declared?.[1] ?? Infinity);
        if (hi < lo) fznError(`variable ${p.name} has no value its defining constraint allows`, c.pos);
        if (hi - lo + 1 > LIMITS.maxDomainSize) {
          p.declared = [lo, hi];
          continue;
        }
        Object.assign(this.variables[v]!, domainOf([[lo, hi]]));
        this.pending.delete(v);
        changed = true;
      }
    }
  }

  /** The range constraint c gives variable v, if its other arguments are known. */
  private tryBounds(c: Extract<Item, { kind: 'constraint' }>, v: number): [number, number] | undefined {
    try {
      const a = this.args(c);
      const known = (r: FznRef) => 'value' in r || !this.pending.has(r.var);
      const range = (r: FznRef): [number, number] => {
        const vals = this.out.values(r);
        return [Math.min(...vals), Math.max(...vals)];
      };
      const isV = (r: FznRef) => 'var' in r && r.var === v;
      const corners = (f: (x: number, y: number) => number, x: FznRef, y: FznRef): [number, number] => {
        const [xl, xh] = range(x);
        const [yl, yh] = range(y);
        const vals = [f(xl, yl), f(xl, yh), f(xh, yl), f(xh, yh)];
        return [Math.min(...vals), Math.max(...vals)];
      };
      switch (c.name) {
        case 'int_lin_eq': {
          const coefs = a.ints(0);
          const refs = a.refs(1);
          const k = refs.findIndex(isV);
          if (k < 0 || refs.some((r, i) => i !== k && (!known(r) || isV(r)))) return undefined;
          const [lo, hi] = this.out.bounds(refs.flatMap((ref, i) => (i === k ? [] : [{ coef: coefs[i]!, ref }])));
          const rhs = a.int(2);
          const ak = coefs[k]!;
          const ends = [(rhs - hi) / ak, (rhs - lo) / ak];
          return [Math.ceil(Math.min(...ends)), Math.floor(Math.max(...ends))];
        }
        case 'int_plus':
          return isV(a.ref(2)) && known(a.ref(0)) && known(a.ref(1)) ? corners((x, y) => x + y, a.ref(0), a.ref(1)) : undefined;
        case 'int_times':
          return isV(a.ref(2)) && known(a.ref(0)) && known(a.ref(1)) ? corners((x, y) => x * y, a.ref(0), a.ref(1)) : undefined;
        case 'int_min':
        case 'int_max':
          return isV(a.ref(2)) && known(a.ref(0)) && known(a.ref(1)) ? corners(c.name === 'int_min' ? Math.min : Math.max, a.ref(0), a.ref(1)) : undefined;
        case 'int_abs': {
          if (!isV(a.ref(1)) || !known(a.ref(0))) return undefined;
          const [lo, hi] = range(a.ref(0));
          return [lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))];
        }
        case 'bool2int':
          return isV(a.ref(1)) ? [0, 1] : undefined;
        case 'array_int_element': {
          const values = a.ints(1);
          return isV(a.ref(2)) && values.length > 0 ? [Math.min(...values), Math.max(...values)] : undefined;
        }
        case 'array_var_int_element': {
          const refs = a.refs(1);
          if (!isV(a.ref(2)) || refs.length === 0 || !refs.every(known)) return undefined;
          const ranges = refs.map(range);
          return [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
        }
        default:
          return undefined;
      }
    } catch (err) {
      if (err instanceof InputError) return undefined;
      throw err;
    }
  }

  /** Pending variables no constraint uses get one value; any other is an error at its declaration. */
  private settlePending(constraints: Extract<Item, { kind: 'constraint' }>[]): void {
    if (this.pending.size === 0) return;
    const used = new Set<number>();
    const visit = (e: Expr): void => {
      if (e.k === 'array') e.items.forEach(visit);
      if (e.k !== 'id') return;
      const sym = this.syms.get(e.name);
      const refs = sym?.k === 'var' ? [sym.ref] : sym?.k === 'varArray' ? sym.refs : [];
      for (const r of refs) if ('var' in r) used.add(r.var);
    };
    for (const c of constraints) c.args.forEach(visit);
    for (const [v, p] of this.pending) {
      if (used.has(v)) {
        const what = p.introduced ? ' (introduced by MiniZinc for an expression of the model)' : '';
        const dom = p.declared ? `has the domain ${p.declared[0]}..${p.declared[1]} (${p.declared[1] - p.declared[0] + 1} values)` : 'has no bounds (var int)';
        fznError(`variable ${p.name}${what} ${dom}; hilsolve needs every variable within ${LIMITS.maxDomainSize} consecutive values (a value index is 8 bits): give it tighter bounds in the model`, p.pos);
      }
      const value = p.declared ? (p.declared[0] <= 0 && p.declared[1] >= 0 ? 0 : p.declared[0]) : 0;
      Object.assign(this.variables[v]!, { min: value, size: 1, allowed: [true] });
    }
    this.pending.clear();
  }

  // ---- resolving expressions ----

  private args(c: Extract<Item, { kind: 'constraint' }>): Args {
    const expr = (i: number): Expr => {
      const e = c.args[i];
      if (!e) fznError(`${c.name} takes more than ${c.args.length} argument${c.args.length === 1 ? '' : 's'}`, c.pos);
      return e;
    };
    const what = (i: number) => `argument ${i + 1} of ${c.name}`;
    return {
      name: c.name,
      pos: c.pos,
      count: c.args.length,
      expr,
      ref: (i) => this.scalar(expr(i), what(i)),
      refs: (i) => this.refList(expr(i), what(i)),
      int: (i) => this.intValue(expr(i)),
      ints: (i) => this.intList(expr(i), what(i)),
      set: (i) => this.setValue(expr(i)),
    };
  }

  /** A scalar variable or constant. */
  private scalar(e: Expr, what: string): FznRef {
    switch (e.k) {
      case 'int':
        return { value: checkInt(e.v, e.pos) };
      case 'bool':
        return { value: e.v ? 1 : 0 };
      case 'id': {
        const sym = this.lookup(e);
        if (e.index !== undefined) {
          const list = sym.k === 'varArray' ? sym.refs : sym.k === 'parArray' ? sym.values.map((value) => ({ value })) : undefined;
          if (!list) fznError(`${e.name} is not an array`, e.pos);
          const r = list[e.index - 1];
          if (!r) fznError(`${e.name}[${e.index}] is out of the array's range 1..${list.length}`, e.pos);
          return r;
        }
        if (sym.k === 'var') return sym.ref;
        if (sym.k === 'par') return { value: sym.value };
        return fznError(`${what}: expected a variable or a value, but ${e.name} is an array or a set`, e.pos);
      }
      default:
        return fznError(`${what}: expected a variable or an integer, found ${describeExpr(e)}`, e.pos);
    }
  }

  private refList(e: Expr, what: string): FznRef[] {
    if (e.k === 'array') return e.items.map((item) => this.scalar(item, what));
    if (e.k === 'id' && e.index === undefined) {
      const sym = this.lookup(e);
      if (sym.k === 'varArray') return sym.refs;
      if (sym.k === 'parArray') return sym.values.map((value) => ({ value }));
    }
    return fznError(`${what}: expected an array, found ${describeExpr(e)}`, e.pos);
  }

  private intValue(e: Expr): number {
    const r = this.scalar(e, 'a parameter');
    if ('var' in r) fznError(`expected a fixed integer, but ${describeExpr(e)} is a variable`, e.pos);
    return r.value;
  }

  private intList(e: Expr, what = 'a parameter array'): number[] {
    return this.refList(e, what).map((r) => ('value' in r ? r.value : fznError(`${what}: expected an array of fixed integers, found a variable in it`, e.pos)));
  }

  private setValue(e: Expr): [number, number][] {
    if (e.k === 'set') return e.ranges;
    if (e.k === 'id') {
      const sym = this.lookup(e);
      if (sym.k === 'parSet') return sym.ranges;
    }
    return fznError(`expected a set of integers, found ${describeExpr(e)}`, e.pos);
  }

  private lookup(e: Extract<Expr, { k: 'id' }>): Sym {
    const sym = this.syms.get(e.name);
    if (!sym) fznError(`unknown name ${e.name}`, e.pos);
    if (sym.k === 'unsupported') {
      fznError(`${e.name} is a ${sym.what}: ${adviceFor(sym.what)}`, e.pos);
    }
    return sym;
  }

  private checkTotalTerms(): void {
    let total = 0;
    for (const c of this.constraints) {
      if (c.type === 'clause') total += c.literals.length;
      else if (c.type === 'compare') total += 2;
      else if (c.type === 'allDifferent') total += c.vars.length;
      else if (c.type === 'table') total += c.vars.length * c.tuples.length;
      else total += c.terms.length;
    }
    if (total > LIMITS.maxTotalTerms) {
      throw new InputError(`the constraints hold ${total} literals, terms and table cells after mapping the builtins, over the limit of ${LIMITS.maxTotalTerms}`);
    }
  }
}

function adviceFor(what: string): string {
  return what.includes('set') ? ADVICE.set : what.includes('float') ? ADVICE.float : ADVICE.other;
}

function unsupportedType(t: FznType): string | undefined {
  if (t.base.k === 'float' || t.base.k === 'floatRange') return t.isVar ? 'float variable' : undefined;
  if (t.base.k === 'setOf' && t.isVar) return 'set variable';
  return undefined;
}

/** The output annotation of a declaration: `output_var` (an id) or `output_array(...)` (a call). */
function outputAnnotation(anns: Expr[]): Expr | undefined {
  return anns.find((a) => (a.k === 'id' && a.name === 'output_var') || (a.k === 'call' && a.name === 'output_array'));
}

function span(ranges: [number, number][]): number {
  return ranges[ranges.length - 1]![1] - ranges[0]![0] + 1;
}

function domainOf(ranges: [number, number][]): Pick<Variable, 'min' | 'size' | 'allowed'> {
  const min = ranges[0]![0];
  const size = span(ranges);
  const allowed = new Array<boolean>(size).fill(false);
  for (const [lo, hi] of ranges) for (let v = lo; v <= hi; v++) allowed[v - min] = true;
  return { min, size, allowed };
}

function describeRanges(ranges: [number, number][]): string {
  return `{${ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}..${hi}`)).join(', ')}}`;
}

function checkInt(v: number, pos: Pos): number {
  if (v < LIMITS.minValue || v > LIMITS.maxValue) fznError(`integer ${v} is out of the int32 range`, pos);
  return v;
}

function describeExpr(e: Expr): string {
  switch (e.k) {
    case 'int':
    case 'float':
      return String(e.v);
    case 'bool':
      return e.v ? 'true' : 'false';
    case 'str':
      return 'a string';
    case 'id':
      return e.index === undefined ? e.name : `${e.name}[${e.index}]`;
    case 'set':
      return 'a set';
    case 'array':
      return 'an array';
    case 'call':
      return `${e.name}(...)`;
  }
}
