// Validate-mode runs for the prior ablation (bench/prior-ablation.ts): the host proposes, the
// validator checks, verdicts feed back (src/sampler/), as `hilsolve solve --mode validate` does,
// with the reference checker standing in for the device's validator (they agree bit for bit,
// test/sim-*.test.ts), so a run measures the sampler and its model, not the link.
//
// A run: batches of BATCH candidates (Sampler.nextBatch), each checked by the program checker
// over the packed candidate exactly as the device checks it, the verdicts given back
// (Sampler.feedback, which also feeds a version-2 model's feedback inputs), until `solutions`
// distinct solutions or `maxCandidates` candidates. It reports the candidates up to and including
// the first solution, the solutions found, and the host's wall time (model runs, draws, repair,
// checks), so solutions per second are the host's rate with an infinitely fast link and device.

import { writeFileSync } from 'node:fs';
import { prepareProgram } from '../src/check/program-checker.ts';
import { packIndices } from '../src/model/pack.ts';
import type { Program } from '../src/model/program.ts';
import type { Model } from '../src/model/types.ts';
import { Sampler } from '../src/sampler/index.ts';
import { GraphBuilder } from '../models/onnx-writer.ts';

/** Candidates per batch, as the validate loop sends them (a device window's worth). */
export const BATCH = 64;

/** Writes a model whose logits are its soft domains (a uniform first prior) to `path`; returns `path`. */
export function writeUniformModel(path: string): string {
  const g = new GraphBuilder();
  g.input('domain_mask', 'float32', ['vars', 'values']);
  g.input('soft_domains', 'float32', ['vars', 'values']);
  g.op('Identity', ['soft_domains'], {}, 'logits');
  g.output('logits', 'float32', ['vars', 'values']);
  writeFileSync(path, g.encode({ graphName: 'uniform', producer: 'hilsolve bench', opset: 18, doc: 'logits = soft_domains' }));
  return path;
}

export interface ValidateConfig {
  modelPath: string;
  /** Host repair steps per proposal; 0 is repair off. */
  repairSteps: number;
  /** Feed the model's feedback inputs (contract version 2); false feeds zeros. */
  modelFeedback: boolean;
}

export interface ValidateRun {
  /** Candidates up to and including the first solution; null when none was found. */
  toFirst: number | null;
  candidates: number;
  solutions: number;
  ms: number;
}

export async function validateRun(model: Model, program: Program, cfg: ValidateConfig, seed: number,
  limits: { maxCandidates: number; solutions: number }): Promise<ValidateRun> {
  const checker = prepareProgram(program);
  const sampler = await Sampler.create(model, program, { modelPath: cfg.modelPath, seed, repairSteps: cfg.repairSteps, modelFeedback: cfg.modelFeedback });
  const start = performance.now();
  let candidates = 0;
  let solutions = 0;
  let toFirst: number | null = null;
  while (candidates < limits.maxCandidates && solutions < limits.solutions) {
    const batch = await sampler.nextBatch(Math.min(BATCH, limits.maxCandidates - candidates));
    if (batch.length === 0) break; // the search space is (nearly) exhausted
    const verdicts = batch.map((c) => checker.check(packIndices(program.widths, c)));
    verdicts.forEach((v, i) => {
      if (!v.ok) return;
      solutions++;
      toFirst ??= candidates + i + 1;
    });
    candidates += batch.length;
    await sampler.feedback(batch, verdicts);
  }
  return { toFirst, candidates, solutions, ms: performance.now() - start };
}
