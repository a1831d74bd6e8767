// The second, independent checker: evaluates the original model directly on values
// (value = min + index), sharing nothing with the compiler but the model types and the
// candidate encoding's bit widths. The host re-checks every proven assignment with it, and the
// tests hold the compiled program to it on random models and candidates.
//
// Numbering as in the program: model constraints 0..C-1, then one domain check per variable
// whose allowed indices are not exactly 0..2^w-1 (in variable order), violated when the index
// is past the domain's end or in a hole.

import { bitWidth } from '../model/pack.ts';
import type { CompareOp, Constraint, Model } from '../model/types.ts';
import type { CheckResult } from './types.ts';

/** Check indices (one per variable, each representable in its variable's width). */
export function checkModel(model: Model, indices: readonly number[]): CheckResult {
  const vars = model.variables;
  if (indices.length !== vars.length) throw new RangeError(`checkModel: ${indices.length} indices for ${vars.length} variables`);
  const values = vars.map((v, i) => {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** bitWidth(v.size)) {
      throw new RangeError(`checkModel: index ${index} of variable ${v.name} is not representable`);
    }
    return v.min + index;
  });

  const violated: number[] = [];
  model.constraints.forEach((c, j) => {
    if (!holds(c, values)) violated.push(j);
  });
  let check = model.constraints.length;
  vars.forEach((v, i) => {
    const full = v.size === 2 ** bitWidth(v.size) && v.allowed.every(Boolean);
    if (full) return;
    const index = indices[i]!;
    if (!(index < v.size && v.allowed[index])) violated.push(check);
    check++;
  });
  return { ok: violated.length === 0, violated, count: violated.length };
}

/** Whether constraint c holds for the values (read only at the constraint's own variables). */
export function holds(c: Constraint, values: readonly number[]): boolean {
  switch (c.type) {
    case 'clause':
      return c.literals.some((lit) => lit.values.includes(values[lit.var]!) !== lit.negated);
    case 'compare':
      return relation(c.op, values[c.x]!, values[c.y]! + c.c);
    case 'allDifferent': {
      const shifted = c.vars.map((v, i) => values[v]! + (c.offsets[i] ?? 0));
      return new Set(shifted).size === shifted.length;
    }
    case 'table': {
      const match = c.tuples.some((t) => t.every((value, i) => values[c.vars[i]!] === value));
      return c.mode === 'allowed' ? match : !match;
    }
    case 'linear': {
      let sum = 0;
      for (const t of c.terms) sum += t.coef * values[t.var]!;
      return relation(c.op, sum, c.rhs);
    }
  }
}

function relation(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}
