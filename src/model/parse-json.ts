// The JSON problem format (docs/formats.md): reads a document into a Model, and writes a Model
// back as a document. Every error names the JSON path of the offending item.

import { parseJsonText } from './json-text.ts';
import { childPath, fail, readArray, readInt, readObject, readString, readTag } from './json-path.ts';
import { LIMITS } from './limits.ts';
import { describeDomain } from './render.ts';
import {
  COMPARE_OPS, type CompareOp, type Constraint, type LinearTerm, type Literal, type Model, type Objective, type Variable,
} from './types.ts';

/** Declared names: letters, digits, `_` and `.`; array elements are then `name[i]`. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.]*$/;
const CONSTRAINT_TYPES = ['clause', 'compare', 'allDifferent', 'table', 'linear'] as const;
const LITERAL_OPS = ['=', '!=', 'in', 'notIn'] as const;
const SENSES = ['minimize', 'maximize'] as const;

/** Parse JSON problem text. `name` is used when the document has no `name` field. */
export function parseJsonProblem(text: string, name?: string): Model {
  return modelFromJson(parseJsonText(text), name);
}

/** Read an already-parsed JSON problem document. */
export function modelFromJson(doc: unknown, name?: string): Model {
  return new JsonProblemReader().read(doc, name);
}

class JsonProblemReader {
  private readonly variables: Variable[] = [];
  private readonly byName = new Map<string, number>();
  private readonly arrays = new Map<string, number[]>();
  private totalTerms = 0;

  read(doc: unknown, name?: string): Model {
    const top = readObject(doc, '$', ['variables', 'constraints'], ['name', 'objective']);
    const model: Model = { format: 'json', variables: this.variables, constraints: [], meta: {} };
    if (top.name !== undefined) model.meta.name = readString(top.name, '$.name');
    else if (name !== undefined) model.meta.name = name;
    readArray(top.variables, '$.variables').forEach((v, i) => this.declare(v, `$.variables[${i}]`));
    const constraints = readArray(top.constraints, '$.constraints');
    if (constraints.length > LIMITS.maxConstraints) {
      fail('$.constraints', `${constraints.length} constraints, over the limit of ${LIMITS.maxConstraints}`);
    }
    model.constraints = constraints.map((c, i) => this.constraint(c, `$.constraints[${i}]`));
    if (top.objective !== undefined) model.objective = this.objective(top.objective, '$.objective');
    return model;
  }

  /** `{ "sense": "minimize" | "maximize", "terms": [{ "coef", "var" }...], "constant"?: c }`. */
  private objective(value: unknown, path: string): Objective {
    const o = readObject(value, path, ['sense', 'terms'], ['constant']);
    const sense = readString(o.sense, `${path}.sense`);
    if (!(SENSES as readonly string[]).includes(sense)) fail(`${path}.sense`, `unknown sense "${sense}" (expected ${SENSES.join(' or ')})`);
    const raw = this.countTerms(readArray(o.terms, `${path}.terms`), `${path}.terms`);
    if (raw.length === 0) fail(`${path}.terms`, 'an objective needs at least one term');
    return {
      sense: sense as Objective['sense'],
      terms: raw.map((t, i) => this.term(t, `${path}.terms[${i}]`)),
      constant: o.constant === undefined ? 0 : readInt(o.constant, `${path}.constant`),
    };
  }

  private term(value: unknown, path: string): LinearTerm {
    const term = readObject(value, path, ['coef', 'var']);
    return {
      coef: readInt(term.coef, `${path}.coef`, LIMITS.minCoefficient, LIMITS.maxCoefficient, 'coefficient'),
      var: this.variable(term.var, `${path}.var`),
    };
  }

  private declare(value: unknown, path: string): void {
    const decl = readObject(value, path, ['name', 'domain'], ['size']);
    const name = readString(decl.name, `${path}.name`);
    if (name.length > LIMITS.maxNameLength) fail(`${path}.name`, `name longer than ${LIMITS.maxNameLength} characters`);
    if (!NAME.test(name)) {
      fail(`${path}.name`, `invalid name ${JSON.stringify(name)}: use letters, digits, '_' and '.'`);
    }
    if (this.byName.has(name) || this.arrays.has(name)) fail(`${path}.name`, `duplicate name "${name}"`);
    const domain = readDomain(decl.domain, `${path}.domain`);
    const room = LIMITS.maxVariables - this.variables.length;
    if (decl.size === undefined) {
      if (room < 1) fail(path, `more than ${LIMITS.maxVariables} variables`);
      this.add(name, domain);
      return;
    }
    const size = readInt(decl.size, `${path}.size`, 1, LIMITS.maxVariables, 'array size');
    if (size > room) fail(`${path}.size`, `array of ${size} makes more than ${LIMITS.maxVariables} variables`);
    const elements: number[] = [];
    for (let i = 0; i < size; i++) elements.push(this.add(`${name}[${i}]`, domain));
    this.arrays.set(name, elements);
  }

