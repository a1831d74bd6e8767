// One-shot propagation: a model's (or given) domains narrowed to the fixpoint of every
// constraint, or the constraint that failed. For a search, keep an Engine instead (engine.ts):
// it narrows incrementally and undoes by levels.

import type { Model } from '../model/types.ts';
import type { Domains } from './domains.ts';
import { Engine } from './engine.ts';
import { buildNetwork, type Network } from './network.ts';

export type PropagateResult =
  | { ok: true; domains: Domains }
  /** `failed`: the model constraint that failed, or -1 when a given domain was empty. */
  | { ok: false; failed: number };

/**
 * Narrow the domains (default: the model's; given masks are intersected with the model's) by
 * propagation to the fixpoint. ok: false means no solution lies within the domains. Throws
 * InputError on a malformed model, RangeError on masks of the wrong shape.
 */
export function propagate(problem: Model | Network, domains?: Domains): PropagateResult {
  const net = 'spans' in problem ? problem : buildNetwork(problem);
  const engine = new Engine(net, domains);
  if (!engine.propagate()) return { ok: false, failed: engine.failure };
  return { ok: true, domains: engine.domains() };
}
