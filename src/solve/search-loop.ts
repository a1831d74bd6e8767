// One job in search mode on one device (docs/search.md): load the validator program and the
// search tables, send the prior, start; then the device searches on its own and sends proven
// solutions. Priors down, proofs up. The program loaded leaves out the searched constraints
// (compileUnsearched): the device proves their clauses from its search tables ("The proof").
//
// Contract, per solution: the device proved it (clauses from the tables, the rest with its
// validator); this loop re-checks it against the full program with the reference checker
// (src/check/) before anything else. A disagreement is a device fault:
// counted (stats.deviceFaults), logged, never stored. A re-checked solution goes to the sink,
// which deduplicates (a search may find the same assignment many times); only new ones count.
//
// Every statusIntervalMs the loop reads the device's SearchStatus: flips, restarts, device
// cycles and the validator's refusals (stats.rejected) go into the stats, the stats go to
// onProgress, and a search the device ended by itself is started again with a new seed.
//
// Prior feedback (SearchOptions.priorUpdate, 'feedback' by default), kept simple on purpose:
// - first prior: the sampler's soft domains for the problem (PriorSource, the ONNX model run once
//   on empty soft domains), quantised by quantisePrior; uniform over the domains without one;
// - after each new solution: the solution goes to the sampler's feedback, its soft domains are
//   read again, and each value's probability is multiplied by 1 - diversity * (the share of
//   this run's solutions that take it), so restarts start away from what was found (diversity);
// - a stall, `stallPolls` polls in a row with neither a new solution nor a new fewest-unsatisfied
//   count (best_unsat), flattens the prior one step toward uniform (log-weights halved, so the
//   restarts explore more), up to 3 steps, then returns to the unflattened prior.
// A new prior takes effect at the device's next restart (flipsPerRestart).
//
// The complete tree search (tree-companion.ts) runs beside the device, one slice (1000 nodes, at
// most 30 ms) per wait for a solution (the wait is then at most 15 ms),
// with the sampler's soft domains as its value order:
// - tree exhausted: the job ends `unsatisfiable` (stats.proof 'search', stats.treeNodes), or
//   `exhausted` when solutions were found (there are no more);
// - tree assignment: the host pins the prior to it (byte 255 on its value, 0 on every other, so
//   every chain's start sample is that assignment) and restarts the device, whose validator proves
//   it on chip; it then comes back as any device solution (re-checked, stored) and counts in
//   stats.treeSolutions; the unpinned prior goes back and the tree goes on. Not proven within
//   PIN_MS: the host gives up on it (logged) and the tree goes on;
// - device stall (as above): instead of flattening, the prior is masked to the domains of an open
//   tree node (byte 0 outside them, so the device searches that sub-problem) and the device is
//   restarted (stats.subproblems); the next solution or stall leaves it.
//
// Stop: enough distinct solutions, the deadline or the signal, checked after each solution and
// at least every 100 ms; then SearchStop, whose answer (the final counters) comes after every
// Solution the device sent. A lost device (DeviceLostError): reconnect, load program, tables and
// prior again, and start with a new seed, for up to deviceRetryMs; as the validate loop does.

import { prepareProgram } from '../check/program-checker.ts';
import { unpackIndices } from '../model/pack.ts';
import { compileUnsearched } from '../model/compile.ts';
import type { Program } from '../model/program.ts';
import { quantisePrior, uniformPrior, type SearchTables } from '../model/search-tables.ts';
import type { Model } from '../model/types.ts';
import type { LoopResult } from './loop.ts';
import { DeviceLostError, type PriorSource, type SearchDevice, type SearchProgress, type SolutionSink } from './ports.ts';
import { resolveSearchOptions, type SearchOptions } from './search-options.ts';
import { maskHas, type Domains } from '../propagate/index.ts';
import { exhaustedStop, TreeCompanion } from './tree-companion.ts';
import { throttledProgress } from './progress.ts';
import { emptyStats, type SolveStats } from './types.ts';

