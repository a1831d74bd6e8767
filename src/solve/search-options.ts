// Settings of one job in search mode (src/solve/search-loop.ts), in the device's fixed point where
// the device takes them. resolveSearchOptions applies the defaults and checks every field once;
// a bad value is a RangeError naming the option. docs/configuration.md lists the same defaults.

import { DEFAULT_NOISE256 } from '../model/search-reference.ts';

export interface SearchOptions {
  /**
   * Flips of a chain before it restarts from a fresh sample of the prior (SearchStart.flip_budget),
   * an integer 0..2^32-1; 0 never restarts. Default 1_000_000: nonzero because a new prior only
   * takes effect at a restart (docs/search.md), so prior feedback needs restarts; large because
   * WalkSAT with noise needs no restarts to make progress, and cutting a walk short often costs
   * more than it gains. Not yet measured on the device (the RTL is new): a first choice.
   */
  flipsPerRestart?: number;
  /**
   * Random-walk probability in 256ths (SearchStart.noise), an integer 0..255. Default
   * DEFAULT_NOISE256 of src/model/search-reference.ts (115, about 0.45), the value the software
   * reference of the device's search was tuned to (bench/search-reference.ts).
   */
  noise256?: number;
  /** How often the loop reads the device's SearchStatus for progress and stall detection, ms, 10..60_000. Default 250. */
  statusIntervalMs?: number;
  /**
   * How the prior changes during the job:
   * - 'feedback' (default): after each new solution the prior is the model's soft domains with
   *   the values of the solutions found so far down-weighted (diversity); after `stallPolls`
   *   status polls without a new fewest-unsatisfied count, the prior is flattened one step
   *   toward uniform (more exploration), up to 3 steps, then back to the model's.
   * - 'off': the first prior stays for the whole job.
   */
  priorUpdate?: 'feedback' | 'off';
  /** Status polls without improvement of best_unsat before a stall counts, an integer 1..10_000. Default 8. */
  stallPolls?: number;
  /**
   * Weight of a value's share of the solutions found in the diversity prior, 0..1: a value taken
   * by a fraction f of them has its probability multiplied by 1 - diversity * f. Default 0.5.
   */
  diversity?: number;
}

export type ResolvedSearchOptions = Required<SearchOptions>;

export const SEARCH_DEFAULTS: ResolvedSearchOptions = {
  flipsPerRestart: 1_000_000,
  noise256: DEFAULT_NOISE256,
  statusIntervalMs: 250,
  priorUpdate: 'feedback',
  stallPolls: 8,
  diversity: 0.5,
};

export function resolveSearchOptions(o: SearchOptions = {}): ResolvedSearchOptions {
  const r: ResolvedSearchOptions = {
    flipsPerRestart: o.flipsPerRestart ?? SEARCH_DEFAULTS.flipsPerRestart,
    noise256: o.noise256 ?? SEARCH_DEFAULTS.noise256,
    statusIntervalMs: o.statusIntervalMs ?? SEARCH_DEFAULTS.statusIntervalMs,
    priorUpdate: o.priorUpdate ?? SEARCH_DEFAULTS.priorUpdate,
    stallPolls: o.stallPolls ?? SEARCH_DEFAULTS.stallPolls,
    diversity: o.diversity ?? SEARCH_DEFAULTS.diversity,
  };
  const integer = (name: keyof SearchOptions, min: number, max: number) => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer ${min}..${max}, got ${v}`);
  };
  integer('flipsPerRestart', 0, 0xffff_ffff);
  integer('noise256', 0, 255);
  integer('statusIntervalMs', 10, 60_000);
  integer('stallPolls', 1, 10_000);
  if (r.priorUpdate !== 'feedback' && r.priorUpdate !== 'off') {
    throw new RangeError(`priorUpdate must be 'feedback' or 'off', got ${String(r.priorUpdate)}`);
  }
  if (typeof r.diversity !== 'number' || !(r.diversity >= 0 && r.diversity <= 1)) {
    throw new RangeError(`diversity must be a number 0..1, got ${r.diversity}`);
  }
  return r;
}
