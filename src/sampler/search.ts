// The feedback rule: a stochastic local search steered through the soft domains, with breakout
// constraint weights (Morris 1993). models/README.md ("Feedback") states the same rule.
//
// State: an elite candidate (the incumbent, with its violated constraints) and one weight per
// model constraint, starting at 1.
//
// After each batch of verdicts, with score = sum of the weights of the violated constraints:
//   - the batch's lowest-scoring candidate replaces the elite when its score is at most the
//     elite's (ties move sideways across plateaus);
//   - otherwise the elite is a local minimum: every model constraint it violates gains
//     `breakoutStep` weight, which reshapes the landscape until a move becomes downhill;
//   - a candidate with no violation is a solution: the search restarts from no elite (weights
//     are kept), so the next proposals explore elsewhere.
// Soft domains for the next batch: all zero without an elite; else, per variable, the elite's
// value gets +focus, or -conflictPenalty when the variable is in a constraint the elite
// violates. Other values stay 0. The model then propagates these soft domains, with factor
// weights coupling * constraint weight, so the variables in conflict move to the values the
// model finds least in conflict with their (mostly fixed) neighbours.

import type { CheckResult } from '../check/types.ts';
import type { Program } from '../model/program.ts';
import type { FactorGraph } from './factor-graph.ts';

export const SEARCH_PARAMS = {
  /** Factor weight per unit of constraint weight. */
  coupling: 2,
  /** Log-weight bonus of the elite's value for a variable in no violated constraint. */
  focus: 3,
  /** Log-weight malus of the elite's value for a variable in a violated constraint. */
  conflictPenalty: 1,
  /** Weight added to each constraint the elite violates when a batch brings no candidate as good. */
  breakoutStep: 1,
} as const;

export interface SearchStats {
  /** Candidates with no violation seen in feedback. */
  solutions: number;
  /** Fewest violations of any candidate seen in feedback (Infinity before any). */
  bestCount: number;
  /** Times the elite was a local minimum and weights were raised. */
  breakouts: number;
}

export class SoftDomainSearch {
  /** Breakout weight per model constraint. */
  readonly weights: Float64Array;
  private elite: Int32Array | null = null;
  private eliteViolated: number[] = [];
  private eliteUnlisted = 0;
  readonly stats: SearchStats = { solutions: 0, bestCount: Infinity, breakouts: 0 };

  constructor(private readonly graph: FactorGraph, private readonly program: Program) {
    this.weights = new Float64Array(program.modelConstraints).fill(1);
  }

  /** Variables of program constraint p: a model constraint's, or the domain-checked variable. */
  private variablesOf(p: number): readonly number[] {
    return p < this.program.modelConstraints ? this.graph.constraintVars[p] : [this.program.domainChecks[p - this.program.modelConstraints]];
  }

  /** Weighted violation; violations a device left out of its list (count > listed) weigh 1 each. */
  private score(violated: readonly number[], count: number): number {
    let s = Math.max(0, count - violated.length);
    for (const p of violated) s += p < this.weights.length ? this.weights[p] : 1;
    return s;
  }

  /** Learns from verdicts on candidates (index vectors), in any grouping and order. */
  observe(candidates: readonly (readonly number[])[], verdicts: readonly CheckResult[]): void {
    if (candidates.length !== verdicts.length) {
      throw new RangeError(`feedback: ${candidates.length} candidates but ${verdicts.length} verdicts`);
    }
    let best = -1;
    let bestScore = Infinity;
    candidates.forEach((c, i) => {
      if (c.length !== this.graph.numVars) throw new RangeError(`feedback: candidate ${i} has ${c.length} values, expected ${this.graph.numVars}`);
      const v = verdicts[i];
      this.stats.bestCount = Math.min(this.stats.bestCount, v.count);
      if (v.count === 0) this.stats.solutions++;
      const s = this.score(v.violated, v.count);
      if (s < bestScore) { bestScore = s; best = i; }
    });
    if (best < 0) return;
    if (verdicts[best].count === 0) {
      this.elite = null; // restart: explore elsewhere for further solutions
      return;
    }
    if (this.elite === null || bestScore <= this.score(this.eliteViolated, this.eliteViolated.length + this.eliteUnlisted)) {
      this.elite = Int32Array.from(candidates[best]);
      this.eliteViolated = [...verdicts[best].violated];
      this.eliteUnlisted = Math.max(0, verdicts[best].count - verdicts[best].violated.length);
      return;
    }
    this.stats.breakouts++;
    for (const p of this.eliteViolated) if (p < this.weights.length) this.weights[p] += SEARCH_PARAMS.breakoutStep;
  }

  /** The soft domains for the next batch, [vars * values]. */
  softDomains(): Float32Array {
    const { numVars: V, numValues: D } = this.graph;
    const soft = new Float32Array(V * D);
    if (this.elite === null) return soft;
    const conflicted = new Uint8Array(V);
    for (const p of this.eliteViolated) for (const x of this.variablesOf(p)) conflicted[x] = 1;
    for (let x = 0; x < V; x++) {
      soft[x * D + this.elite[x]] = conflicted[x] ? -SEARCH_PARAMS.conflictPenalty : SEARCH_PARAMS.focus;
    }
    return soft;
  }

  /** Factor weights for the model: coupling * constraint weight (linear: times its scale). */
  factorWeights(): { pair: Float32Array; clause: Float32Array; linear: Float32Array } {
    const w = (con: Int32Array, scale?: Float32Array): Float32Array =>
      Float32Array.from(con, (j, i) => SEARCH_PARAMS.coupling * this.weights[j] * (scale ? scale[i] : 1));
    return { pair: w(this.graph.pairCon), clause: w(this.graph.clauseCon), linear: w(this.graph.linearCon, this.graph.linearScale) };
  }
}
