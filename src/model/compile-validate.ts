// The shape checks the compiler relies on, for models built by any means (the parsers already
// report these with line numbers or JSON paths; this is the last line of defence before words
// are emitted). Errors name the variable or constraint at fault.

import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { validateObjective } from './objective.ts';
import { COMPARE_OPS, type CompareOp, type Constraint, type Model } from './types.ts';

export function validateModel(model: Model): void {
  const n = model.variables.length;
  if (n > LIMITS.maxVariables) throw new InputError(`${n} variables, more than the limit of ${LIMITS.maxVariables}`);
  if (model.constraints.length > LIMITS.maxConstraints) {
    throw new InputError(`${model.constraints.length} constraints, more than the limit of ${LIMITS.maxConstraints}`);
  }
  model.variables.forEach((v, i) => {
    const where = `variable ${i} (${v.name})`;
    if (!Number.isInteger(v.size) || v.size < 1 || v.size > LIMITS.maxDomainSize) {
      throw new InputError(`${where}: domain size ${v.size} is not in 1..${LIMITS.maxDomainSize}`);
    }
    if (!isValue(v.min) || !isValue(v.min + v.size - 1)) {
      throw new InputError(`${where}: domain ${v.min}..${v.min + v.size - 1} is not within ${LIMITS.minValue}..${LIMITS.maxValue}`);
    }
    if (v.allowed.length !== v.size) throw new InputError(`${where}: domain bitmask has ${v.allowed.length} entries for ${v.size} values`);
  });
  model.constraints.forEach((c, i) => validateConstraint(c, `constraint ${i} (${c.type})`, n));
  validateObjective(model);
}

function isValue(v: number): boolean {
  return Number.isInteger(v) && v >= LIMITS.minValue && v <= LIMITS.maxValue;
}

function validateConstraint(c: Constraint, where: string, numVars: number): void {
  const variable = (v: number): void => {
    if (!Number.isInteger(v) || v < 0 || v >= numVars) throw new InputError(`${where}: variable ${v} does not exist (${numVars} variables)`);
  };
  const value = (v: number, what: string): void => {
    if (!isValue(v)) throw new InputError(`${where}: ${what} ${v} is not an integer in ${LIMITS.minValue}..${LIMITS.maxValue}`);
  };
  switch (c.type) {
    case 'clause':
      for (const lit of c.literals) {
        variable(lit.var);
        for (const v of lit.values) value(v, 'value');
      }
      break;
    case 'compare':
      variable(c.x);
      variable(c.y);
      value(c.c, 'offset');
      comparison(c.op, where);
      break;
    case 'allDifferent':
      c.vars.forEach(variable);
      if (c.offsets.length !== c.vars.length) throw new InputError(`${where}: ${c.offsets.length} offsets for ${c.vars.length} variables`);
      for (const o of c.offsets) value(o, 'offset');
      break;
    case 'table':
      c.vars.forEach(variable);
      if (c.tuples.length > LIMITS.maxTableTuples) throw new InputError(`${where}: ${c.tuples.length} tuples, more than the limit of ${LIMITS.maxTableTuples}`);
      if (c.mode !== 'allowed' && c.mode !== 'forbidden') throw new InputError(`${where}: mode ${String(c.mode)} is neither allowed nor forbidden`);
      for (const t of c.tuples) {
        if (t.length !== c.vars.length) throw new InputError(`${where}: a tuple has ${t.length} values for ${c.vars.length} variables`);
        for (const v of t) value(v, 'value');
      }
      break;
    case 'linear':
      for (const t of c.terms) {
        variable(t.var);
        if (!Number.isInteger(t.coef) || t.coef < LIMITS.minCoefficient || t.coef > LIMITS.maxCoefficient) {
          throw new InputError(`${where}: coefficient ${t.coef} is not an integer in ${LIMITS.minCoefficient}..${LIMITS.maxCoefficient}`);
        }
      }
      value(c.rhs, 'right-hand side');
      comparison(c.op, where);
      break;
    default:
      throw new InputError(`${where}: unknown constraint type`);
  }
}

function comparison(op: CompareOp, where: string): void {
  if (!COMPARE_OPS.includes(op)) throw new InputError(`${where}: unknown comparison ${String(op)}`);
}
