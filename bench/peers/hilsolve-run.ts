// One worker process of the peer comparison: starts the Verilator simulator, opens it as a worker
// does (DeviceSession + DeviceValidator) and runs the real solve loop (src/solve/loop.ts) on the
// runs of one bench row, one after another, with the ONNX sampler (guided) or uniform draws
// (uniform). Prints one `RUN {json}` line per run and, last, `END {json}` with the process's
// peak resident set, so the parent reads the worker's memory without the simulator's.
//   npx tsx bench/peers/hilsolve-run.ts --row ID --method guided|uniform --seeds 1,2 --budget-ms N
//     [--solutions 100] [--give-up-after K] [--batch 64] [--quick]
// --give-up-after K: after K runs in a row without a solution the row's other runs are skipped.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { DeviceSession } from '../../src/link/session.ts';
import { startSimulator } from '../../src/link/simulator.ts';
import { DeviceValidator } from '../../src/solve/device-validator.ts';
import { runSolveLoop } from '../../src/solve/loop.ts';
import { MemorySink } from '../../src/solve/memory-sink.ts';
import type { CandidateSource, Validator, Verdict } from '../../src/solve/ports.ts';
import { prepareProblem } from '../../src/solve/prepare.ts';
import { emptyStats, OPTION_BOUNDS, type SolveStats } from '../../src/solve/types.ts';
import type { Program } from '../../src/model/program.ts';
import type { DeviceCounts } from './board-model.ts';
import { findRow, type Instance } from './instances.ts';
import { UniformSource } from './uniform-source.ts';

export interface HilsolveRun {
  instance: string;
  seed: number;
  found: number;
  /** Verdicts received up to the first proven solution (null: none in budget). */
  firstCandidates: number | null;
  stop: string;
  /** Counts at the first proven solution (null: none in budget) and at the last one. */
  first: DeviceCounts | null;
  last: DeviceCounts | null;
  end: DeviceCounts;
  stats: SolveStats;
}

export interface HilsolveEnd {
  maxRssKb: number;
  simulatorHwmKb: number;
  skipped: number;
  device: Record<string, unknown>;
}

const { values } = parseArgs({
  options: {
    row: { type: 'string' }, method: { type: 'string', default: 'guided' }, seeds: { type: 'string', default: '1' },
    'budget-ms': { type: 'string', default: '10000' }, solutions: { type: 'string', default: '100' },
    'give-up-after': { type: 'string', default: '0' }, batch: { type: 'string', default: '64' }, quick: { type: 'boolean', default: false },
  },
});
if (!values.row) throw new Error('--row is required');
if (values.method !== 'guided' && values.method !== 'uniform') throw new Error('--method: guided or uniform');
const method = values.method;
const row = findRow(values.row, values.quick);
const seeds = values.seeds.split(',').map(Number);
const budgetMs = Number(values['budget-ms']);
const solutions = Number(values.solutions);
const giveUpAfter = Number(values['give-up-after']);
const batchSize = Number(values.batch);

/** The device port, timing the wait for the device. */
class TimedValidator implements Validator {
  deviceMs = 0;
  /** Verdicts received. */
  candidates = 0;
  constructor(private readonly inner: DeviceValidator) {}
  get deviceId(): string { return this.inner.deviceId; }
  linkBytes(): number { return this.inner.linkBytes(); }
  async load(program: Program): Promise<void> {
    const t0 = performance.now();
    try { await this.inner.load(program); } finally { this.deviceMs += performance.now() - t0; }
  }
  /** Verdicts as the device streams them; the wait for each counts as device time. */
  async *validate(candidates: number[][]): AsyncGenerator<Verdict> {
    const verdicts = this.inner.validate(candidates)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const t0 = performance.now();
        let next: IteratorResult<Verdict>;
        try { next = await verdicts.next(); } finally { this.deviceMs += performance.now() - t0; }
        if (next.done) return;
        this.candidates++;
        yield next.value;
      }
    } finally {
      await verdicts.return?.(undefined);
    }
  }
}

// A running worker is warm: its device open and the ONNX session loaded (the sampler caches it
// per process). Load it here, so that no run of the row pays for it.
if (method === 'guided') {
  const { Sampler } = await import('../../src/sampler/index.ts');
  const warm = findRow('8-queens', true).instances[0]!;
  const p = prepareProblem({ format: warm.format, source: warm.source, options: { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 } });
  await (await Sampler.create(p.model, p.program, { seed: 1, threads: 1 })).nextBatch(1);
}
const sim = await startSimulator();
const session = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
const validator = new TimedValidator(new DeviceValidator(session));

