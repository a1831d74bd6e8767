// Host-side repair of proposals: bounded min-conflicts / WalkSAT-style local search on the factor
// graph's own evaluation (the same 0/1 factor violations as factor-eval.ts), so that each
// candidate sent over the link is a local minimum near its Gumbel-max draw rather than the draw
// itself. models/README.md ("Proposals") states the same rule.
//
// A proposal starts from a Gumbel-max draw from the model's logits (index.ts). Then, for at most
// `steps` steps (REPAIR_PARAMS.steps, SamplerOptions.repairSteps):
//   - stop when no factor is violated and the candidate is new to the job;
//   - pick a violated factor (pair edge, clause, linear factor) uniformly at random;
//   - with probability `noise`, a random walk: one of its variables, chosen at random, takes a
//     value drawn from the soft domains (the model's race weights at the batch's temperature,
//     over the mask, excluding its current value);
//   - otherwise the greedy move: over the factor's variables (at most `maxMoveVars` of a linear
//     factor's, at random) and each allowed value other than the current one, the move with the
//     lowest cost(x = a) - cost(x = current) - bias * max(log q(a), -8), where cost sums the
//     breakout weights (search.ts) of the factors on x that x = a violates and q is the model's
//     probability; ties break at random. A value a variable left within the last `tabu` steps is
//     not taken back unless it reaches a new lowest cost (aspiration).
// The proposal is the lowest-cost state the walk visited that is new to the job (the latest of
// equals), so that walks which meet in one local minimum do not all end up as duplicates (a
// candidate is never proposed twice: index.ts redraws a duplicate). Values are only
// ever drawn from the mask, so repair never yields a masked value; it consumes the sampler's
// PRNG only, so it is deterministic for a seed. Constraints the model does not see (linear !=,
// allowed tables beyond their projection) are invisible to repair as to the model; the validator
// still checks them.
//
// Cost of one step: O(factors on the variables considered + D) (pair edges into x are turned
// into a per-value cost by a histogram and a difference array, not value by value), so the host
// work per batch is at most n * steps such steps (plus as many per duplicate redrawn). Linear
// factors cost O(D) per factor on x.

import type { Prng } from '../model/prng.ts';
import type { FactorGraph } from './factor-graph.ts';
import type { FactorIndex } from './factor-eval.ts';

export const REPAIR_PARAMS = {
  /** Default step budget per proposal (SamplerOptions.repairSteps); 0 turns repair off. */
  steps: 256,
  /** Probability of a random-walk move. */
  noise: 0.15,
  /** Weight of the model's log-probability in the greedy move, per unit of factor weight. */
  bias: 0.25,
  /** Steps during which a variable does not take back the value it left. */
  tabu: 6,
  /** Variables of a linear factor considered by one greedy move. */
  maxMoveVars: 8,
} as const;

export interface RepairWeights {
  pair: Float64Array;
  clause: Float64Array;
  linear: Float64Array;
}

/** Per-variable incidence lists, built once per job. */
interface Incidence {
  /** Pair edges with x as destination, and with x as source: both price x's values. */
  into: number[][];
  from: number[][];
  /** Pair edges with x as source or destination (their status changes when x moves). */
  touch: number[][];
  /** Clauses with a literal on x, and per such clause the literal rows on x. */
  clauses: number[][];
  clauseLits: number[][][];
  /** Linear factors with a term on x, and x's summed coefficient in each. */
  linears: number[][];
  linearCoef: number[][];
  /** Variables of each clause / linear factor (distinct). */
  clauseVars: number[][];
  linearVars: number[][];
}

export interface RepairStats {
  /** Steps taken by repair in all. */
  repairSteps: number;
  /** Proposals that repair left with no violated factor. */
  repairedClean: number;
}

export class Repairer {
  private readonly inc: Incidence;
  private readonly P: number;
  private readonly C: number;
  private readonly K: number;
  // Walk state, reused across proposals.
  private readonly cur: Int32Array;
  private readonly trueCount: Int32Array;
  private readonly sums: Float64Array;
  /** Violated factor ids (pairs, then clauses, then linears) and each id's position, -1 if absent. */
  private readonly violated: Int32Array;
  private readonly pos: Int32Array;
  private nViolated = 0;
  /** Summed weight of the violated factors, under `w` (the weights of the current walk). */
  private violatedCost = 0;
  private w: RepairWeights | null = null;
  /** bias * max(log q, -8) per variable and value, for the race weights it was computed from. */
  private logBias: Float64Array;
  private biasOf: Float64Array | null = null;
  private readonly tabuUntil: Float64Array;
  private clock = 0;
  private readonly cost: Float64Array;
  private readonly diff: Float64Array;
  readonly stats: RepairStats = { repairSteps: 0, repairedClean: 0 };

