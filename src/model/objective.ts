// The objective of an optimisation problem (types.ts Objective): its value for an assignment,
// which of two values is better, and the bound constraint "strictly better than `best`" that the
// solve loop adds to the model after each improving solution (src/solve/optimise.ts), so that the
// validator program (device and host checker alike), the search tables and the tree search all
// enforce it. Pure: no I/O.

import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import type { Constraint, Model, Objective } from './types.ts';

/** The objective's value for an assignment of values (by variable index). */
export function objectiveValue(objective: Objective, values: readonly number[]): number {
  return objective.terms.reduce((sum, t) => sum + t.coef * values[t.var]!, objective.constant);
}

/** Whether objective value `a` is strictly better than `b`. */
export function better(objective: Objective, a: number, b: number): boolean {
  return objective.sense === 'minimize' ? a < b : a > b;
}

/**
 * The constraint "the objective is strictly better than `best`": one term becomes a clause of
 * one literal (the values of the variable that qualify; none left is an empty clause, which
 * compiles to unsatisfiable), more terms a linear constraint; no term (a constant objective) an
 * empty clause, as no value beats the only one.
 */
export function boundConstraint(model: Model, objective: Objective, best: number): Constraint {
  const { terms, constant } = objective;
  if (terms.length === 0) return { type: 'clause', literals: [] }; // a constant is never better than itself
  if (terms.length === 1) {
    const { coef, var: x } = terms[0]!;
    const v = model.variables[x]!;
    const values = v.allowed.flatMap((ok, i) => (ok && better(objective, coef * (v.min + i) + constant, best) ? [v.min + i] : []));
    return { type: 'clause', literals: values.length === 0 ? [] : [{ var: x, values, negated: false }] };
  }
  const rhs = best - constant;
  if (!Number.isSafeInteger(rhs) || rhs < LIMITS.minValue || rhs > LIMITS.maxValue) {
    throw new InputError(`the objective bound ${rhs} is outside ${LIMITS.minValue}..${LIMITS.maxValue}, the range of a linear constraint`);
  }
  return { type: 'linear', terms: terms.map((t) => ({ ...t })), op: objective.sense === 'minimize' ? '<' : '>', rhs };
}

/** The model with the bound constraint added (same variables, so index vectors mean the same). */
export function withBound(model: Model, best: number): Model {
  const objective = model.objective;
  if (!objective) throw new Error('withBound: the model has no objective');
  return { ...model, constraints: [...model.constraints, boundConstraint(model, objective, best)] };
}

/** Shape checks for an objective built by any means (the parsers report these with their positions). */
export function validateObjective(model: Model): void {
  const o = model.objective;
  if (!o) return;
  if (o.sense !== 'minimize' && o.sense !== 'maximize') throw new InputError(`objective: unknown sense ${String(o.sense)} (expected minimize or maximize)`);
  if (!Number.isSafeInteger(o.constant)) throw new InputError(`objective: constant ${o.constant} is not an integer`);
  for (const t of o.terms) {
    if (!Number.isInteger(t.var) || t.var < 0 || t.var >= model.variables.length) throw new InputError(`objective: variable ${t.var} does not exist`);
    if (!Number.isInteger(t.coef) || t.coef < LIMITS.minCoefficient || t.coef > LIMITS.maxCoefficient) {
      throw new InputError(`objective: coefficient ${t.coef} is not an integer in ${LIMITS.minCoefficient}..${LIMITS.maxCoefficient}`);
    }
  }
}