  private add(name: string, domain: Omit<Variable, 'name'>): number {
    const index = this.variables.length;
    this.variables.push({ name, ...domain, allowed: [...domain.allowed] });
    this.byName.set(name, index);
    return index;
  }

  private variable(value: unknown, path: string): number {
    const name = readString(value, path);
    const index = this.byName.get(name);
    if (index !== undefined) return index;
    const array = this.arrays.get(name);
    if (array) fail(path, `"${name}" is an array of ${array.length} variables; name one element, e.g. "${name}[0]"`);
    return fail(path, `unknown variable ${JSON.stringify(name)}`);
  }

  /** A list of variables: an array name, or a JSON array of variable and array names. */
  private variableList(value: unknown, path: string): number[] {
    if (typeof value === 'string') {
      const array = this.arrays.get(value);
      if (!array) fail(path, `expected a list of variables or the name of an array, got unknown array ${JSON.stringify(value)}`);
      return this.countTerms([...array], path);
    }
    const out: number[] = [];
    readArray(value, path).forEach((item, i) => {
      const itemPath = childPath(path, i);
      const array = typeof item === 'string' ? this.arrays.get(item) : undefined;
      if (array) out.push(...array);
      else out.push(this.variable(item, itemPath));
      checkArity(out.length, path);
    });
    return this.countTerms(out, path);
  }

  /** Check a constraint's list against the arity limit and add its size, times `weight`, to the total. */
  private countTerms<T extends { length: number }>(items: T, path: string, weight = 1): T {
    checkArity(items.length, path);
    this.addTerms(items.length * weight, path);
    return items;
  }

  private addTerms(n: number, path: string): void {
    this.totalTerms += n;
    if (this.totalTerms > LIMITS.maxTotalTerms) {
      fail(path, `the constraints hold more than ${LIMITS.maxTotalTerms} literals, terms and table cells in total`);
    }
  }

  private valueOf(variable: number, value: unknown, path: string): number {
    const v = readInt(value, path);
    const x = this.variables[variable]!;
    if (v < x.min || v >= x.min + x.size || !x.allowed[v - x.min]) {
      fail(path, `value ${v} is not in the domain of ${x.name} (${describeDomain(x)})`);
    }
    return v;
  }

