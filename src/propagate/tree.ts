// A complete tree search on the host: depth first, binary branching (x = a, then x != a), with
// propagation (engine.ts) at every node. Pure and synchronous; it runs in slices, so a caller
// can interleave it with other work (device search) and resume it.
//
// - Variable: smallest domain per failure weight (dom/wdeg, Boussemart et al. 2004): each
//   failure adds 1 to the weight of every variable of the constraint that failed; weights
//   start at the variable's degree. Ties: lowest variable number.
// - Value: highest prior score (`prior`, e.g. the sampler's soft domains), ties and no prior:
//   lowest index.
// - Learning: restarts with nogood recording (Lecoutre et al. 2007, "reduced nld-nogoods"). At a
//   restart, every refuted left branch x = a on the current path gives the nogood "the positive
//   decisions above it and x = a are not all true", recorded as a clause of `!=` literals and
//   propagated by watched literals from then on; so a restart never explores a refuted subtree
//   again. The cutoff (failures per run) starts at restartBase and grows by restartGrowth, so
//   the search stays complete. Chosen over conflict analysis (CDCL) because it needs no
//   explanations from the propagators and works the same for every constraint type; pure CNF
//   gets unit propagation, weighted branching and these nogoods, not clause learning.
//
// Results: 'sat' with an assignment (every variable fixed and every propagator at its fixpoint,
// which for every propagator means its constraint holds; callers still re-check with the
// reference checker, src/check/, which this layer may not import); 'unsat' with proof 'root'
// (the root's propagation failed, no decision made) or 'search' (the tree was exhausted, after
// stats.nodes nodes); 'unknown' at a limit (call run() again to go on). After 'sat', run()
// goes on to the next solution; 'unsat' then means there are no more (stats.solutions found).
//
// frontier() lists open sub-problems: the current node and the untried right branch of every
// decision on the path, each as propagated domains. Together they hold every solution not
// yet found, so a device may search below any of them while the tree goes on.

import type { Model } from '../model/types.ts';
import { Engine } from './engine.ts';
import { buildNetwork, type Network } from './network.ts';
import {
  resolveTreeOptions, type Decision, type OpenSubproblem, type RunLimits, type TreeResult, type TreeSearchOptions, type TreeStats, type ValuePrior,
} from './tree-options.ts';

export class TreeSearch {
  readonly net: Network;
  private readonly e: Engine;
  private readonly opts: ReturnType<typeof resolveTreeOptions>;
  private readonly prior: ValuePrior | undefined;
  private readonly wdeg: Float64Array;
  private readonly pathVar: number[] = [];
  private readonly pathIdx: number[] = [];
  private readonly pathEq: boolean[] = [];
  private pending = true;
  private afterSolution = false;
  private final: TreeResult | null = null;
  private cutoff: number;
  private failuresSinceRestart = 0;
  private readonly s: TreeStats = { nodes: 0, failures: 0, restarts: 0, nogoods: 0, maxDepth: 0, solutions: 0 };

  constructor(problem: Model | Network, options: TreeSearchOptions = {}) {
    this.opts = resolveTreeOptions(options);
    this.net = 'spans' in problem ? problem : buildNetwork(problem);
    this.prior = options.prior;
    if (this.prior) {
      const widest = Math.max(0, ...this.net.spans);
      if (!Number.isInteger(this.prior.stride) || this.prior.stride < widest) throw new RangeError(`prior.stride must be an integer >= ${widest}, got ${this.prior.stride}`);
      if (this.prior.scores.length < this.prior.stride * this.net.spans.length) throw new RangeError(`prior.scores has ${this.prior.scores.length} entries, fewer than stride * variables`);
    }
    this.e = new Engine(this.net, options.domains);
    this.wdeg = new Float64Array(this.e.numVars).fill(1);
    for (const vars of this.net.consVars) for (const v of vars) this.wdeg[v]!++;
    this.cutoff = this.opts.restartBase;
  }

  get stats(): TreeStats {
    return { ...this.s };
  }

  /** Search until a solution, a proof of none, or a limit. */
  run(limits: RunLimits = {}): TreeResult {
    const checkEvery = limits.checkEvery ?? 64;
    if (!Number.isInteger(checkEvery) || checkEvery < 1) throw new RangeError(`checkEvery must be a positive integer, got ${checkEvery}`);
    if (limits.deadline !== undefined && !limits.now) throw new RangeError('deadline needs a clock: pass now');
    const maxNodes = limits.maxNodes ?? Infinity;
    if (!(maxNodes >= 0)) throw new RangeError(`maxNodes must be >= 0, got ${maxNodes}`);
    if (this.final) return { ...this.final, stats: this.stats };
    const firstNode = this.s.nodes;
    let nextCheck = firstNode;
    if (this.afterSolution) {
      this.afterSolution = false;
      if (!this.backtrack()) return this.finish({ status: 'unsat', proof: 'search', stats: this.stats });
    }
    for (;;) {
      const settled = this.settle();
      if (settled) return settled;
      if (this.s.nodes - firstNode >= maxNodes) return { status: 'unknown', limit: 'nodes', stats: this.stats };
      if (this.s.nodes >= nextCheck) {
        nextCheck = this.s.nodes + checkEvery;
        if (limits.signal?.aborted) return { status: 'unknown', limit: 'aborted', stats: this.stats };
        if (limits.deadline !== undefined && limits.now!() >= limits.deadline) return { status: 'unknown', limit: 'time', stats: this.stats };
      }
      if (this.opts.restarts && this.failuresSinceRestart >= this.cutoff && this.e.level > 0) {
        this.restart();
        continue;
      }
      if (this.e.unfixedCount === 0) {
        this.s.solutions++;
        this.afterSolution = true;
        const indices = Array.from({ length: this.e.numVars }, (_, v) => this.e.lo[v]!);
        const values = indices.map((i, v) => this.net.model.variables[v]!.min + i);
        return { status: 'sat', indices, values, stats: this.stats };
      }
      const x = this.chooseVariable();
      const a = this.chooseValue(x);
      this.pathVar.push(x);
      this.pathIdx.push(a);
      this.pathEq.push(true);
      this.s.nodes++;
      if (this.e.level + 1 > this.s.maxDepth) this.s.maxDepth = this.e.level + 1;
      this.e.decide(x, a);
      this.pending = true;
    }
  }

