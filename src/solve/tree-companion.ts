// The complete search beside the device (docs/search.md, "Tree search beside the device"): a
// TreeSearch (src/propagate/tree.ts) over the job's root-propagated model, run by both loops
// (search-loop.ts, loop.ts) in short slices between their device waits, so it never holds the
// device loop up for longer than one slice. A slice is SLICE_NODES nodes (about 10 ms on CNF and
// sudokus), so for a seed the tree's answers come at the same point of the validate loop every
// run; SLICE_MS bounds a slice of expensive nodes (that slice is then cut by the clock).
//
// What a slice can give the loop:
// - 'unsat': the tree is exhausted, so the problem has no solution (no more solutions once some
//   were found): the job ends `unsatisfiable` (or `exhausted` with solutions), proof 'search'.
// - 'sat': an assignment the tree found. It is NOT a solution yet: the loop has the device prove
//   it (validate mode: Validator.validate; search mode: a prior pinned to it, so the device's next
//   start samples exactly it and its validator proves it on chip), then the host re-checks it with
//   the reference checker and stores it, as any device solution. The tree goes on (the next
//   slice looks for the next solution) only after that.
// - nothing: the slice ran out; call again.
//
// subproblem(): when the device search stalls, the loop takes an open node of the tree (its
// frontier, cycling over the first few) and masks the device's prior to the node's domains, so
// the device searches below that node. The tree refutes failed nodes itself (propagation) and
// records them as nogoods at its restarts; a node it has refuted leaves the frontier, so the
// next stall moves the device to a node that is still open.

import type { Model } from '../model/types.ts';
import type { SolveStats } from './types.ts';
import { TreeSearch, type Domains, type ValuePrior } from '../propagate/index.ts';

/** Nodes per slice of tree search. */
export const SLICE_NODES = 1000;
/** Longest slice of tree search, ms (a safety bound; SLICE_NODES ends most slices first). */
export const SLICE_MS = 30;
/** Open nodes the stall handler cycles over. */
const FRONTIER = 4;

export type TreeEvent =
  | { kind: 'sat'; indices: number[] }
  | { kind: 'unsat'; nodes: number };

export class TreeCompanion {
  private readonly tree: TreeSearch;
  private finished = false;
  private pending = false;
  private nextNode = 0;

  /**
   * `soft`: the sampler's soft domains, [numVars x stride], as the value order; null: lowest index
   * first. An optimisation's objective variables try their better values first (objectiveOrder).
   */
  constructor(model: Model, soft: ArrayLike<number> | null, private readonly now: () => number) {
    const n = model.variables.length;
    const stride = soft && n > 0 ? soft.length / n : 0;
    const widest = Math.max(0, ...model.variables.map((v) => v.size));
    let prior: ValuePrior | undefined = soft && Number.isInteger(stride) && stride >= widest ? { scores: soft, stride } : undefined;
    if (model.objective) prior = objectiveOrder(model, prior, widest);
    this.tree = new TreeSearch(model, prior ? { prior } : {});
  }

  get nodes(): number {
    return this.tree.stats.nodes;
  }

  /** True once the tree is exhausted: no more slices. */
  get done(): boolean {
    return this.finished;
  }

  /** True while an assignment the tree found waits for the device's proof (slices then do nothing). */
  get waiting(): boolean {
    return this.pending;
  }

  /** The device proved (or refused) the last assignment: the tree may look for the next one. */
  settled(): void {
    this.pending = false;
  }

  /** One slice of at most `ms` (and not past `deadline`, same clock as `now`). */
  slice(deadline: number, ms = SLICE_MS): TreeEvent | null {
    if (this.finished || this.pending) return null;
    const r = this.tree.run({ maxNodes: SLICE_NODES, deadline: Math.min(deadline, this.now() + ms), now: this.now, checkEvery: 16 });
    if (r.status === 'unsat') {
      this.finished = true;
      return { kind: 'unsat', nodes: r.stats.nodes };
    }
    if (r.status === 'sat') {
      this.pending = true;
      return { kind: 'sat', indices: r.indices };
    }
    return null;
  }

  /** Domains of an open node for the device to search below, or null when there is none. */
  subproblem(): Domains | null {
    if (this.finished) return null;
    const open = this.tree.frontier(FRONTIER);
    if (open.length === 0) return null;
    return open[this.nextNode++ % open.length]!.domains;
  }
}

/**
 * The value order of an optimisation's tree: on each variable of the objective, values by how
 * much they improve it (coef * value, sign by the sense), so the first solutions the tree finds are
 * good ones and fewer bound-tightening rounds follow (src/solve/optimise.ts); the other variables
 * keep `base` (the soft domains), or lowest index first (score 0 everywhere: ties go to the lowest).
 */
function objectiveOrder(model: Model, base: ValuePrior | undefined, widest: number): ValuePrior {
  const stride = base?.stride ?? Math.max(1, widest);
  const scores = Float64Array.from({ length: stride * model.variables.length }, (_, k) => (base ? base.scores[k]! : 0));
  const sign = model.objective!.sense === 'maximize' ? 1 : -1;
  const weight = new Map<number, number>();
  for (const t of model.objective!.terms) weight.set(t.var, (weight.get(t.var) ?? 0) + sign * t.coef);
  for (const [x, w] of weight) {
    const v = model.variables[x]!;
    // Larger than any soft-domain score (at most 1), so the objective decides these variables.
    for (let i = 0; i < v.size; i++) scores[x * stride + i] = w * (v.min + i) * 2 + (base ? base.scores[x * stride + i]! : 0);
  }
  return { scores, stride };
}

/**
 * How a run ends when its tree is exhausted: with solutions found, 'exhausted' (there are no
 * more); without, 'unsatisfiable', with stats.proof 'search'. Both loops end this way.
 */
export function exhaustedStop(
  found: number, stats: SolveStats, nodes: number, log: (message: string, fields: Record<string, unknown>) => void,
): 'exhausted' | 'unsatisfiable' {
  log('tree search exhausted', { nodes, found });
  if (found > 0) return 'exhausted';
  stats.proof = 'search';
  return 'unsatisfiable';
}