  constructor(private readonly g: FactorGraph, private readonly idx: FactorIndex) {
    const V = g.numVars;
    const D = g.numValues;
    this.P = g.pairSrc.length;
    this.C = g.clauseCon.length;
    this.K = g.linearCon.length;
    const lists = (): number[][] => Array.from({ length: V }, () => []);
    const inc: Incidence = { into: lists(), from: lists(), touch: lists(), clauses: lists(), clauseLits: Array.from({ length: V }, () => []), linears: lists(), linearCoef: lists(), clauseVars: [], linearVars: [] };
    for (let e = 0; e < this.P; e++) {
      inc.into[g.pairDst[e]].push(e);
      inc.from[g.pairSrc[e]].push(e);
      inc.touch[g.pairDst[e]].push(e);
      if (g.pairSrc[e] !== g.pairDst[e]) inc.touch[g.pairSrc[e]].push(e);
    }
    for (let k = 0; k < this.C; k++) {
      const byVar = new Map<number, number[]>();
      for (const l of idx.clauseLiterals[k]) {
        const x = g.litVar[l];
        let ls = byVar.get(x);
        if (!ls) byVar.set(x, ls = []);
        ls.push(l);
      }
      for (const [x, ls] of byVar) { inc.clauses[x].push(k); inc.clauseLits[x].push(ls); }
      inc.clauseVars.push([...byVar.keys()]);
    }
    for (let k = 0; k < this.K; k++) {
      const byVar = new Map<number, number>();
      for (const t of idx.linearTerms[k]) byVar.set(g.termVar[t], (byVar.get(g.termVar[t]) ?? 0) + g.termCoef[t]);
      for (const [x, coef] of byVar) { inc.linears[x].push(k); inc.linearCoef[x].push(coef); }
      inc.linearVars.push([...byVar.keys()]);
    }
    this.inc = inc;
    this.cur = new Int32Array(V);
    this.trueCount = new Int32Array(this.C);
    this.sums = new Float64Array(this.K);
    const F = this.P + this.C + this.K;
    this.violated = new Int32Array(F);
    this.pos = new Int32Array(F).fill(-1);
    this.tabuUntil = new Float64Array(V * D);
    this.logBias = new Float64Array(V * D);
    this.cost = new Float64Array(D);
    this.diff = new Float64Array(D + 1);
  }

  /** True when the problem has factors to repair. */
  get active(): boolean {
    return this.P + this.C + this.K > 0;
  }

  private pairBad(e: number): boolean {
    const g = this.g;
    const y = this.cur[g.pairSrc[e]];
    const t = this.cur[g.pairDst[e]] + g.pairShift[e];
    const hit = g.pairKind[e] === 0 ? y === t : y <= t;
    return hit !== (g.pairFlip[e] === 1);
  }

  private linearExcess(k: number, sum: number): number {
    return Math.max(0, sum - this.g.linearHi[k], this.g.linearLo[k] - sum);
  }

  private weightOf(f: number): number {
    const w = this.w!;
    return f < this.P ? w.pair[f] : f < this.P + this.C ? w.clause[f - this.P] : w.linear[f - this.P - this.C];
  }

  private setViolated(f: number, bad: boolean): void {
    const p = this.pos[f];
    if (bad && p < 0) {
      this.pos[f] = this.nViolated;
      this.violated[this.nViolated++] = f;
      this.violatedCost += this.weightOf(f);
    } else if (!bad && p >= 0) {
      this.violatedCost -= this.weightOf(f);
      const last = this.violated[--this.nViolated];
      this.violated[p] = last;
      this.pos[last] = p;
      this.pos[f] = -1;
    }
  }

  /** Loads a candidate: counts, sums and the violated set. */
  private load(c: readonly number[]): void {
    const g = this.g;
    const D = g.numValues;
    for (let i = 0; i < this.nViolated; i++) this.pos[this.violated[i]] = -1;
    this.nViolated = 0;
    this.violatedCost = 0;
    for (let x = 0; x < g.numVars; x++) this.cur[x] = c[x];
    for (let e = 0; e < this.P; e++) if (this.pairBad(e)) this.setViolated(e, true);
    this.trueCount.fill(0);
    for (let l = 0; l < g.litVar.length; l++) if (g.litMask[l * D + this.cur[g.litVar[l]]] !== 0) this.trueCount[g.litClause[l]]++;
    for (let k = 0; k < this.C; k++) if (this.trueCount[k] === 0) this.setViolated(this.P + k, true);
    this.sums.fill(0);
    for (let t = 0; t < g.termVar.length; t++) this.sums[g.termCon[t]] += g.termCoef[t] * this.cur[g.termVar[t]];
    for (let k = 0; k < this.K; k++) if (this.linearExcess(k, this.sums[k]) > 0) this.setViolated(this.P + this.C + k, true);
  }