  /**
   * Open sub-problems below which solutions not yet found must lie: the current node first,
   * then the untried right branch of each decision on the path, deepest first; at most `max`.
   * Branches that fail under propagation are left out. Does not change the order of the search
   * (after a solution it first leaves it, as the next run() would).
   */
  frontier(max = 16): OpenSubproblem[] {
    if (this.final) return [];
    if (this.afterSolution) {
      // What run() would do first: leave the solution just returned.
      this.afterSolution = false;
      if (!this.backtrack()) {
        this.finish({ status: 'unsat', proof: 'search', stats: this.stats });
        return [];
      }
    }
    if (this.settle()) return [];
    const out: OpenSubproblem[] = [];
    const decisions = (end: number): Decision[] => this.pathVar.slice(0, end).map((v, k) => ({ var: v, index: this.pathIdx[k]!, equal: this.pathEq[k]! }));
    out.push({ domains: this.e.domains(), decisions: decisions(this.pathVar.length) });
    let level = this.e.level;
    for (let k = this.pathVar.length - 1; k >= 0 && out.length < max; k--) {
      if (!this.pathEq[k]) continue;
      const masks = this.e.masksAtLevel(level--);
      const x = this.pathVar[k]!;
      const a = this.pathIdx[k]!;
      masks[x]![a >>> 5]! &= ~(1 << (a & 31));
      const scratch = new Engine(this.net, masks);
      if (!scratch.propagate()) continue;
      out.push({ domains: scratch.domains(), decisions: [...decisions(k), { var: x, index: a, equal: false }] });
    }
    return out.slice(0, max);
  }

  /** Propagate a pending node, backtracking over failures; a final result when the tree is exhausted. */
  private settle(): TreeResult | null {
    if (!this.pending) return null;
    this.pending = false;
    if (this.e.propagate()) return null;
    if (this.s.nodes === 0 && this.e.level === 0) {
      return this.finish({ status: 'unsat', proof: 'root', failed: this.e.failure, stats: this.stats });
    }
    this.onFailure();
    if (!this.backtrack()) return this.finish({ status: 'unsat', proof: 'search', stats: this.stats });
    return null;
  }

  private finish(result: TreeResult): TreeResult {
    this.final = result;
    return result;
  }

  /** Undo to the last left branch and take its right branch; false when none is left. */
  private backtrack(): boolean {
    for (;;) {
      while (this.pathEq.length > 0 && !this.pathEq[this.pathEq.length - 1]) this.popPath();
      if (this.pathEq.length === 0 || this.e.rootFailed) return false;
      const x = this.pathVar[this.pathVar.length - 1]!;
      const a = this.pathIdx[this.pathIdx.length - 1]!;
      this.pathEq[this.pathEq.length - 1] = false;
      this.e.pop();
      this.s.nodes++;
      if (this.e.refute(x, a) && this.e.propagate()) return true;
      this.onFailure();
    }
  }

  private popPath(): void {
    this.pathVar.pop();
    this.pathIdx.pop();
    this.pathEq.pop();
  }

  private onFailure(): void {
    this.s.failures++;
    this.failuresSinceRestart++;
    const c = this.e.failure;
    if (c >= 0) for (const v of this.e.constraintVars(c)) this.wdeg[v]!++;
  }

  private restart(): void {
    const nogoods: [number[], number[]][] = [];
    const posVar: number[] = [];
    const posIdx: number[] = [];
    for (let k = 0; k < this.pathVar.length; k++) {
      if (this.pathEq[k]) {
        posVar.push(this.pathVar[k]!);
        posIdx.push(this.pathIdx[k]!);
      } else if (posVar.length > 0) {
        nogoods.push([[...posVar, this.pathVar[k]!], [...posIdx, this.pathIdx[k]!]]);
      }
    }
    while (this.e.level > 0) this.e.pop();
    this.pathVar.length = 0;
    this.pathIdx.length = 0;
    this.pathEq.length = 0;
    for (const [vars, indices] of nogoods) {
      if (this.s.nogoods >= this.opts.maxNogoods) break;
      this.s.nogoods++;
      if (!this.e.addNogood(vars, indices)) break;
    }
    this.s.restarts++;
    this.failuresSinceRestart = 0;
    this.cutoff *= this.opts.restartGrowth;
    this.pending = true;
  }

  private chooseVariable(): number {
    const { e, wdeg } = this;
    let best = -1;
    for (let k = 0, n = e.unfixedCount; k < n; k++) {
      const v = e.unfixed[k]!;
      if (best < 0) { best = v; continue; }
      const lhs = e.count[v]! * wdeg[best]!;
      const rhs = e.count[best]! * wdeg[v]!;
      if (lhs < rhs || (lhs === rhs && v < best)) best = v;
    }
    return best;
  }

  private chooseValue(v: number): number {
    const { e } = this;
    if (!this.prior) return e.lo[v]!;
    const { scores, stride } = this.prior;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = e.lo[v]!; i <= e.hi[v]!; i++) {
      if (!e.has(v, i)) continue;
      const score = scores[v * stride + i]!;
      if (best < 0 || score > bestScore) { best = i; bestScore = score; }
    }
    return best;
  }
}
