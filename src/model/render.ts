// How assignments and constraints are shown to users: `{ name: value }` objects (booleans for CNF
// variables, colours keyed by vertex number for .col), their inverse, and one-line renderings
// of program constraints for reports such as `hilsolve verify`.

import { childPath, describeJsonType, fail } from './json-path.ts';
import { LIMITS } from './limits.ts';
import type { Program } from './program.ts';
import type { Assignment, Constraint, Literal, Model, RenderedAssignment, Variable } from './types.ts';

export function renderAssignment(model: Model, values: Assignment): RenderedAssignment {
  if (values.length !== model.variables.length) {
    throw new RangeError(`assignment has ${values.length} values for ${model.variables.length} variables`);
  }
  // Defined, not assigned: a variable named `__proto__` would otherwise set the prototype and
  // vanish from the result (`constructor` and the like are plain own properties either way).
  const out: RenderedAssignment = {};
  model.variables.forEach((v, i) => {
    Object.defineProperty(out, v.name, { value: v.kind === 'bool' ? values[i] !== 0 : values[i]!, enumerable: true, writable: true, configurable: true });
  });
  return out;
}

/**
 * The inverse of renderAssignment: every variable named exactly once, integers (int32) for int
 * variables, booleans (or 0/1) for bool variables. Values are not checked against domains here:
 * a value outside its domain is an answer the checkers reject, not unreadable input.
 */
export function parseRenderedAssignment(model: Model, obj: unknown): Assignment {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail('$', `expected an object of variable values, got ${describeJsonType(obj)}`);
  const index = new Map(model.variables.map((v, i) => [v.name, i]));
  const values: (number | undefined)[] = new Array(model.variables.length).fill(undefined);
  for (const [name, value] of Object.entries(obj)) {
    const i = index.get(name);
    if (i === undefined) fail(childPath('$', name), `unknown variable ${JSON.stringify(name)}`);
    values[i] = readValue(model.variables[i]!, value, childPath('$', name));
  }
  requireAll(model, values, (message) => fail('$', message));
  return values as number[];
}

/** Report, through `report`, the variables that `values` leaves without a value. */
export function requireAll(model: Model, values: readonly (number | undefined)[], report: (message: string) => never): void {
  const missing = model.variables.filter((_, i) => values[i] === undefined).map((v) => v.name);
  if (missing.length === 1) report(`no value for variable ${missing[0]}`);
  if (missing.length > 1) report(`no value for ${missing.length} variables: ${listPreview(missing)}`);
}

function readValue(v: Variable, value: unknown, path: string): number {
  if (v.kind === 'bool' && typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(path, `expected ${v.kind === 'bool' ? 'true or false' : 'an integer'}, got ${describeJsonType(value)}`);
  }
  if (value < LIMITS.minValue || value > LIMITS.maxValue) fail(path, `value ${value} is out of the int32 range`);
  return value;
}

/** A few items then "... (N in all)", for messages about long lists. */
export function listPreview(items: readonly string[], shown = 8): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')}, ... (${items.length} in all)`;
}

/** `0..7`, or `{1, 3, 5}` when the domain has holes. */
export function describeDomain(v: Variable): string {
  if (v.allowed.every(Boolean)) return v.size === 1 ? `{${v.min}}` : `${v.min}..${v.min + v.size - 1}`;
  return `{${listPreview(v.allowed.flatMap((ok, i) => (ok ? [String(v.min + i)] : [])))}}`;
}

/** One line describing program constraint `index`: a model constraint, or a domain check. */
export function describeConstraint(model: Model, program: Program, index: number): string {
  if (index < 0 || !Number.isInteger(index)) throw new RangeError(`bad constraint index ${index}`);
  if (index < program.modelConstraints) return describeModelConstraint(model, model.constraints[index]!);
  const variable = program.domainChecks[index - program.modelConstraints];
  if (variable === undefined) throw new RangeError(`constraint index ${index} beyond the program's constraints`);
  const v = model.variables[variable]!;
  return `domain of ${v.name}: ${describeDomain(v)}`;
}

export function describeModelConstraint(model: Model, c: Constraint): string {
  const name = (i: number): string => model.variables[i]!.name;
  switch (c.type) {
    case 'clause':
      return `clause (${c.literals.map((l) => describeLiteral(model, l)).join(' ∨ ')})`;
    case 'compare':
      return `${name(c.x)} ${c.op} ${name(c.y)}${plus(c.c)}`;
    case 'allDifferent':
      return `allDifferent(${listPreview(c.vars.map((x, i) => `${name(x)}${plus(c.offsets[i]!)}`))})`;
    case 'table': {
      const tuples = c.tuples.map((t) => `(${t.join(', ')})`);
      return `(${listPreview(c.vars.map(name))}) ${c.mode === 'allowed' ? '∈' : '∉'} {${listPreview(tuples, 4)}}`;
    }
    case 'linear': {
      const terms = c.terms.map((t, i) => {
        const mag = Math.abs(t.coef) === 1 ? name(t.var) : `${Math.abs(t.coef)}*${name(t.var)}`;
        if (i === 0) return t.coef < 0 ? `-${mag}` : mag;
        return t.coef < 0 ? `- ${mag}` : `+ ${mag}`;
      });
      const shown = terms.length <= 8 ? terms.join(' ') : `${terms.slice(0, 8).join(' ')} ... (${terms.length} terms)`;
      return `${shown} ${c.op} ${c.rhs}`;
    }
  }
}

/** `x = 3`, `x ∈ {1, 2}`; a bool variable as `x` or `¬x`. */
function describeLiteral(model: Model, l: Literal): string {
  const v = model.variables[l.var]!;
  if (v.kind === 'bool' && l.values.length === 1 && (l.values[0] === 0 || l.values[0] === 1)) {
    return (l.values[0] === 1) !== l.negated ? v.name : `¬${v.name}`;
  }
  if (l.values.length === 1) return `${v.name} ${l.negated ? '!=' : '='} ${l.values[0]}`;
  return `${v.name} ${l.negated ? '∉' : '∈'} {${listPreview(l.values.map(String))}}`;
}

function plus(c: number): string {
  if (c === 0) return '';
  return c > 0 ? ` + ${c}` : ` - ${-c}`;
}
