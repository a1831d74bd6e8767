// The feedback rule: a stochastic local search steered through the soft domains, with breakout
// constraint weights (Morris 1993). models/README.md ("Feedback") states the same rule.
//
// State: an elite candidate (the incumbent) and one weight per factor row (pair edge, clause,
// linear factor), starting at 1, plus one per model constraint for violations no factor shows
// (constraints the model sees relaxed or not at all, domain checks weigh 1).
//
// A verdict names violated constraints; the factors of those constraints that the candidate
// violates (factor-eval.ts) say which variables clash: for an allDifferent, the clashing pairs,
// not all of its variables. After each batch, with score = the summed weights of the violated
// factors (or constraint weight, where no factor is violated):
//   - the batch's lowest-scoring candidate replaces the elite when its score is at most the
//     elite's (ties move sideways across plateaus);
//   - otherwise the elite is a local minimum: every model constraint it violates gains
//     `breakoutStep` weight, which reshapes the landscape until a move becomes downhill;
//   - a candidate with no violation is a solution: the search restarts from no elite (weights
//     are kept), so the next proposals explore elsewhere;
//   - after `stallRounds` feedback rounds without a candidate with fewer violations than any
//     before since the last restart, the search restarts from no elite with all weights at 1
//     (breakout weights can pile up into a landscape that traps the elite).
// Soft domains for the next batch: all zero without an elite; else, per variable, the elite's
// value gets +focus, or -conflictPenalty when the variable is in a factor the elite violates.
// Other values stay 0. The model then propagates these soft domains, with factor weights
// coupling * weight, so the variables in conflict move to the values the
// model finds least in conflict with their (mostly fixed) neighbours.
// The draws from those soft domains are then repaired on the host (repair.ts), pricing moves
// with these same breakout weights (weights()), so the elite is the best repaired candidate.

import type { CheckResult } from '../check/types.ts';
import type { Program } from '../model/program.ts';
import type { FactorGraph } from './factor-graph.ts';
import { clauseViolated, indexFactors, linearViolated, pairViolated, type FactorIndex } from './factor-eval.ts';

export const SEARCH_PARAMS = {
  /** Factor weight per unit of constraint weight. */
  coupling: 4,
  /** Log-weight bonus of the elite's value for a variable in no violated constraint. */
  focus: 4,
  /** Log-weight malus of the elite's value for a variable in a violated constraint. */
  conflictPenalty: 1,
  /** Weight added to each factor the elite violates when a batch brings no candidate as good. */
  breakoutStep: 1,
  /** Feedback rounds without a new fewest-violations candidate before a full restart. */
  stallRounds: 150,
} as const;

export interface SearchStats {
  /** Candidates with no violation seen in feedback. */
  solutions: number;
  /** Fewest violations of any candidate seen in feedback (Infinity before any). */
  bestCount: number;
  /** Times the elite was a local minimum and weights were raised. */
  breakouts: number;
  /** Restarts after a stall. */
  restarts: number;
}

/** What one candidate violates, resolved to factor rows. */
interface Violations {
  pairs: number[];
  clauses: number[];
  linears: number[];
  /** Model constraints violated with no violated factor. */
  unseen: number[];
  /** Variables of violated domain checks. */
  domainVars: number[];
  /** Violations a device counted but did not list. */
  unlisted: number;
}

export class SoftDomainSearch {
  private readonly index: FactorIndex;
  private readonly pairW: Float64Array;
  private readonly clauseW: Float64Array;
  private readonly linearW: Float64Array;
  private readonly constraintW: Float64Array;
  private elite: Int32Array | null = null;
  private eliteViolations: Violations | null = null;
  readonly stats: SearchStats = { solutions: 0, bestCount: Infinity, breakouts: 0, restarts: 0 };
  /** Fewest violations since the last restart, and feedback rounds since it last went down. */
  private fewestSinceRestart = Infinity;
  private roundsWithoutProgress = 0;

  constructor(private readonly graph: FactorGraph, private readonly program: Program, index: FactorIndex = indexFactors(graph)) {
    this.index = index;
    this.pairW = new Float64Array(graph.pairCon.length).fill(1);
    this.clauseW = new Float64Array(graph.clauseCon.length).fill(1);
    this.linearW = new Float64Array(graph.linearCon.length).fill(1);
    this.constraintW = new Float64Array(program.modelConstraints).fill(1);
  }

  private resolve(c: readonly number[], v: CheckResult): Violations {
    const g = this.graph;
    const out: Violations = { pairs: [], clauses: [], linears: [], unseen: [], domainVars: [], unlisted: Math.max(0, v.count - v.violated.length) };
    for (const p of v.violated) {
      if (p >= this.program.modelConstraints) {
        out.domainVars.push(this.program.domainChecks[p - this.program.modelConstraints]);
        continue;
      }
      const before = out.pairs.length + out.clauses.length + out.linears.length;
      for (const e of this.index.pairs[p]) if (pairViolated(g, e, c)) out.pairs.push(e);
      for (const k of this.index.clauses[p]) if (clauseViolated(g, this.index, k, c)) out.clauses.push(k);
      for (const k of this.index.linears[p]) if (linearViolated(g, this.index, k, c)) out.linears.push(k);
      if (out.pairs.length + out.clauses.length + out.linears.length === before) out.unseen.push(p);
    }
    return out;
  }

