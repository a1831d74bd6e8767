// What a solve job asks for and what it reports, shared by the solve loop, the job queue and the
// HTTP API. The bounds here are the only copy: the API's JSON schema is built from them.

import type { ProblemFormat, RenderedAssignment } from '../model/types.ts';

export interface JobOptions {
  /** Distinct solutions wanted. */
  solutions: number;
  /** Wall-clock limit of the job from its first start, in milliseconds. */
  timeLimitMs: number;
  /** Sampler seed; the same seed on the same device gives the same candidates. */
  seed: number;
  /** Candidates the job may send to the device before giving up. */
  maxCandidates: number;
  /** Colours for a DIMACS .col problem (its `p edge` line has none). */
  colors?: number;
  /**
   * How the device solves it: `search` (the device searches from the model's prior, src/solve/
   * search-loop.ts), `validate` (the host proposes, the device checks, src/solve/loop.ts), or
   * `auto` (default): search when the device's handshake offers a search engine and the problem's
   * search tables fit its capacities, else validate.
   */
  mode?: SolveMode;
  /**
   * Run the host's complete tree search (src/propagate/) beside the device: it proves
   * unsatisfiability and hands the device assignments to prove. Default true; false leaves the
   * search to the device alone (to measure it, or when the host must stay idle).
   */
  hostTree?: boolean;
}

export type SolveMode = 'auto' | 'search' | 'validate';
export const SOLVE_MODES: readonly SolveMode[] = ['auto', 'search', 'validate'];

/** A problem as submitted: the source text in one of the formats, and the options. */
export interface SolveRequest {
  format: ProblemFormat;
  source: string;
  options: JobOptions;
}

/** Bounds and defaults of every option; `seed` defaults to a random value chosen at submission. */
export const OPTION_BOUNDS = {
  solutions: { min: 1, max: 1000, default: 1 },
  timeLimitMs: { min: 100, max: 3_600_000, default: 60_000 },
  seed: { min: 0, max: 0xffff_ffff },
  maxCandidates: { min: 1, max: 1_000_000_000, default: 10_000_000 },
  colors: { min: 1, max: 256 },
  mode: { values: SOLVE_MODES, default: 'auto' },
} as const;

/**
 * The options of a job with every default filled in; `seed` is the caller's random choice when
 * absent. An optimisation problem (`optimising`) stores every improving solution: `solutions`
 * defaults to the most a job may hold, so only the proof of optimality or a limit ends it.
 */
export function withDefaults(given: Partial<JobOptions>, randomSeed: () => number, optimising = false): JobOptions {
  return {
    solutions: given.solutions ?? (optimising ? OPTION_BOUNDS.solutions.max : OPTION_BOUNDS.solutions.default),
    timeLimitMs: given.timeLimitMs ?? OPTION_BOUNDS.timeLimitMs.default,
    seed: given.seed ?? randomSeed(),
    maxCandidates: given.maxCandidates ?? OPTION_BOUNDS.maxCandidates.default,
    ...(given.colors !== undefined ? { colors: given.colors } : {}),
    ...(given.mode !== undefined ? { mode: given.mode } : {}),
    ...(given.hostTree !== undefined ? { hostTree: given.hostTree } : {}),
  };
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * OPTIMAL: an optimisation problem's last solution is proven best. SATISFIED: at least one proven
 * solution (for an optimisation problem: the best found, optimality not proven). UNSATISFIABLE:
 * proven to have none. UNKNOWN: neither (yet).
 */
export type Outcome = 'OPTIMAL' | 'SATISFIED' | 'UNSATISFIABLE' | 'UNKNOWN';

/** Why a job stopped. */
export type StopReason =
  | 'solutions' // found as many as asked for
  | 'timeLimit'
  | 'candidateBudget'
  | 'exhausted' // the sampler has no candidate left that it has not proposed before
  | 'cancelled'
  | 'unsatisfiable'
  | 'optimal' // optimisation: no better solution than the last one exists (proven)
  | 'error';

export interface SolveStats {
  /** Candidates drawn and sent to the device. */
  candidates: number;
  /** Verdicts received. */
  verdicts: number;
  /** Verdicts that proved a candidate (before host re-check and dedupe). */
  proven: number;
  /** Verdicts that found a violated constraint. */
  rejected: number;
  /** Proven verdicts the host re-check disagreed with: never reported as solutions. */
  deviceFaults: number;
  /** Times the device had to be reopened and the program reloaded during the job. */
  reconnects: number;
  /** Bytes sent and received on the device link for this job. */
  linkBytes: number;
  /** Milliseconds since the job first started. */
  elapsedMs: number;
  /** Search mode: flips the device made, over every SearchStart of the job. */
  flips: number;
  /** Search mode: restarts from a fresh sample of the prior. */
  restarts: number;
  /** Search mode: device clock cycles spent searching. */
  deviceCycles: number;
  /** Nodes of the host's complete tree search (src/solve/tree-companion.ts), both modes. */
  treeNodes?: number;
  /** Assignments the tree found that the device proved and the host re-checked and stored. */
  treeSolutions?: number;
  /** Search mode: sub-problems (open tree nodes) the device was sent to search after a stall. */
  subproblems?: number;
  /**
   * UNSATISFIABLE jobs: how it was proved, 'root' (propagation) or 'search' (the exhausted tree,
   * after treeNodes nodes); OPTIMAL jobs: how it was proved that no better solution exists.
   */
  proof?: 'root' | 'search';
  /** The mode the last run of the job ran in (absent before it started). */
  mode?: 'search' | 'validate';
}

export function emptyStats(): SolveStats {
  return {
    candidates: 0, verdicts: 0, proven: 0, rejected: 0, deviceFaults: 0, reconnects: 0, linkBytes: 0, elapsedMs: 0,
    flips: 0, restarts: 0, deviceCycles: 0, treeNodes: 0, treeSolutions: 0, subproblems: 0,
  };
}

export interface Solution {
  /** 1-based position in the job's solution list. */
  index: number;
  assignment: RenderedAssignment;
  /** Milliseconds from the job's first start to the proof. */
  foundAtMs: number;
  /** Identity of the device that proved it. */
  device: string;
  /** Optimisation: the solution's objective value. */
  objective?: number;
}