  private constraint(value: unknown, path: string): Constraint {
    const type = readTag(value, path, 'type');
    switch (type) {
      case 'clause': {
        const c = readObject(value, path, ['type', 'literals']);
        const literals = this.countTerms(readArray(c.literals, `${path}.literals`), `${path}.literals`);
        return { type, literals: literals.map((l, i) => this.literal(l, `${path}.literals[${i}]`)) };
      }
      case 'compare': {
        const c = readObject(value, path, ['type', 'x', 'op', 'y'], ['c']);
        this.addTerms(2, path);
        return {
          type,
          x: this.variable(c.x, `${path}.x`),
          op: readCompareOp(c.op, `${path}.op`),
          y: this.variable(c.y, `${path}.y`),
          c: c.c === undefined ? 0 : readInt(c.c, `${path}.c`),
        };
      }
      case 'allDifferent': {
        const c = readObject(value, path, ['type', 'vars'], ['offsets']);
        const vars = this.variableList(c.vars, `${path}.vars`);
        if (vars.length === 0) fail(`${path}.vars`, 'allDifferent needs at least one variable');
        let offsets = vars.map(() => 0);
        if (c.offsets !== undefined) {
          const raw = readArray(c.offsets, `${path}.offsets`);
          if (raw.length !== vars.length) fail(`${path}.offsets`, `${raw.length} offsets for ${vars.length} variables`);
          offsets = raw.map((o, i) => readInt(o, `${path}.offsets[${i}]`));
        }
        return { type, vars, offsets };
      }
      case 'table': {
        const c = readObject(value, path, ['type', 'vars', 'tuples'], ['mode']);
        const vars = this.variableList(c.vars, `${path}.vars`);
        if (vars.length === 0) fail(`${path}.vars`, 'a table needs at least one variable');
        const mode = c.mode === undefined ? 'allowed' : readString(c.mode, `${path}.mode`);
        if (mode !== 'allowed' && mode !== 'forbidden') fail(`${path}.mode`, `unknown mode "${mode}" (expected allowed or forbidden)`);
        const raw = readArray(c.tuples, `${path}.tuples`);
        if (raw.length > LIMITS.maxTableTuples) fail(`${path}.tuples`, `${raw.length} tuples, over the limit of ${LIMITS.maxTableTuples}`);
        this.countTerms(raw, `${path}.tuples`, vars.length);
        const tuples = raw.map((t, i) => {
          const tuplePath = `${path}.tuples[${i}]`;
          const cells = readArray(t, tuplePath);
          if (cells.length !== vars.length) fail(tuplePath, `tuple of ${cells.length} values for ${vars.length} variables`);
          return cells.map((v, j) => this.valueOf(vars[j]!, v, `${tuplePath}[${j}]`));
        });
        return { type, vars, tuples, mode };
      }
      case 'linear': {
        const c = readObject(value, path, ['type', 'terms', 'op', 'rhs']);
        const raw = this.countTerms(readArray(c.terms, `${path}.terms`), `${path}.terms`);
        if (raw.length === 0) fail(`${path}.terms`, 'a linear constraint needs at least one term');
        const terms = raw.map((t, i) => this.term(t, `${path}.terms[${i}]`));
        return { type, terms, op: readCompareOp(c.op, `${path}.op`), rhs: readInt(c.rhs, `${path}.rhs`) };
      }
      default:
        return fail(`${path}.type`, `unknown constraint type "${type}" (expected ${CONSTRAINT_TYPES.join(', ')})`);
    }
  }

  private literal(value: unknown, path: string): Literal {
    const op = readTag(value, path, 'op');
    if (op === '=' || op === '!=') {
      const l = readObject(value, path, ['var', 'op', 'value']);
      const variable = this.variable(l.var, `${path}.var`);
      return { var: variable, values: [this.valueOf(variable, l.value, `${path}.value`)], negated: op === '!=' };
    }
    if (op === 'in' || op === 'notIn') {
      const l = readObject(value, path, ['var', 'op', 'values']);
      const variable = this.variable(l.var, `${path}.var`);
      const values = readArray(l.values, `${path}.values`).map((v, i) => this.valueOf(variable, v, `${path}.values[${i}]`));
      if (values.length === 0) fail(`${path}.values`, 'empty list of values');
      const dup = values.find((v, i) => values.indexOf(v) !== i);
      if (dup !== undefined) fail(`${path}.values`, `value ${dup} listed twice`);
      return { var: variable, values, negated: op === 'notIn' };
    }
    return fail(`${path}.op`, `unknown literal operator "${op}" (expected ${LITERAL_OPS.join(', ')})`);
  }
}

function checkArity(n: number, path: string): void {
  if (n > LIMITS.maxConstraintArity) fail(path, `more than ${LIMITS.maxConstraintArity} items, the limit per constraint`);
}

function readCompareOp(value: unknown, path: string): CompareOp {
  const op = readString(value, path);
  if (!(COMPARE_OPS as readonly string[]).includes(op)) fail(path, `unknown comparison "${op}" (expected ${COMPARE_OPS.join(' ')})`);
  return op as CompareOp;
}

/** A domain: `{ "min": a, "max": b }`, a list of values, or `"bool"` (0 and 1, shown as false/true). */
function readDomain(value: unknown, path: string): Omit<Variable, 'name'> {
  if (value === 'bool') return { min: 0, size: 2, allowed: [true, true], kind: 'bool' };
  if (Array.isArray(value)) {
    const values = value.map((v, i) => readInt(v, childPath(path, i)));
    if (values.length === 0) fail(path, 'empty domain: the list has no values');
    const min = values.reduce((a, b) => Math.min(a, b));
    const max = values.reduce((a, b) => Math.max(a, b));
    checkSpan(min, max, path);
    const allowed = new Array<boolean>(max - min + 1).fill(false);
    values.forEach((v, i) => {
      if (allowed[v - min]) fail(childPath(path, i), `value ${v} listed twice`);
      allowed[v - min] = true;
    });
    return { min, size: allowed.length, allowed, kind: 'int' };
  }
  if (typeof value === 'string') fail(path, `unknown domain "${value}" (expected {"min": a, "max": b}, a list of values, or "bool")`);
  const range = readObject(value, path, ['min', 'max']);
  const min = readInt(range.min, `${path}.min`);
  const max = readInt(range.max, `${path}.max`);
  if (min > max) fail(path, `empty domain: min ${min} is greater than max ${max}`);
  checkSpan(min, max, path);
  return { min, size: max - min + 1, allowed: new Array<boolean>(max - min + 1).fill(true), kind: 'int' };
}