  /** this.cost[a] = weighted violations of the factors on x if x took index a (others fixed). */
  private priceVar(x: number, w: RepairWeights): void {
    const g = this.g;
    const D = g.numValues;
    const cost = this.cost;
    const diff = this.diff;
    cost.fill(0);
    diff.fill(0);
    let base = 0;
    for (const e of this.inc.into[x]) {
      const we = w.pair[e];
      const b = this.cur[g.pairSrc[e]] - g.pairShift[e]; // the boundary index for x
      if (g.pairKind[e] === 0) {
        // violated iff a === b (flip 0), or a !== b (flip 1)
        if (g.pairFlip[e] === 1) { base += we; if (b >= 0 && b < D) cost[b] -= we; }
        else if (b >= 0 && b < D) cost[b] += we;
      } else if (g.pairFlip[e] === 1) { // violated iff y > a + shift, i.e. a < b
        const hi = Math.min(D, b);
        if (hi > 0) { diff[0] += we; diff[hi] -= we; }
      } else { // violated iff y <= a + shift, i.e. a >= b
        const lo = Math.max(0, b);
        if (lo < D) { diff[lo] += we; diff[D] -= we; }
      }
    }
    for (const e of this.inc.from[x]) {
      // x is the edge's y: violated iff (x === b) xor flip (pmf), or (x <= b) xor flip (cdf)
      const we = w.pair[e];
      const b = this.cur[g.pairDst[e]] + g.pairShift[e];
      if (g.pairKind[e] === 0) {
        if (g.pairFlip[e] === 1) { base += we; if (b >= 0 && b < D) cost[b] -= we; }
        else if (b >= 0 && b < D) cost[b] += we;
      } else if (g.pairFlip[e] === 1) { // x > b
        const lo = Math.max(0, b + 1);
        if (lo < D) { diff[lo] += we; diff[D] -= we; }
      } else { // x <= b
        const hi = Math.min(D, b + 1);
        if (hi > 0) { diff[0] += we; diff[hi] -= we; }
      }
    }
    let run = base;
    for (let a = 0; a < D; a++) { run += diff[a]; cost[a] += run; }
    const cls = this.inc.clauses[x];
    const own = this.cur[x];
    for (let i = 0; i < cls.length; i++) {
      const k = cls[i];
      const lits = this.inc.clauseLits[x][i];
      let mine = 0;
      for (const l of lits) mine += g.litMask[l * D + own];
      if (this.trueCount[k] - mine > 0) continue; // another variable satisfies it
      const wk = w.clause[k];
      for (let a = 0; a < D; a++) {
        let sat = false;
        for (const l of lits) if (g.litMask[l * D + a] !== 0) { sat = true; break; }
        if (!sat) cost[a] += wk;
      }
    }
    const lins = this.inc.linears[x];
    for (let i = 0; i < lins.length; i++) {
      const k = lins[i];
      const coef = this.inc.linearCoef[x][i];
      const rest = this.sums[k] - coef * own;
      const wk = w.linear[k];
      const scale = g.linearScale[k];
      for (let a = 0; a < D; a++) {
        const ex = this.linearExcess(k, rest + coef * a);
        if (ex > 0) cost[a] += wk * (1 + scale * ex); // excess steers toward the bounds
      }
    }
  }

  /** Moves x to index a, updating counts, sums and the violated set. */
  private move(x: number, a: number): void {
    const g = this.g;
    const D = g.numValues;
    const old = this.cur[x];
    this.cur[x] = a;
    for (const e of this.inc.touch[x]) this.setViolated(e, this.pairBad(e));
    const cls = this.inc.clauses[x];
    for (let i = 0; i < cls.length; i++) {
      const k = cls[i];
      for (const l of this.inc.clauseLits[x][i]) this.trueCount[k] += g.litMask[l * D + a] - g.litMask[l * D + old];
      this.setViolated(this.P + k, this.trueCount[k] === 0);
    }
    const lins = this.inc.linears[x];
    for (let i = 0; i < lins.length; i++) {
      const k = lins[i];
      this.sums[k] += this.inc.linearCoef[x][i] * (a - old);
      this.setViolated(this.P + this.C + k, this.linearExcess(k, this.sums[k]) > 0);
    }
  }

