// The ablation of the model: candidates drawn uniformly from each variable's domain (holes and
// unary constraints respected, as the sampler's domain mask does), with no feedback. Like the
// sampler it never proposes a candidate twice, so the two differ only in the model's guidance.

import type { Model } from '../../src/model/types.ts';
import { CandidateSet } from '../../src/sampler/seen.ts';
import type { CandidateSource } from '../../src/solve/ports.ts';
import { Prng } from '../../src/model/prng.ts';

/** Draws of one slot before nextBatch gives up on it, as the sampler's MAX_REDRAWS + 1. */
const ATTEMPTS = 9;

export class UniformSource implements CandidateSource {
  private readonly rng: Prng;
  private readonly seen = new CandidateSet();
  private readonly choices: number[][];

  constructor(model: Model, seed: number) {
    // A stream apart from the generators' seeds (a planted SAT solution is the first bits of Prng(seed)).
    this.rng = new Prng((seed ^ 0x5eed5eed) >>> 0);
    this.choices = model.variables.map((v) => v.allowed.flatMap((ok, a) => (ok ? [a] : [])));
    // Unary constraints narrow the domain as the sampler's mask does: a one-literal clause.
    for (const c of model.constraints) {
      if (c.type !== 'clause' || c.literals.length !== 1) continue;
      const l = c.literals[0]!;
      const v = model.variables[l.var]!;
      const inSet = new Set(l.values.map((value) => value - v.min));
      this.choices[l.var] = this.choices[l.var]!.filter((a) => inSet.has(a) !== l.negated);
    }
  }

  async nextBatch(n: number): Promise<number[][]> {
    const batch: number[][] = [];
    for (let slot = 0; slot < n; slot++) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const c = this.choices.map((values) => values[this.rng.int(values.length)]!);
        if (this.seen.add(c)) { batch.push(c); break; }
      }
    }
    return batch;
  }

  async feedback(): Promise<void> {}
}
