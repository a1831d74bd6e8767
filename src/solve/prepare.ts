// Parse, propagate and compile a submitted problem: done by the API when a job is submitted (so a
// bad problem is refused before anything is queued) and again by the worker that runs it (parsing
// and propagation are deterministic, so both see the same model). Throws InputError naming the
// problem's fault, or UnsatisfiableError when root propagation (src/propagate/) or compilation
// proves there is no solution.
//
// Root propagation narrows every domain to the fixpoint of every constraint (unit propagation,
// arc consistency, allDifferent, linear bounds); the returned model is the narrowed one
// (narrowedModel: same variables, values and constraints, fewer allowed indices), so the
// compiler, the sampler, the search tables and the device all see the narrowed domains. A
// solution of the narrowed model is a solution of the submitted one and renders the same way.

import { compile } from '../model/compile.ts';
import { validateModel } from '../model/compile-validate.ts';
import { UnsatisfiableError } from '../model/errors.ts';
import { parseProblem } from '../model/parse.ts';
import type { Program } from '../model/program.ts';
import type { Model } from '../model/types.ts';
import { narrowedModel, propagate } from '../propagate/index.ts';
import type { SolveRequest } from './types.ts';

export interface PreparedProblem {
  model: Model;
  program: Program;
}

export function prepareProblem(request: Pick<SolveRequest, 'format' | 'source' | 'options'>): PreparedProblem {
  const model = parseProblem(request.source, {
    format: request.format,
    ...(request.options.colors !== undefined ? { colors: request.options.colors } : {}),
  });
  const narrowed = propagateRoot(model);
  return { model: narrowed, program: compile(narrowed) };
}

/**
 * The model with its domains narrowed by propagation at the root. Throws InputError on a
 * malformed model, UnsatisfiableError ("proved by propagation: ...") naming the constraint whose
 * propagation failed (or the variable whose domain is empty).
 */
export function propagateRoot(model: Model): Model {
  validateModel(model);
  const result = propagate(model);
  if (result.ok) return narrowedModel(model, result.domains);
  if (result.failed < 0) {
    const empty = model.variables.find((v) => !v.allowed.includes(true));
    throw new UnsatisfiableError(`proved by propagation: variable ${empty?.name ?? '?'} has an empty domain`);
  }
  const c = model.constraints[result.failed]!;
  throw new UnsatisfiableError(`proved by propagation: constraint ${result.failed} (${c.type}) cannot hold within the domains`);
}
