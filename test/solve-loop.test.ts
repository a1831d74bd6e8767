// The solve loop with the real ONNX sampler and, as the device, the reference checker (a stand-in
// allowed in unit tests only): stop reasons, re-check of proofs, reconnects, resume without repeats.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indicesToValues } from '../src/model/pack.ts';
import { renderAssignment } from '../src/model/render.ts';
import { Sampler } from '../src/sampler/index.ts';
import { runSolveLoop, type LoopSettings } from '../src/solve/loop.ts';
import { MemorySink } from '../src/solve/memory-sink.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { prepareProblem, type PreparedProblem } from '../src/solve/prepare.ts';
import { emptyStats } from '../src/solve/types.ts';
import { checkCnf, checkQueens, plantedCnf, queensProblem } from './helpers/problems.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';

/** Options do not matter to prepareProblem but for colours. */
const OPTIONS = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };

function unpropagated(doc: unknown): PreparedProblem {
  const model = parseProblem(JSON.stringify(doc), { format: 'json' });
  return { model, program: compile(model) };
}

function jsonProblem(doc: unknown): PreparedProblem {
  return prepareProblem({ format: 'json', source: JSON.stringify(doc), options: OPTIONS });
}

const queens5 = jsonProblem(queensProblem(5));
const planted = plantedCnf(50, 218, 3);
const uf50 = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
/**
 * Five pigeons, four holes: no solution. Compiled without root propagation (which proves it), so
 * the device loop alone runs into its limits (the tree search beside it is off here, and tested
 * in test/solve-unsat.test.ts).
 */
const pigeons = unpropagated({
  variables: [{ name: 'p', domain: { min: 0, max: 3 }, size: 5 }],
  constraints: [{ type: 'allDifferent', vars: 'p' }],
});

function settings(over: Partial<LoopSettings>): LoopSettings {
  const now = Date.now();
  return {
    solutions: 1, alreadyFound: 0, maxCandidates: 1_000_000, deadline: now + 20_000, startedAt: now,
    batchSize: 32, baseStats: emptyStats(), tree: false, ...over,
  };
}

async function run(problem: PreparedProblem, over: Partial<LoopSettings>, opts: { seed?: number; validator?: ReferenceValidator; sink?: MemorySink; repairSteps?: number } = {}) {
  const source = await Sampler.create(problem.model, problem.program, { seed: opts.seed ?? 1, repairSteps: opts.repairSteps });
  const validator = opts.validator ?? new ReferenceValidator();
  const sink = opts.sink ?? new MemorySink();
  const result = await runSolveLoop(problem, { source, validator, sink }, settings(over));
  const rendered = sink.solutions.map((s) => renderAssignment(problem.model, indicesToValues(problem.model, s.indices)));
  return { result, sink, validator, rendered };
}

