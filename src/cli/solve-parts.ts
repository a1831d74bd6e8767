// The parts every solve in this program runs with (SolveParts, src/solve/ports.ts): the problem
// compiler, the ONNX sampler for candidates (validate mode) and for the prior (search mode), and
// the renderer. Its own module so that a one-shot solve does not load the queue (BullMQ) with it.

import { indicesToValues } from '../model/pack.ts';
import { renderAssignment } from '../model/render.ts';
import type { WorkerConfig } from '../queue/config.ts';
import { Sampler } from '../sampler/index.ts';
import { prepareProblem } from '../solve/prepare.ts';
import type { SolveParts } from '../solve/ports.ts';

/** The parts a worker solves with: the problem compiler, the ONNX sampler and the renderer. */
export function solveParts(config: WorkerConfig): SolveParts {
  return {
    prepare: prepareProblem,
    createSource: (model, program, seed) => Sampler.create(model, program, {
      seed, threads: config.threads, ...(config.modelPath ? { modelPath: config.modelPath } : {}),
    }),
    // Search mode: the sampler's soft domains are the prior; found solutions are its feedback.
    createPriorSource: async (model, program, seed) => {
      const sampler = await Sampler.create(model, program, {
        seed, threads: config.threads, ...(config.modelPath ? { modelPath: config.modelPath } : {}),
      });
      return {
        softDomains: () => sampler.probabilities(),
        solutionsFound: (solutions) => sampler.feedback(solutions, solutions.map(() => ({ ok: true, violated: [], count: 0 }))),
      };
    },
    render: (model, indices) => renderAssignment(model, indicesToValues(model, indices)),
  };
}

