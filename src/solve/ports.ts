// What the solve loop needs from the parts around it, kept small so that the loop neither knows
// nor cares whether candidates come from the ONNX sampler or a test, or whether verdicts come
// from the FPGA, the simulator, or (in unit tests only) the reference checker.

import type { Program } from '../model/program.ts';
import type { CheckResult } from '../check/types.ts';

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
  /** Stores a solution unless the same assignment was stored before; true when it was new. */
  add(indices: number[], foundAtMs: number, device: string): Promise<boolean>;
}

/** The device went away or stopped answering; the loop reconnects (load again) and retries. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/** The device cannot take this program (over its capacity): retrying will not help. */
export class ProgramRejectedError extends Error {
  override name = 'ProgramRejectedError';
}
