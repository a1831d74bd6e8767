// Optimisation (a model with an objective, src/model/objective.ts), anytime: a run of the usual
// loop (search or validate, with the tree search beside it) looks for one solution; each one it
// finds is proven by the device, re-checked by the host and stored like any solution (so the
// API's `solution` event and the CLI see it at once), and is strictly better than the last,
// because the next run solves the model with the bound "strictly better than it" added as a
// constraint (objective.ts boundConstraint). That bounded model is propagated and compiled again
// and loaded again (program, search tables, prior): one load per improvement, so the device's
// validator and the host's checker both enforce the bound, and the tree search starts afresh
// under it.
//
// Optimality is claimed (stop 'optimal') only when proven: the tree search exhausted the
// bounded model (stats.proof 'search'), or root propagation or compilation refuted it
// (stats.proof 'root'). A run without the tree (hostTree false), or stopped by the time limit,
// the budget or a cancel, ends with its stop reason: solutions but no proof.

import { compile } from '../model/compile.ts';
import { UnsatisfiableError } from '../model/errors.ts';
import { objectiveValue, withBound } from '../model/objective.ts';
import type { Program } from '../model/program.ts';
import type { Model } from '../model/types.ts';
import type { SolutionSink } from './ports.ts';
import { propagateRoot } from './prepare.ts';
import type { RunResult, RunSettings } from './run-solve.ts';

/** One run of the usual loop on `problem`, asked for one solution. */
export type RunOnce = (
  problem: { model: Model; program: Program }, seed: number, sink: SolutionSink, settings: RunSettings,
) => Promise<RunResult>;

export async function runOptimise(
  problem: { model: Model; program: Program }, seed: number, sink: SolutionSink, settings: RunSettings, runOnce: RunOnce,
): Promise<RunResult> {
  const model = problem.model;
  const objective = model.objective;
  if (!objective) throw new Error('runOptimise: the model has no objective');
  const log = settings.log ?? (() => undefined);
  let found = settings.alreadyFound;
  let stats = settings.baseStats;
  let best: number | undefined;
  let current = problem;
  /** The model with the bound "strictly better than `value`"; null when that is refuted at the root. */
  const bounded = (value: number): { model: Model; program: Program } | null => {
    try {
      const m = propagateRoot(withBound(model, value));
      return { model: m, program: compile(m) };
    } catch (err) {
      if (!(err instanceof UnsatisfiableError)) throw err;
      return null;
    }
  };
  // A resumed job (an earlier run stored solutions) goes on from its best, so every solution it
  // stores still improves on the last one stored.
  if (settings.bestSoFar !== undefined && found > 0) {
    best = settings.bestSoFar;
    const next = bounded(best);
    if (next === null) {
      return { stop: 'optimal', found, stats: { ...stats, proof: 'root' }, best, mode: 'validate', modeReason: 'the earlier runs\' best is optimal: the bound is refuted at the root' };
    }
    current = next;
  }
  for (let round = 0; ; round++) {
    let last: number[] | null = null;
    const recording: SolutionSink = {
      add: async (indices, foundAtMs, device, s) => {
        const isNew = await sink.add(indices, foundAtMs, device, s);
        if (isNew) last = indices.slice();
        return isNew;
      },
    };
    const r = await runOnce(current, (seed + round) >>> 0, recording, {
      ...settings,
      solutions: 1,
      alreadyFound: 0,
      baseStats: stats,
      ...(settings.onProgress ? { onProgress: (s, f) => settings.onProgress!(s, found + f) } : {}),
    });
    stats = r.stats;
    const done = (stop: RunResult['stop']): RunResult => ({ ...r, stop, found, stats, ...(best !== undefined ? { best } : {}) });
    if (last === null) {
      // No better solution in this run: proven optimal if the tree was exhausted under the bound.
      if (r.stop === 'unsatisfiable' && found > 0) return done('optimal');
      return done(r.stop);
    }
    found++;
    best = objectiveValue(objective, (last as number[]).map((i, x) => model.variables[x]!.min + i));
    log('improving solution', { objective: best, found, round });
    if (r.stop !== 'solutions' || found >= settings.solutions) return done(r.stop);
    const next = bounded(best);
    if (next === null) {
      stats = { ...stats, proof: 'root' };
      return done('optimal');
    }
    current = next;
  }
}