describe('solve loop', () => {
  it('finds 5 distinct valid 5-queens solutions and stops', async () => {
    const { result, rendered, sink } = await run(queens5, { solutions: 5 });
    expect(result.stop).toBe('solutions');
    expect(result.found).toBe(5);
    expect(rendered.every((a) => checkQueens(5, a))).toBe(true);
    expect(new Set(rendered.map((a) => JSON.stringify(a))).size).toBe(5);
    expect(result.stats.proven).toBeGreaterThanOrEqual(5);
    expect(result.stats.candidates).toBe(result.stats.verdicts);
    expect(result.stats.candidates).toBe(result.stats.proven + result.stats.rejected);
    expect(sink.solutions.every((s) => s.device === 'reference-checker' && s.foundAtMs >= 0)).toBe(true);
  });

  it('counts a false proof as a device fault and never reports it', async () => {
    const validator = new ReferenceValidator();
    validator.lieEvery = 5;
    // unrepaired draws, so that the sampler proposes invalid candidates for the device to lie about
    const { result, rendered } = await run(queens5, { solutions: 3 }, { validator, repairSteps: 0 });
    expect(result.stats.deviceFaults).toBeGreaterThan(0);
    expect(rendered).toHaveLength(3);
    expect(rendered.every((a) => checkQueens(5, a))).toBe(true);
  });

  it('reconnects and reloads the program when the device goes away', async () => {
    const validator = new ReferenceValidator();
    validator.loseNext = 2;
    const { result, rendered } = await run(queens5, { solutions: 2 }, { validator });
    expect(result.stats.reconnects).toBe(2);
    expect(validator.loads).toBe(3);
    expect(rendered).toHaveLength(2);
    expect(rendered.every((a) => checkQueens(5, a))).toBe(true);
  });

  it('resumes a batch after a reconnect from the first candidate without a verdict', async () => {
    const validator = new ReferenceValidator();
    validator.loseAfter = 10;
    const { result } = await run(pigeons, { maxCandidates: 100, batchSize: 32 }, { validator });
    expect(result.stop).toBe('candidateBudget');
    expect(result.stats).toMatchObject({ reconnects: 1, candidates: 100, verdicts: 100 });
    expect(validator.verdictsGiven).toBe(100);
    expect(validator.loads).toBe(2);
  });

  it('stops in the middle of a batch once it has enough solutions', async () => {
    const validator = new ReferenceValidator();
    const fixture = prepareProblem({ format: 'cnf', source: readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8'), options: OPTIONS });
    const { result } = await run(fixture, { solutions: 1, batchSize: 64 }, { validator });
    expect(result.found).toBe(1);
    // Stopped at the first proof, not at the end of its batch.
    expect(result.stats.candidates % 64).not.toBe(0);
    expect(result.stats.candidates).toBe(validator.verdictsGiven);
    expect(result.stats.proven).toBe(1);
  });

  it('stops at the candidate budget', async () => {
    const { result } = await run(pigeons, { solutions: 1, maxCandidates: 100, batchSize: 32 });
    expect(result.stop).toBe('candidateBudget');
    expect(result.stats.candidates).toBe(100);
    expect(result.found).toBe(0);
  });

  it('stops at the deadline', async () => {
    const start = Date.now();
    const { result } = await run(pigeons, { deadline: start + 300, batchSize: 4 });
    expect(['timeLimit', 'exhausted']).toContain(result.stop);
    if (result.stop === 'timeLimit') expect(Date.now() - start).toBeGreaterThanOrEqual(300);
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    const { result } = await run(queens5, { solutions: 50, signal: abort.signal });
    expect(result.stop).toBe('cancelled');
    expect(result.stats.candidates).toBe(0);
  });

  it('resumes: a second run adds to the first without repeating a solution', async () => {
    const sink = new MemorySink();
    const first = await run(uf50, { solutions: 4 }, { sink });
    expect(first.result.found).toBe(4);
    // Same seed: the new sampler proposes the same candidates again, which dedupe must drop.
    const second = await run(uf50, { solutions: 9, alreadyFound: 4, baseStats: first.result.stats }, { sink });
    expect(second.result.found).toBe(9);
    expect(sink.solutions).toHaveLength(9);
    expect(new Set(second.rendered.map((a) => JSON.stringify(a))).size).toBe(9);
    expect(second.rendered.every((a) => checkCnf(planted.clauses, a))).toBe(true);
    expect(second.result.stats.candidates).toBeGreaterThan(first.result.stats.candidates);
  });

  it('reports exhaustion when the sampler has nothing new to propose', async () => {
    const tiny = jsonProblem({ variables: [{ name: 'b', domain: 'bool', size: 2 }], constraints: [] });
    const { result, rendered } = await run(tiny, { solutions: 10 });
    expect(result.stop).toBe('exhausted');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThanOrEqual(4);
  });

  it('reports progress at the configured rate and once at the end', async () => {
    const calls: number[] = [];
    await run(pigeons, {
      maxCandidates: 400, batchSize: 8, progressIntervalMs: 0,
      onProgress: async (stats) => { calls.push(stats.candidates); },
    });
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.at(-1)).toBe(400);
    expect([...calls].sort((a, b) => a - b)).toEqual(calls);
  });
});