export interface SearchLoopSettings {
  /** Distinct solutions wanted in total, counting those found by earlier runs. */
  solutions: number;
  /** Solutions earlier runs of the job stored already. */
  alreadyFound: number;
  /** Wall-clock time (epoch ms) at which the job stops. */
  deadline: number;
  /** When the job first started (epoch ms): `foundAtMs` and `elapsedMs` count from here. */
  startedAt: number;
  /** Seed of the first SearchStart; each later start (after a loss or an end) takes the next one. */
  seed: number;
  /** Stats of earlier runs; this run adds to them. */
  baseStats: SolveStats;
  /** Run the complete tree search beside the device (default true). */
  tree?: boolean;
  search?: SearchOptions;
  /** Aborting stops the search with stop reason `cancelled`. */
  signal?: AbortSignal;
  /** Called with the running stats at most every progressIntervalMs, and once at the end. */
  onProgress?: (stats: SolveStats, found: number) => Promise<void>;
  progressIntervalMs?: number;
  /** How long to keep reconnecting to a lost device before the run fails. Default 30_000. */
  deviceRetryMs?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

export interface SearchLoopPorts {
  device: SearchDevice;
  /** Soft domains for the prior; without one the prior is uniform over the domains. */
  prior?: PriorSource;
  sink: SolutionSink;
}

/** Longest wait for a solution before the loop looks at the clock and the signal again, ms. */
const WAKE_MS = 100;
/** Flattening steps of a stalled prior before it returns to the unflattened one. */
const FLATTEN_STEPS = 3;
/** Longest wait for the device to prove a pinned tree assignment, ms. */
const PIN_MS = 5_000;
/** Longest wait for a solution while the tree search has work, ms. */
const TREE_WAKE_MS = 15;

export async function runSearchLoop(
  problem: { model: Model; program: Program; tables: SearchTables },
  ports: SearchLoopPorts,
  settings: SearchLoopSettings,
): Promise<LoopResult> {
  const opts = resolveSearchOptions(settings.search);
  const now = settings.now ?? Date.now;
  const log = settings.log ?? (() => undefined);
  const { model, program, tables } = problem;
  // The device proves the searched clauses from its tables, so its program leaves them out; the
  // host re-checks with the full program.
  const deviceProgram = compileUnsearched(model, tables);
  const { device, sink } = ports;
  const checker = prepareProgram(program);
  const stats: SolveStats = { ...emptyStats(), ...settings.baseStats, mode: 'search' };
  const base = { ...stats };
  const linkStart = device.linkBytes();
  let found = settings.alreadyFound;

  // Device counters: `done` sums the starts that ended, `current` is the running start's last status.
  const done = { flips: 0, restarts: 0, cycles: 0, rejects: 0 };
  let current = { flips: 0, restarts: 0, cycles: 0, rejects: 0 };
  const record = (p: SearchProgress) => {
    current = { flips: p.flips, restarts: p.restarts, cycles: p.cycles, rejects: p.rejects };
  };
  const closeSegment = () => {
    for (const k of ['flips', 'restarts', 'cycles', 'rejects'] as const) done[k] += current[k];
    current = { flips: 0, restarts: 0, cycles: 0, rejects: 0 };
  };
  const snapshot = (): SolveStats => {
    stats.flips = base.flips + done.flips + current.flips;
    stats.restarts = base.restarts + done.restarts + current.restarts;
    stats.deviceCycles = base.deviceCycles + done.cycles + current.cycles;
    stats.rejected = base.rejected + done.rejects + current.rejects;
    stats.linkBytes = base.linkBytes + (device.linkBytes() - linkStart);
    stats.elapsedMs = now() - settings.startedAt;
    return { ...stats };
  };
  const progress = throttledProgress(settings, now, () => settings.onProgress?.(snapshot(), found));
  const stopReason = (): LoopResult['stop'] | null => {
    if (settings.signal?.aborted) return 'cancelled';
    if (found >= settings.solutions) return 'solutions';
    if (now() >= settings.deadline) return 'timeLimit';
    return null;
  };

  // --- the prior ----------------------------------------------------------------------------------
  const vars = model.variables;
  const slotCount = new Uint32Array(tables.numValues); // this run's solutions taking each value slot
  let runSolutions = 0;
  let soft: ArrayLike<number> | null = ports.prior ? await ports.prior.softDomains() : null;
  let flatten = 0;
  const currentPrior = (): Uint8Array => {
    let prior: Uint8Array;
    if (runSolutions > 0 && opts.priorUpdate === 'feedback') {
      const stride = soft ? soft.length / vars.length : 0;
      const rows = vars.map((v, x) => Float64Array.from({ length: v.size }, (_, i) => {
        const p = soft ? soft[x * stride + i]! : 1;
        return p * (1 - opts.diversity * (slotCount[tables.valueBase[x]! + i]! / runSolutions));
      }));
      prior = quantisePrior(tables, rows, model);
    } else {
      prior = soft ? quantisePrior(tables, soft, model) : uniformPrior(tables, model);
    }
    if (flatten > 0) for (let k = 0; k < prior.length; k++) if (prior[k]! > 0) prior[k] = 255 - Math.round((255 - prior[k]!) / 2 ** flatten);
    return prior;
  };
  let prior = currentPrior();

  // --- the device ---------------------------------------------------------------------------------
  let starts = 0;
  let bestUnsat = Infinity;
  let stalledPolls = 0;
  let ready = false;
  const start = async () => {
    if (!ready) {
      await device.load(deviceProgram, tables);
      await device.sendPrior(prior);
      ready = true;
    }
    closeSegment();
    bestUnsat = Infinity;
    stalledPolls = 0;
    const seed = (settings.seed + Math.imul(starts++, 0x9e37_79b9)) >>> 0;
    await device.start({ seed, flipBudget: opts.flipsPerRestart, noise256: opts.noise256, maxSolutions: 0 });
  };
  // Runs `op`, and after a lost device loads everything again and restarts the search, retrying
  // `op` until deviceRetryMs has passed. Returns null when the job should stop meanwhile.
  const withDevice = async <T>(op: () => Promise<T>): Promise<T | null> => {
    const giveUpAt = now() + (settings.deviceRetryMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof DeviceLostError) || now() >= giveUpAt) throw err;
        ready = false;
        stats.reconnects++;
        log('device lost, reconnecting', { attempt: attempt + 1, error: err.message });
        await sleep(Math.min(2000, 100 * 2 ** attempt));
        if (stopReason() !== null) return null;
        try {
          await start();
        } catch (again) {
          if (!(again instanceof DeviceLostError)) throw again;
          ready = false; // the next round of the loop tries once more
        }
      }
    }
  };

  const sendPrior = async () => {
    prior = currentPrior();
    await withDevice(() => device.sendPrior(prior));
  };

  /** One proven solution: re-check, store, learn. */
  const judge = async (packed: Uint8Array) => {
    stats.proven++;
    const recheck = checker.check(packed);
    if (!recheck.ok) {
      stats.deviceFaults++;
      log('device fault: a proven search solution violates constraints on the host', {
        device: device.deviceId, violated: recheck.violated.slice(0, 8), count: recheck.count,
      });
      return;
    }
    const indices = unpackIndices(program.widths, packed);
    const fromTree = pinned !== null && pinned.indices.every((v, x) => indices[x] === v);
    const isNew = await sink.add(indices, now() - settings.startedAt, device.deviceId, snapshot());
    if (fromTree) {
      if (isNew) stats.treeSolutions = (stats.treeSolutions ?? 0) + 1;
      await unpin();
    }
    if (!isNew) return;
    found++;
    stalledPolls = 0;
    if (opts.priorUpdate !== 'feedback' || stopReason() !== null) return;
    runSolutions++;
    indices.forEach((i, x) => { slotCount[tables.valueBase[x]! + i]!++; });
    if (ports.prior) {
      await ports.prior.solutionsFound([indices]);
      soft = await ports.prior.softDomains();
    }
    flatten = 0;
    await sendPrior();
  };

  const poll = async () => {
    const status = await withDevice(() => device.status());
    if (!status) return;
    record(status);
    if (status.bestUnsat < bestUnsat) {
      bestUnsat = status.bestUnsat;
      stalledPolls = 0;
    } else if (++stalledPolls >= opts.stallPolls && tree && !tree.done && pinned === null) {
      stalledPolls = 0;
      const sub = tree.subproblem();
      if (sub) {
        stats.subproblems = (stats.subproblems ?? 0) + 1;
        log('search stalled, sub-problem from the tree', { bestUnsat: status.bestUnsat, treeNodes: tree.nodes });
        await restartWith(maskedPrior(currentPrior(), sub));
        return;
      }
    } else if (stalledPolls >= opts.stallPolls && opts.priorUpdate === 'feedback') {
      stalledPolls = 0;
      flatten = (flatten + 1) % (FLATTEN_STEPS + 1);
      log('search stalled, new prior', { flatten, bestUnsat: status.bestUnsat });
      await sendPrior();
    }
    if (!status.searching && stopReason() === null) {
      log('the device ended the search, starting again', { flips: status.flips });
      await withDevice(start);
    }
    await progress(false);
  };

  // --- the tree search beside the device ----------------------------------------------------------
  const tree = settings.tree === false ? null : new TreeCompanion(model, soft, now);
  const treeBase = stats.treeNodes ?? 0;
  let pinned: { indices: number[]; since: number } | null = null;
  const restartWith = async (p: Uint8Array) => {
    prior = p;
    await withDevice(() => device.sendPrior(p));
    await withDevice(async () => { record(await device.stop()); });
    await withDevice(start);
  };
  const unpin = async () => {
    pinned = null;
    tree?.settled();
    await sendPrior();
  };
  const maskedPrior = (p: Uint8Array, domains: Domains): Uint8Array => {
    vars.forEach((v, x) => {
      for (let i = 0; i < v.size; i++) if (!maskHas(domains[x]!, i)) p[tables.valueBase[x]! + i] = 0;
    });
    return p;
  };
  /** One slice of tree search; 'unsatisfiable'/'exhausted' when the tree is done. */
  const treeSlice = async (): Promise<LoopResult['stop'] | null> => {
    if (!tree || tree.done) return null;
    if (pinned !== null) {
      if (now() - pinned.since < PIN_MS) return null;
      log('the device did not prove the tree\'s assignment in time', { ms: PIN_MS });
      await unpin();
    }
    const event = tree.slice(settings.deadline);
    stats.treeNodes = treeBase + tree.nodes;
    if (event?.kind === 'unsat') return exhaustedStop(found, stats, tree.nodes, log);
    if (event?.kind !== 'sat') return null;
    pinned = { indices: event.indices, since: now() };
    const pin = new Uint8Array(tables.numValues);
    event.indices.forEach((i, x) => { pin[tables.valueBase[x]! + i] = 255; });
    await restartWith(pin);
    return null;
  };

  let stop = stopReason();
  let started = false;
  let failure: unknown = null;
  try {
    if (stop === null) {
      await withDevice(start);
      started = true;
    }
    let nextPoll = now() + opts.statusIntervalMs;
    stop = stopReason();
    while (stop === null) {
      stop = (await treeSlice()) ?? stopReason();
      if (stop !== null) break;
      const wake = tree && !tree.done && pinned === null ? TREE_WAKE_MS : WAKE_MS;
      const wait = Math.max(1, Math.min(wake, nextPoll - now(), settings.deadline - now()));
      const solution = await withDevice(() => device.nextSolution(wait));
      if (solution) await judge(solution.packed);
      if (now() >= nextPoll && stopReason() === null) {
        await poll();
        nextPoll = now() + opts.statusIntervalMs;
      }
      stop = stopReason();
    }
  } catch (err) {
    failure = err;
  }
  // Stop the device's search whatever happened, or it would go on sending solutions.
  if (started) {
    try {
      record(await device.stop());
    } catch (err) {
      // A lost device is reset when it comes back; the job is over either way.
      if (failure === null && !(err instanceof DeviceLostError)) failure = err;
      else log('could not stop the search', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (failure !== null) throw failure;
  await progress(true);
  return { stop: stop ?? stopReason() ?? 'cancelled', found, stats: snapshot() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