  private score(v: Violations): number {
    let s = v.unlisted + v.domainVars.length;
    for (const e of v.pairs) s += this.pairW[e];
    for (const k of v.clauses) s += this.clauseW[k];
    for (const k of v.linears) s += this.linearW[k];
    for (const p of v.unseen) s += this.constraintW[p];
    return s;
  }

  /** Learns from verdicts on candidates (index vectors), in any grouping and order. */
  observe(candidates: readonly (readonly number[])[], verdicts: readonly CheckResult[]): void {
    if (candidates.length !== verdicts.length) {
      throw new RangeError(`feedback: ${candidates.length} candidates but ${verdicts.length} verdicts`);
    }
    let best: Violations | null = null;
    let bestAt = -1;
    let bestScore = Infinity;
    let fewest = Infinity;
    candidates.forEach((c, i) => {
      if (c.length !== this.graph.numVars) throw new RangeError(`feedback: candidate ${i} has ${c.length} values, expected ${this.graph.numVars}`);
      const v = verdicts[i];
      fewest = Math.min(fewest, v.count);
      this.stats.bestCount = Math.min(this.stats.bestCount, v.count);
      if (v.count === 0) this.stats.solutions++;
      const resolved = this.resolve(c, v);
      const s = this.score(resolved);
      if (s < bestScore) { bestScore = s; best = resolved; bestAt = i; }
    });
    if (best === null) return;
    if (verdicts[bestAt].count === 0) {
      this.restart(false); // explore elsewhere for further solutions
      return;
    }
    if (fewest < this.fewestSinceRestart) {
      this.fewestSinceRestart = fewest;
      this.roundsWithoutProgress = 0;
    } else if (++this.roundsWithoutProgress >= SEARCH_PARAMS.stallRounds) {
      this.stats.restarts++;
      this.restart(true);
      return;
    }
    if (this.eliteViolations === null || bestScore <= this.score(this.eliteViolations)) {
      this.elite = Int32Array.from(candidates[bestAt]);
      this.eliteViolations = best;
      return;
    }
    this.stats.breakouts++;
    const v = this.eliteViolations;
    const step = SEARCH_PARAMS.breakoutStep;
    for (const e of v.pairs) this.pairW[e] += step;
    for (const k of v.clauses) this.clauseW[k] += step;
    for (const k of v.linears) this.linearW[k] += step;
    for (const p of v.unseen) this.constraintW[p] += step;
  }

  private restart(resetWeights: boolean): void {
    this.elite = null;
    this.eliteViolations = null;
    this.fewestSinceRestart = Infinity;
    this.roundsWithoutProgress = 0;
    if (!resetWeights) return;
    for (const w of [this.pairW, this.clauseW, this.linearW, this.constraintW]) w.fill(1);
  }

  /** Variables in a factor (or unseen constraint, or domain check) the elite violates. */
  private conflicted(v: Violations): Uint8Array {
    const g = this.graph;
    const out = new Uint8Array(g.numVars);
    for (const e of v.pairs) { out[g.pairSrc[e]] = 1; out[g.pairDst[e]] = 1; }
    for (const k of v.clauses) for (const l of this.index.clauseLiterals[k]) out[g.litVar[l]] = 1;
    for (const k of v.linears) for (const t of this.index.linearTerms[k]) out[g.termVar[t]] = 1;
    for (const p of v.unseen) for (const x of g.constraintVars[p]) out[x] = 1;
    for (const x of v.domainVars) out[x] = 1;
    return out;
  }

  /** The soft domains for the next batch, [vars * values]. */
  softDomains(): Float32Array {
    const { numVars: V, numValues: D } = this.graph;
    const soft = new Float32Array(V * D);
    if (this.elite === null || this.eliteViolations === null) return soft;
    const conflicted = this.conflicted(this.eliteViolations);
    for (let x = 0; x < V; x++) {
      soft[x * D + this.elite[x]] = conflicted[x] ? -SEARCH_PARAMS.conflictPenalty : SEARCH_PARAMS.focus;
    }
    return soft;
  }

  /**
   * The elite (the best candidate verdicts have come back on since the last restart) and the
   * factor rows it violates: the model's feedback inputs `state` and `*_violated`. Null without one.
   */
  eliteReport(): { state: Int32Array; pairs: readonly number[]; clauses: readonly number[]; linears: readonly number[] } | null {
    if (this.elite === null || this.eliteViolations === null) return null;
    const v = this.eliteViolations;
    return { state: this.elite, pairs: v.pairs, clauses: v.clauses, linears: v.linears };
  }

  /** The breakout weights per factor row, live (repair.ts prices moves with them). */
  weights(): { pair: Float64Array; clause: Float64Array; linear: Float64Array } {
    return { pair: this.pairW, clause: this.clauseW, linear: this.linearW };
  }

  /** Factor weights for the model: coupling * weight (linear: times its scale). */
  factorWeights(): { pair: Float32Array; clause: Float32Array; linear: Float32Array } {
    const c = SEARCH_PARAMS.coupling;
    return {
      pair: Float32Array.from(this.pairW, (w) => c * w),
      clause: Float32Array.from(this.clauseW, (w) => c * w),
      linear: Float32Array.from(this.linearW, (w, k) => c * w * this.graph.linearScale[k]),
    };
  }
}
