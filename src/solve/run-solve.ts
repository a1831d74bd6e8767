// One run of a solve on one device, whoever asks: the queue's worker (results in Redis) and the
// one-shot `hilsolve solve` (results in memory) call this, so both choose the mode, draw the
// prior or the candidates, and run the same loop with the same seed the same way.
//
// Contract: `runSolve` chooses the loop (src/solve/mode.ts), creates the sampler for the run's
// seed, runs the loop to its end and closes the sampler. It throws what the loops and the mode
// choice throw (ProgramRejectedError, InputError, UnsatisfiableError, DeviceLostError...);
// `failureOutcome` says what such an error means for the job, in one place for both callers.

import { InputError, UnsatisfiableError } from '../model/errors.ts';
import type { Model } from '../model/types.ts';
import type { Program } from '../model/program.ts';
import { runSolveLoop, type LoopResult, type LoopSettings } from './loop.ts';
import { chooseMode } from './mode.ts';
import { runOptimise } from './optimise.ts';
import { DeviceLostError, ProgramRejectedError, type DeviceHandle, type SolutionSink, type SolveParts } from './ports.ts';
import { runSearchLoop } from './search-loop.ts';
import type { JobOptions, Outcome, StopReason } from './types.ts';

/** The loop settings both modes share; the mode-specific ones come from the options. */
export type RunSettings = Omit<LoopSettings, 'maxCandidates' | 'batchSize'> & {
  /** Optimisation: the best objective value earlier runs of the job stored (they found `alreadyFound`). */
  bestSoFar?: number;
};

export interface RunResult extends LoopResult {
  mode: 'search' | 'validate';
  /** Why that mode (src/solve/mode.ts). */
  modeReason: string;
  /** Optimisation: the objective value of the last (best) solution found. */
  best?: number;
}

type RunPorts = { device: DeviceHandle; parts: SolveParts; sink: SolutionSink; batchSize: number };

/** A satisfaction problem: one run of the loop; an optimisation problem: runs under a tightening bound (optimise.ts). */
export async function runSolve(
  problem: { model: Model; program: Program },
  options: JobOptions,
  seed: number,
  ports: RunPorts,
  settings: RunSettings,
): Promise<RunResult> {
  if (!problem.model.objective) return runOnce(problem, options, seed, ports, settings);
  return runOptimise(problem, seed, ports.sink, settings, (p, s, sink, set) => runOnce(p, options, s, { ...ports, sink }, set));
}

async function runOnce(
  problem: { model: Model; program: Program },
  options: JobOptions,
  seed: number,
  ports: RunPorts,
  settings: RunSettings,
): Promise<RunResult> {
  const { device, parts, sink } = ports;
  const choice = chooseMode(options.mode, problem, device.search);
  let source: { close?(): Promise<void> } | undefined;
  try {
    let result: LoopResult;
    if (choice.mode === 'search') {
      const prior = await parts.createPriorSource?.(problem.model, problem.program, seed);
      source = prior;
      result = await runSearchLoop({ ...problem, tables: choice.tables }, {
        device: device.search!, sink, ...(prior ? { prior } : {}),
      }, { ...settings, seed, tree: options.hostTree !== false });
    } else {
      const candidates = await parts.createSource(problem.model, problem.program, seed);
      source = candidates;
      result = await runSolveLoop(problem, { source: candidates, validator: device.validator, sink }, {
        ...settings, maxCandidates: options.maxCandidates, batchSize: ports.batchSize, tree: options.hostTree !== false,
      });
    }
    return { ...result, mode: choice.mode, modeReason: choice.reason };
  } finally {
    await source?.close?.().catch(() => undefined);
  }
}

/**
 * The outcome of a run that ended (not by an error): OPTIMAL when an optimisation proved its last
 * solution best (stop 'optimal'; detail says how), SATISFIED with solutions, UNSATISFIABLE when
 * the tree search proved there is none (detail says how, stats.proof 'search'), else UNKNOWN.
 */
export function runOutcome(result: Pick<RunResult, 'stop' | 'found' | 'stats' | 'best'>, full = false): { outcome: Outcome; detail?: string } {
  if (result.stop === 'optimal') {
    const how = result.stats.proof === 'root'
      ? 'propagation refutes any better solution'
      : `the tree search found no better solution in ${result.stats.treeNodes ?? 0} nodes (over every run)`;
    return { outcome: 'OPTIMAL', detail: `optimal: objective ${result.best ?? '?'} is the best value: ${how}` };
  }
  if (result.found > 0 || full) return { outcome: 'SATISFIED' };
  if (result.stop === 'unsatisfiable') {
    return {
      outcome: 'UNSATISFIABLE',
      detail: `unsatisfiable: proved by search: the tree was exhausted after ${result.stats.treeNodes ?? 0} nodes`,
    };
  }
  return { outcome: 'UNKNOWN' };
}

/** What an error of a run means for the job: final (the same input fails again) or worth a retry. */
export type Failure =
  | { final: true; status: 'failed'; outcome: Outcome; stopReason: StopReason; error: { code: string; message: string } }
  | { final: true; status: 'succeeded'; outcome: 'UNSATISFIABLE'; stopReason: 'unsatisfiable'; detail: string }
  | { final: false; code: 'device' | 'internal'; message: string };

export function failureOutcome(err: unknown): Failure {
  // Faults of the problem itself: another run would fail the same way.
  if (err instanceof ProgramRejectedError || err instanceof InputError) {
    return {
      final: true, status: 'failed', outcome: 'UNKNOWN', stopReason: 'error',
      error: { code: err instanceof InputError ? 'input' : 'device_capacity', message: err.message },
    };
  }
  if (err instanceof UnsatisfiableError) {
    // Thrown before any search: by root propagation (src/solve/prepare.ts) or compilation.
    return { final: true, status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', detail: err.message };
  }
  return { final: false, code: err instanceof DeviceLostError ? 'device' : 'internal', message: err instanceof Error ? err.message : String(err) };
}
