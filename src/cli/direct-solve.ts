// `hilsolve solve FILE` without --server: the solve loop in this process against the device,
// with the solutions in memory: no Redis, no HTTP, no BullMQ. It runs src/solve/run-solve.ts,
// the same function the queue's worker runs, with the same option defaults, seed, mode choice
// and outcomes, and returns the finished job in the shape the API shows, so the output and the
// exit status are those of the service path. The simulator (or HILSOLVE_DEVICE) starts and the
// ONNX model loads while the problem is parsed and compiled.

import { randomInt } from 'node:crypto';
import pino from 'pino';
import type { ProblemFormat } from '../model/types.ts';
import { workerConfig } from '../queue/config.ts';
import { startSimulator, type RunningSimulator } from '../link/simulator.ts';
import { loadModel } from '../sampler/session.ts';
import { openDevice, type OpenedDevice } from '../solve/device-validator.ts';
import { MemorySink } from '../solve/memory-sink.ts';
import type { SolutionSink } from '../solve/ports.ts';
import { failureOutcome, runOutcome, runSolve } from '../solve/run-solve.ts';
import { emptyStats, withDefaults, type JobOptions, type Solution, type SolveStats } from '../solve/types.ts';
import { solveParts } from './solve-parts.ts';
import type { FinishedJob } from './service-client.ts';

export interface DirectSolveHooks {
  onPhase(phase: string): void;
  onProgress(stats: SolveStats, found: number): void;
  /** Each solution as soon as it is proven, re-checked and kept (optimisation: each improving one). */
  onSolution?(solution: Solution): void;
  /** Aborting cancels the solve: the solutions found so far are kept. */
  signal: AbortSignal;
}

export async function solveDirect(
  request: { format: ProblemFormat; source: string; options: Partial<JobOptions> },
  hooks: DirectSolveHooks,
  /** A simulator the caller started early, so it boots while this module loads; used for the first start only. */
  early?: Promise<RunningSimulator>,
): Promise<FinishedJob> {
  const config = workerConfig();
  let options = withDefaults(request.options, () => randomInt(0, 2 ** 32 - 1));
  const logger = pino({ level: process.env.HILSOLVE_LOG_LEVEL ?? 'error' }, pino.destination(2));
  const parts = solveParts(config);
  const createdAt = Date.now();

  hooks.onPhase(config.device === undefined ? 'starting the simulator' : `opening ${config.device}`);
  let first = config.device === undefined ? early : undefined;
  if (config.device !== undefined) void early?.then((sim) => sim.stop(), () => undefined);
  const opening = openDevice(config.device, logger, config.baud, {
    startSimulator: () => {
      const sim = first ?? startSimulator();
      first = undefined;
      return sim;
    },
  });
  // Loaded once per process and shared by the sampler; a bad model file fails the solve here.
  const model = loadModel(config.modelPath, config.threads);
  opening.catch(() => undefined);
  model.catch(() => undefined);

  const memory = new MemorySink();
  let device: OpenedDevice | undefined;
  let problem: ReturnType<typeof parts.prepare> | undefined;
  let startedAt = createdAt;
  const solution = (i: number): Solution => {
    const s = memory.solutions[i]!;
    return { index: i + 1, assignment: parts.render(problem!.model, s.indices), foundAtMs: s.foundAtMs, device: s.device };
  };
  // Kept in memory, and handed to onSolution at once.
  const sink: SolutionSink = {
    add: async (indices, foundAtMs, id) => {
      const isNew = await memory.add(indices, foundAtMs, id);
      if (isNew) hooks.onSolution?.(solution(memory.solutions.length - 1));
      return isNew;
    },
  };
  const finished = (fields: Pick<FinishedJob, 'status' | 'outcome' | 'stopReason' | 'stats' | 'error' | 'detail'>): FinishedJob => {
    const solutions: Solution[] = problem === undefined ? [] : memory.solutions.map((_, i) => solution(i));
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: 'local', ...fields, solutionCount: solutions.length, solutions, format: request.format, options, runs: 1,
      worker: null, createdAt: iso(createdAt), startedAt: iso(startedAt), finishedAt: iso(Date.now()),
    };
  };

  try {
    problem = parts.prepare({ format: request.format, source: request.source, options });
    if (problem.model.objective && request.options.solutions === undefined) options = { ...options, solutions: withDefaults(request.options, () => options.seed, true).solutions };
    [device] = await Promise.all([opening, model]);
    if (hooks.signal.aborted) {
      return finished({ status: 'cancelled', outcome: 'UNKNOWN', stopReason: 'cancelled', stats: emptyStats(), error: null, detail: null });
    }
    hooks.onPhase('running');
    startedAt = Date.now();
    const result = await runSolve(problem, options, options.seed, { device, parts, sink, batchSize: config.batchSize }, {
      solutions: options.solutions,
      alreadyFound: 0,
      deadline: startedAt + options.timeLimitMs,
      startedAt,
      baseStats: emptyStats(),
      signal: hooks.signal,
      progressIntervalMs: 250,
      onProgress: async (stats, found) => hooks.onProgress(stats, found),
      log: (message, fields) => logger.warn(fields, message),
    });
    const { outcome, detail } = runOutcome(result);
    return finished({
      status: result.stop === 'cancelled' ? 'cancelled' : 'succeeded',
      outcome,
      stopReason: result.stop,
      stats: result.stats,
      error: null,
      detail: detail ?? null,
    });
  } catch (err) {
    const failure = failureOutcome(err);
    if (failure.final && failure.status === 'succeeded') {
      return finished({ status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', stats: { ...emptyStats(), proof: 'root' }, error: null, detail: failure.detail });
    }
    if (failure.final) {
      return finished({ status: 'failed', outcome: failure.outcome, stopReason: failure.stopReason, stats: emptyStats(), error: failure.error, detail: null });
    }
    // The service retries such a run on another worker; one process has nothing to retry on.
    return finished({
      status: 'failed', outcome: memory.solutions.length > 0 ? 'SATISFIED' : 'UNKNOWN', stopReason: 'error', stats: emptyStats(),
      error: { code: failure.code, message: failure.message }, detail: null,
    });
  } finally {
    device ??= await opening.catch(() => undefined);
    await device?.close().catch(() => undefined);
  }
}
