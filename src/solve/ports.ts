// What the solve loops need from the parts around them, kept small so that a loop neither knows
// nor cares whether candidates come from the ONNX sampler or a test, or whether verdicts come
// from the FPGA, the simulator, or (in unit tests only) the reference checker.

import type { Program } from '../model/program.ts';
import type { SearchTables } from '../model/search-tables.ts';
import type { CheckResult } from '../check/types.ts';
import type { Model, RenderedAssignment } from '../model/types.ts';
import type { SolveRequest, SolveStats } from './types.ts';

/** A device's verdict on one candidate (its violated program constraints, first K of them). */
export type Verdict = CheckResult;

/** Proposes candidate assignments as index vectors (index = value - min) and learns from verdicts. */
export interface CandidateSource {
  nextBatch(n: number): Promise<number[][]>;
  feedback(candidates: number[][], verdicts: Verdict[]): Promise<void>;
}

/** A validator device with a program loaded into it. */
export interface Validator {
  /** Identity of the device, from its handshake; reported with each solution. */
  readonly deviceId: string;
  /** Loads the program; called once per job and again after a reconnect. */
  load(program: Program): Promise<void>;
  /**
   * Verdicts for the candidates, in order, as the device gives them; the consumer may stop early.
   * Throws DeviceLostError when the device went away.
   */
  validate(candidates: number[][]): AsyncIterable<Verdict>;
  /** Bytes sent plus received on the link so far (a counter; the loop takes differences). */
  linkBytes(): number;
}

/** Where proven, re-checked solutions go: the Redis store in the service, memory in tests. */
export interface SolutionSink {
  /**
   * Stores a solution unless the same assignment was stored before; true when it was new. `stats`,
   * the run's stats including this proof, are stored with it, so a run killed right after it
   * leaves stats that count every stored solution.
   */
  add(indices: number[], foundAtMs: number, device: string, stats?: SolveStats): Promise<boolean>;
}

/** The device went away or stopped answering; the loop reconnects (load again) and retries. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/** The device cannot take this program (over its capacity): retrying will not help. */
export class ProgramRejectedError extends Error {
  override name = 'ProgramRejectedError';
}

/** A device's search capacities (its handshake's HelloReply.search). */
export interface SearchLimits {
  chains: number;
  maxVars: number;
  maxValues: number;
  maxClauses: number;
  maxLiterals: number;
  /** Only variables of exactly 2 values are searched (search_lite). */
  booleansOnly?: boolean;
}

/** Settings of one SearchStart. */
export interface SearchRunSettings {
  seed: number;
  /** Flips per restart; 0 never restarts. */
  flipBudget: number;
  /** Random-walk probability in 256ths. */
  noise256: number;
  /** The device stops after sending this many; 0 = until stop(). */
  maxSolutions: number;
}

/** A solution the device proved, as it sent it (packed, docs/validator-program.md); not re-checked. */
export interface DeviceSolution {
  packed: Uint8Array;
  /** Flips and device cycles since the restart that found it. */
  flips: number;
  cycles: number;
}

/** The device's search counters since the last start (SearchStatus). */
export interface SearchProgress {
  searching: boolean;
  flips: number;
  restarts: number;
  cycles: number;
  /** Solutions sent, and states the validator refused. */
  solutions: number;
  rejects: number;
  /** Searched clauses unsatisfied now, and the fewest since the start. */
  unsat: number;
  bestUnsat: number;
}

/**
 * A device with a search engine (docs/search.md): what src/solve/search-loop.ts needs. Every
 * method throws DeviceLostError when the device went away (the loop loads again and restarts),
 * ProgramRejectedError when the program or the tables do not fit.
 */
export interface SearchDevice {
  readonly deviceId: string;
  readonly limits: SearchLimits;
  /** Loads the validator program and the search tables; once per job and again after a loss. */
  load(program: Program, tables: SearchTables): Promise<void>;
  /** One byte per value slot of the loaded tables; also while searching (applies at the next restart). */
  sendPrior(prior: Uint8Array): Promise<void>;
  /** Starts a search from fresh samples of the prior, against the loaded program. */
  start(settings: SearchRunSettings): Promise<void>;
  /** The next proven solution, or null after `timeoutMs` without one or when the search ended. */
  nextSolution(timeoutMs: number): Promise<DeviceSolution | null>;
  status(): Promise<SearchProgress>;
  /** Stops the search; the final counters. Solutions sent before it are delivered first. */
  stop(): Promise<SearchProgress>;
  /** Solutions dropped on the way (a part lost or inconsistent) since the device was opened. */
  droppedSolutions(): number;
  /** Bytes sent plus received on the link so far. */
  linkBytes(): number;
}

/** Soft domains for the prior (the sampler), and what it learns from the device's solutions. */
export interface PriorSource {
  /** Per variable, per index probabilities, [numVars x D] (D at least every domain size). */
  softDomains(): Promise<ArrayLike<number>>;
  /** The proven, re-checked solutions (index vectors) found since the last call. */
  solutionsFound(solutions: number[][]): Promise<void>;
}

/** The device a worker (or a one-shot solve) holds: its validator, and its search engine when it has one. */
export interface DeviceHandle {
  validator: Validator;
  /** The same device's search engine, when its handshake offers one: jobs may then run in search mode. */
  search?: SearchDevice;
  /** Path or tcp:// address, for the device list. */
  port: string;
  simulated: boolean;
  handshake: Record<string, unknown> | null;
}

/** The parts of a solve around the loops: parsing and compiling, sampling, rendering. */
export interface SolveParts {
  prepare(request: SolveRequest): { model: Model; program: Program };
  createSource(model: Model, program: Program, seed: number): Promise<CandidateSource & { close?(): Promise<void> }>;
  /** Soft domains for search mode's prior; without it the prior is uniform. */
  createPriorSource?(model: Model, program: Program, seed: number): Promise<PriorSource & { close?(): Promise<void> }>;
  render(model: Model, indices: number[]): RenderedAssignment;
}