  /** Variables of violated factor f. */
  private factorVars(f: number): readonly number[] {
    if (f < this.P) return [this.g.pairSrc[f], this.g.pairDst[f]];
    if (f < this.P + this.C) return this.inc.clauseVars[f - this.P];
    return this.inc.linearVars[f - this.P - this.C];
  }

  /**
   * Repairs candidate c (an index vector within the mask) by at most `steps` steps and returns
   * the lowest-cost state visited that `isNew` accepts (the end state if none is). `race` holds the soft-domain race weights (gumbel.ts) that
   * random-walk values are drawn from and that bias greedy moves; `isNew` says whether a
   * candidate is new to the job, so that the walk does not stop on one already proposed.
   */
  repair(c: readonly number[], steps: number, w: RepairWeights, race: Float64Array, rng: Prng, isNew: (c: ArrayLike<number>) => boolean): number[] {
    const g = this.g;
    const D = g.numValues;
    const mask = g.mask;
    this.w = w;
    if (this.biasOf !== race) {
      this.biasOf = race;
      for (let i = 0; i < race.length; i++) this.logBias[i] = REPAIR_PARAMS.bias * Math.max(race[i] > 0 ? Math.log(race[i]) : -8, -8);
    }
    this.load(c);
    let curCost = this.violatedCost;
    // The lowest-cost state visited that is new to the job (the latest of equals).
    let best: number[] | null = isNew(this.cur) ? Array.from(this.cur) : null;
    let bestCost = best ? curCost : Infinity;
    const { noise, tabu, maxMoveVars } = REPAIR_PARAMS;
    for (let step = 0; step < steps; step++) {
      if (this.nViolated === 0 && bestCost === 0) break; // a new state with no violated factor
      // (with no violated factor but a known state, walk on from it with a random move)
      this.stats.repairSteps++;
      const clock = ++this.clock;
      let vars: readonly number[];
      if (this.nViolated > 0) {
        vars = this.factorVars(this.violated[rng.int(this.nViolated)]);
      } else {
        vars = [rng.int(g.numVars)];
      }
      let bx = -1;
      let ba = -1;
      if (this.nViolated === 0 || rng.next() < noise) {
        // random walk: a random variable of the factor, a value drawn from the soft domains
        const x = vars[rng.int(vars.length)];
        let bestKey = Infinity;
        let allowed = 0;
        for (let a = 0; a < D; a++) {
          if (a === this.cur[x] || mask[x * D + a] === 0) continue;
          allowed++;
          const r = race[x * D + a];
          const key = r > 0 ? -Math.log((rng.uint32() + 0.5) / 4_294_967_296) / r : Infinity;
          if (key < bestKey) { bestKey = key; ba = a; }
        }
        if (allowed > 0 && ba < 0) { // no weight on any other allowed value: uniform among them
          let k = rng.int(allowed);
          for (let a = 0; a < D; a++) if (a !== this.cur[x] && mask[x * D + a] !== 0 && k-- === 0) { ba = a; break; }
        }
        if (ba >= 0) bx = x;
      } else {
        const pick = vars.length > maxMoveVars ? rng.shuffle([...vars]).slice(0, maxMoveVars) : vars;
        let bestScore = Infinity;
        let ties = 0;
        for (const x of pick) {
          this.priceVar(x, w);
          const here = this.cost[this.cur[x]];
          for (let a = 0; a < D; a++) {
            if (a === this.cur[x] || mask[x * D + a] === 0) continue;
            const delta = this.cost[a] - here;
            if (this.tabuUntil[x * D + a] > clock && !(curCost + delta < bestCost)) continue;
            const score = delta - this.logBias[x * D + a];
            if (score < bestScore - 1e-9) { bestScore = score; bx = x; ba = a; ties = 1; }
            else if (score <= bestScore + 1e-9 && rng.int(++ties) === 0) { bx = x; ba = a; }
          }
        }
      }
      if (bx < 0) continue; // every variable of the factor has a single allowed value
      this.tabuUntil[bx * D + this.cur[bx]] = clock + tabu;
      this.move(bx, ba);
      curCost = this.violatedCost;
      if (curCost <= bestCost && isNew(this.cur)) { bestCost = curCost; best = Array.from(this.cur); }
    }
    if (bestCost === 0) this.stats.repairedClean++;
    return best ?? Array.from(this.cur);
  }
}
