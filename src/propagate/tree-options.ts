// The tree search's options, limits, statistics and results (tree.ts), with the options'
// defaults and checks in one place (resolveTreeOptions throws RangeError naming the option).

import type { Domains } from './domains.ts';

export interface ValuePrior {
  /** Scores, row-major: scores[v * stride + i] for index i of variable v; higher is tried first. */
  scores: ArrayLike<number>;
  /** Row length: at least the largest domain size (the sampler's numValues). */
  stride: number;
}

export interface TreeSearchOptions {
  /** Root domains (a sub-problem), intersected with the model's. Default: the model's. */
  domains?: Domains;
  /** Value order. Default: lowest index first. */
  prior?: ValuePrior;
  /** Restart with nogood recording. Default true. */
  restarts?: boolean;
  /** Failures before the first restart, a positive integer. Default 100. */
  restartBase?: number;
  /** Growth of the restart cutoff, > 1. Default 1.5. */
  restartGrowth?: number;
  /** Nogoods recorded at most (beyond, restarts go on without recording). Default 200_000. */
  maxNogoods?: number;
}

export interface RunLimits {
  /** Nodes this call may spend. Default: no limit. */
  maxNodes?: number;
  /** Stop once now() >= deadline. Requires `now`. */
  deadline?: number;
  /** The clock for `deadline`, any unit (e.g. performance.now). */
  now?: () => number;
  signal?: AbortSignal;
  /** Nodes between checks of the clock and the signal, a positive integer. Default 64. */
  checkEvery?: number;
}

export interface TreeStats {
  /** Nodes: decisions taken, left (x = a) and right (x != a) branches. */
  nodes: number;
  /** Nodes whose propagation failed. */
  failures: number;
  restarts: number;
  /** Nogoods recorded. */
  nogoods: number;
  /** Deepest path, in left branches. */
  maxDepth: number;
  /** Solutions returned so far. */
  solutions: number;
}

export type TreeResult =
  | { status: 'sat'; indices: number[]; values: number[]; stats: TreeStats }
  /** failed: for proof 'root', the constraint whose propagation failed (-1: an empty domain). */
  | { status: 'unsat'; proof: 'root' | 'search'; failed?: number; stats: TreeStats }
  | { status: 'unknown'; limit: 'nodes' | 'time' | 'aborted'; stats: TreeStats };

export interface Decision {
  var: number;
  index: number;
  /** x = index (a left branch) or x != index (a right branch). */
  equal: boolean;
}

export interface OpenSubproblem {
  /** Propagated domains of the sub-problem. */
  domains: Domains;
  /** The decisions from the root that lead to it. */
  decisions: Decision[];
}

export function resolveTreeOptions(o: TreeSearchOptions = {}): Required<Omit<TreeSearchOptions, 'domains' | 'prior'>> {
  const r = { restarts: o.restarts ?? true, restartBase: o.restartBase ?? 100, restartGrowth: o.restartGrowth ?? 1.5, maxNogoods: o.maxNogoods ?? 200_000 };
  if (!Number.isInteger(r.restartBase) || r.restartBase < 1) throw new RangeError(`restartBase must be a positive integer, got ${r.restartBase}`);
  if (!(r.restartGrowth > 1) || !Number.isFinite(r.restartGrowth)) throw new RangeError(`restartGrowth must be a finite number > 1, got ${r.restartGrowth}`);
  if (!Number.isInteger(r.maxNogoods) || r.maxNogoods < 0) throw new RangeError(`maxNogoods must be a non-negative integer, got ${r.maxNogoods}`);
  return r;
}
