// src/propagate/: propagation and complete tree search over a Model, pure (no I/O, no clock of
// its own). Ranks between model and check: imports src/model/ only.
//
// - propagate(model, domains?): one-shot narrowing to the fixpoint, or the failed constraint.
// - Engine (engine.ts): the incremental propagator with levels, for searches.
// - TreeSearch (tree.ts): complete DFS with dom/wdeg, priors, restarts with nogoods, limits,
//   slices and open sub-problems.
// - domains.ts: the domain bitmask helpers.

export * from './domains.ts';
export { Engine } from './engine.ts';
export { buildNetwork, type Network } from './network.ts';
export { propagate, type PropagateResult } from './propagate.ts';
export * from './tree.ts';
export * from './tree-options.ts';