function checkSpan(min: number, max: number, path: string): void {
  const span = max - min + 1;
  if (span > LIMITS.maxDomainSize) {
    fail(path, `domain spans ${span} values (${min}..${max}), over the limit of ${LIMITS.maxDomainSize}`);
  }
}

// ---- writing ----

/**
 * Write a model as a JSON problem document that parses back to the same model. Runs of variables
 * named `a[0]`, `a[1]`, ... with equal domains become one array declaration; a variable list that
 * is exactly such an array is written as the array's name.
 */
export function writeJsonProblem(model: Model): string {
  const declarations: object[] = [];
  const arrays: { name: string; first: number; size: number }[] = [];
  for (let i = 0; i < model.variables.length;) {
    const v = model.variables[i]!;
    const base = /^(.*)\[0\]$/.exec(v.name)?.[1];
    let size = 1;
    if (base !== undefined) {
      while (i + size < model.variables.length && model.variables[i + size]!.name === `${base}[${size}]` && sameDomain(v, model.variables[i + size]!)) size++;
      declarations.push({ name: base, size, domain: writeDomain(v) });
      arrays.push({ name: base, first: i, size });
    } else {
      if (!NAME.test(v.name)) throw new Error(`variable name ${JSON.stringify(v.name)} cannot be written as JSON`);
      declarations.push({ name: v.name, domain: writeDomain(v) });
    }
    i += size;
  }
  const name = (index: number): string => model.variables[index]!.name;
  const list = (vars: number[]): string | string[] => {
    const whole = arrays.find((a) => a.size === vars.length && vars.every((x, k) => x === a.first + k));
    return whole ? whole.name : vars.map(name);
  };
  const constraints = model.constraints.map((c): object => {
    switch (c.type) {
      case 'clause':
        return {
          type: c.type,
          literals: c.literals.map((l) => (l.values.length === 1
            ? { var: name(l.var), op: l.negated ? '!=' : '=', value: l.values[0] }
            : { var: name(l.var), op: l.negated ? 'notIn' : 'in', values: l.values })),
        };
      case 'compare':
        return { type: c.type, x: name(c.x), op: c.op, y: name(c.y), ...(c.c !== 0 ? { c: c.c } : {}) };
      case 'allDifferent':
        return { type: c.type, vars: list(c.vars), ...(c.offsets.some((o) => o !== 0) ? { offsets: c.offsets } : {}) };
      case 'table':
        return { type: c.type, vars: list(c.vars), mode: c.mode, tuples: c.tuples };
      case 'linear':
        return { type: c.type, terms: c.terms.map((t) => ({ coef: t.coef, var: name(t.var) })), op: c.op, rhs: c.rhs };
    }
  });
  const items = (xs: object[]): string => (xs.length === 0 ? '[]' : `[\n    ${xs.map((x) => JSON.stringify(x)).join(',\n    ')}\n  ]`);
  const head = model.meta.name !== undefined ? `  "name": ${JSON.stringify(model.meta.name)},\n` : '';
  const o = model.objective;
  const tail = o === undefined ? '' : `,\n  "objective": ${JSON.stringify({
    sense: o.sense, terms: o.terms.map((t) => ({ coef: t.coef, var: name(t.var) })), ...(o.constant !== 0 ? { constant: o.constant } : {}),
  })}`;
  return `{\n${head}  "variables": ${items(declarations)},\n  "constraints": ${items(constraints)}${tail}\n}\n`;
}

function sameDomain(a: Variable, b: Variable): boolean {
  return a.kind === b.kind && a.min === b.min && a.size === b.size && a.allowed.every((x, i) => x === b.allowed[i]);
}

function writeDomain(v: Variable): unknown {
  if (v.kind === 'bool') return 'bool';
  if (v.allowed.every(Boolean)) return { min: v.min, max: v.min + v.size - 1 };
  return v.allowed.flatMap((ok, i) => (ok ? [v.min + i] : []));
}