interface Base { deviceMs: number; tx: number; rx: number; busy: number }

/** Host-side counts since `base`; the engine's busy cycles need a round trip, so only on request. */
function hostCounts(base: Base, wallMs: number): DeviceCounts {
  const c = session.counters();
  return { wallMs, deviceMs: validator.deviceMs - base.deviceMs, txBytes: c.bytesTx - base.tx, rxBytes: c.bytesRx - base.rx, busyCycles: NaN };
}

async function busySince(base: Base): Promise<number> {
  return ((await session.deviceCounters()).busyCycles - base.busy) >>> 0;
}

async function solveOnce(instance: Instance, seed: number): Promise<HilsolveRun> {
  const c0 = session.counters();
  const base: Base = { deviceMs: validator.deviceMs, tx: c0.bytesTx, rx: c0.bytesRx, busy: 0 };
  base.busy = (await session.deviceCounters()).busyCycles;
  let first: DeviceCounts | null = null;
  let firstCandidates: number | null = null;
  let last: DeviceCounts | null = null;
  const candidates0 = validator.candidates;
  // Time this process spends on its own bookkeeping (one device round trip at the first
  // solution), taken off every later time so it does not count against hilsolve.
  let overheadMs = 0;
  const sink = new MemorySink();
  const add = sink.add.bind(sink);
  sink.add = async (indices, foundAtMs, device) => {
    const isNew = await add(indices, foundAtMs, device);
    if (!isNew) return false;
    const now = hostCounts(base, foundAtMs - overheadMs);
    if (first === null) {
      const t0 = performance.now();
      now.busyCycles = await busySince(base);
      overheadMs += performance.now() - t0;
      first = now;
      firstCandidates = validator.candidates - candidates0;
    }
    last = now;
    return true;
  };
  const startedAt = Date.now();
  const problem = prepareProblem({ format: instance.format, source: instance.source, options: {
    solutions, timeLimitMs: budgetMs, seed, maxCandidates: OPTION_BOUNDS.maxCandidates.max, ...(instance.colors ? { colors: instance.colors } : {}),
  } });
  let source: CandidateSource;
  if (method === 'guided') {
    const { Sampler } = await import('../../src/sampler/index.ts');
    source = await Sampler.create(problem.model, problem.program, { seed, threads: 1 });
  } else {
    source = new UniformSource(problem.model, seed);
  }
  const result = await runSolveLoop(problem, { source, validator, sink }, {
    solutions, alreadyFound: 0, maxCandidates: OPTION_BOUNDS.maxCandidates.max, deadline: startedAt + budgetMs,
    startedAt, batchSize, baseStats: emptyStats(),
  });
  const end = hostCounts(base, result.stats.elapsedMs - overheadMs);
  end.busyCycles = await busySince(base);
  // The last solution's busy cycles were not counted (a round trip per solution would slow the
  // run): the run's total stands in, an upper bound that the board model barely feels (at 12 MHz
  // the engine's time is a few per cent of the wire time at 115200 baud, or less).
  const lastCounts = last as DeviceCounts | null;
  if (lastCounts && Number.isNaN(lastCounts.busyCycles)) lastCounts.busyCycles = end.busyCycles;
  return { instance: instance.name, seed, found: result.found, firstCandidates, stop: result.stop, first, last: lastCounts, end, stats: result.stats };
}

let misses = 0;
let skipped = 0;
try {
  for (const instance of row.instances) {
    for (const seed of seeds) {
      if (giveUpAfter > 0 && misses >= giveUpAfter) { skipped++; continue; }
      const run = await solveOnce(instance, seed);
      misses = run.found === 0 ? misses + 1 : 0;
      process.stdout.write(`RUN ${JSON.stringify(run)}\n`);
    }
  }
  const status = readFileSync(`/proc/${sim.pid}/status`, 'utf8');
  const end: HilsolveEnd = {
    maxRssKb: process.resourceUsage().maxRSS, simulatorHwmKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN),
    skipped, device: { ...session.info },
  };
  process.stdout.write(`END ${JSON.stringify(end)}\n`);
} finally {
  await session.close();
  await sim.stop();
}
