// The solve loop: one job on one device. Load the program, then sample -> validate -> re-check
// every proven candidate with the reference checker -> store (deduplicated) -> feedback, until
// enough distinct solutions, the time limit, the candidate budget or an abort (each checked
// after every verdict). A proven verdict
// the reference checker disagrees with is a device fault: counted, logged, never a solution.
// The loop resumes a job: it is given what earlier runs found and counted.
//
// Beside the device, the host runs the complete tree search (tree-companion.ts) for one slice
// (~15 ms) before each batch, values in lowest-index order (validate mode has no soft domains):
// an assignment it finds is sent to the device as a batch of one and goes through the same
// judge (device proof, host re-check, store) as a sampled candidate; an exhausted tree ends the
// job `unsatisfiable` (no solution found) or `exhausted` (every solution found). A sampler with
// no new candidate ends the job `exhausted` only once the tree is done too (or absent).

import { prepareProgram } from '../check/program-checker.ts';
import { packIndices } from '../model/pack.ts';
import type { Program } from '../model/program.ts';
import type { Model } from '../model/types.ts';
import { exhaustedStop, TreeCompanion } from './tree-companion.ts';
import { throttledProgress } from './progress.ts';
import { DeviceLostError, type CandidateSource, type SolutionSink, type Validator, type Verdict } from './ports.ts';
import { emptyStats, type SolveStats, type StopReason } from './types.ts';

export interface LoopSettings {
  /** Distinct solutions wanted in total, counting those found by earlier runs. */
  solutions: number;
  /** Solutions earlier runs of the job stored already. */
  alreadyFound: number;
  /** Candidates the job may send in total, counting earlier runs (stats.candidates). */
  maxCandidates: number;
  /** Wall-clock time (epoch ms) at which the job stops. */
  deadline: number;
  /** Run the complete tree search beside the device (default true). */
  tree?: boolean;
  /** When the job first started (epoch ms): `foundAtMs` and `elapsedMs` count from here. */
  startedAt: number;
  batchSize: number;
  /** Stats of earlier runs; this run adds to them. */
  baseStats: SolveStats;
  /** Aborting stops the loop between batches with stop reason `cancelled`. */
  signal?: AbortSignal;
  /** Called with the running stats at most every progressIntervalMs, and once at the end. */
  onProgress?: (stats: SolveStats, found: number) => Promise<void>;
  progressIntervalMs?: number;
  /** How long to keep reconnecting to a lost device before the run fails. */
  deviceRetryMs?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

export interface LoopResult {
  /** 'unsatisfiable': the tree search proved there is no solution (stats.proof 'search'). */
  stop: Exclude<StopReason, 'error'>;
  /** Solutions stored in total (earlier runs included). */
  found: number;
  stats: SolveStats;
}

export interface LoopPorts {
  source: CandidateSource;
  validator: Validator;
  sink: SolutionSink;
}

export async function runSolveLoop(
  problem: { model: Model; program: Program },
  ports: LoopPorts,
  settings: LoopSettings,
): Promise<LoopResult> {
  const now = settings.now ?? Date.now;
  const log = settings.log ?? (() => undefined);
  const { program } = problem;
  const checker = prepareProgram(program);
  // Stats stored by an older version may lack the search counters.
  const stats: SolveStats = { ...emptyStats(), ...settings.baseStats, mode: 'validate' };
  const linkStart = ports.validator.linkBytes();
  let found = settings.alreadyFound;

  const snapshot = (): SolveStats => {
    stats.linkBytes = settings.baseStats.linkBytes + (ports.validator.linkBytes() - linkStart);
    stats.elapsedMs = now() - settings.startedAt;
    return { ...stats };
  };
  const progress = throttledProgress(settings, now, () => settings.onProgress?.(snapshot(), found));
  const stopReason = (): LoopResult['stop'] | null => {
    if (settings.signal?.aborted) return 'cancelled';
    if (found >= settings.solutions) return 'solutions';
    if (now() >= settings.deadline) return 'timeLimit';
    if (stats.candidates >= settings.maxCandidates) return 'candidateBudget';
    return null;
  };

  // Runs `op` with the program loaded, reloading it and retrying while the device is lost.
  let loaded = false;
  const withDevice = async <T>(op: () => Promise<T>): Promise<T | null> => {
    const giveUpAt = now() + (settings.deviceRetryMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        if (!loaded) {
          await ports.validator.load(program);
          loaded = true;
        }
        return await op();
      } catch (err) {
        loaded = false;
        if (!(err instanceof DeviceLostError) || now() >= giveUpAt) throw err;
        stats.reconnects++;
        log('device lost, reconnecting', { attempt: attempt + 1, error: err.message });
        await sleep(Math.min(2000, 100 * 2 ** attempt));
        if (stopReason() !== null) return null;
      }
    }
  };

