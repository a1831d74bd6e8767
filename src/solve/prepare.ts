// Parse and compile a submitted problem: done by the API when a job is submitted (so a bad
// problem is refused before anything is queued) and again by the worker that runs it (parsing is
// deterministic, so both see the same model). Throws InputError naming the problem's fault, or
// UnsatisfiableError when compilation proves there is no solution.

import { compile } from '../model/compile.ts';
import { parseProblem } from '../model/parse.ts';
import type { Program } from '../model/program.ts';
import type { Model } from '../model/types.ts';
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
  return { model, program: compile(model) };
}