  // One verdict: count it, re-check a proof, store a new solution. Returns what the sampler learns.
  const judge = async (candidate: number[], verdict: Verdict): Promise<Verdict> => {
    stats.candidates++;
    stats.verdicts++;
    if (!verdict.ok) {
      stats.rejected++;
      return verdict;
    }
    stats.proven++;
    const recheck = checker.check(packIndices(program.widths, candidate));
    if (!recheck.ok) {
      // The sampler learns from the truth: a faulty proof is fed back as the host's verdict.
      stats.deviceFaults++;
      log('device fault: proven candidate violates constraints on the host', {
        device: ports.validator.deviceId, violated: recheck.violated.slice(0, 8), count: recheck.count,
      });
      return recheck;
    }
    if (await ports.sink.add(candidate, now() - settings.startedAt, ports.validator.deviceId, snapshot())) found++;
    return verdict;
  };

  const tree = settings.tree === false ? null : new TreeCompanion(problem.model, null, now);
  const treeBase = stats.treeNodes ?? 0;
  /** One slice of tree search; its assignment is judged like a candidate. 'unsatisfiable'/'exhausted' when the tree is done. */
  const treeSlice = async (): Promise<LoopResult['stop'] | null> => {
    if (!tree || tree.done) return null;
    const event = tree.slice(settings.deadline);
    stats.treeNodes = treeBase + tree.nodes;
    if (event?.kind === 'unsat') return exhaustedStop(found, stats, tree.nodes, log);
    if (event?.kind !== 'sat') return null;
    const before = found;
    const verdict = await withDevice(async () => {
      for await (const v of ports.validator.validate([event.indices])) return v;
      throw new Error('device answered no verdict for the tree\'s assignment');
    });
    if (verdict) await judge(event.indices, verdict);
    if (found > before) stats.treeSolutions = (stats.treeSolutions ?? 0) + 1;
    else log('the tree\'s assignment was not proven or not new', { proven: verdict?.ok ?? null });
    tree.settled();
    return null;
  };

  await withDevice(async () => undefined);
  let stop = stopReason();
  // Set when the sampler has no new candidate: the tree, if it is still running, goes on alone.
  let sourceDone = false;
  while (stop === null) {
    stop = (await treeSlice()) ?? stopReason();
    if (stop !== null) break;
    if (sourceDone) {
      if (tree && !tree.done) {
        await progress(false);
        continue;
      }
      stop = 'exhausted';
      break;
    }
    const n = Math.min(settings.batchSize, settings.maxCandidates - stats.candidates);
    const batch = await ports.source.nextBatch(n);
    if (batch.length === 0) {
      sourceDone = true;
      continue;
    }
    // Verdicts are judged as they stream in, so a batch stops at the first verdict after which
    // the job is done (enough solutions, cancel, deadline); after a reconnect the batch resumes
    // from the first candidate without a verdict.
    const learned: Verdict[] = [];
    const judged = await withDevice(async () => {
      for await (const verdict of ports.validator.validate(batch.slice(learned.length))) {
        learned.push(await judge(batch[learned.length], verdict));
        if (stopReason() !== null) break;
      }
      return learned.length;
    });
    if (judged !== null && judged < batch.length && stopReason() === null) {
      throw new Error(`device answered ${judged} verdicts for ${batch.length} candidates`);
    }
    await ports.source.feedback(batch.slice(0, learned.length), learned);
    await progress(false);
    stop = stopReason();
  }
  await progress(true);
  return { stop: stop ?? stopReason() ?? 'cancelled', found, stats: snapshot() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
