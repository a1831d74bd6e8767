// The soft-domain sampler: proposes candidate assignments (index vectors, index = value - min,
// what src/model/pack.ts packs) for one job and learns from the verdicts on them.
//
//   const s = await Sampler.create(model, program, { modelPath, seed, temperature, threads });
//   const batch = await s.nextBatch(256);          // number[][], at most 256 candidates
//   await s.feedback(batch, verdicts);             // CheckResult per candidate, same order
//
// - create() builds the problem's factor graph (factor-graph.ts) and loads the ONNX model
//   through the per-process session cache (session.ts), refusing a model that breaks the contract
//   (contract.ts, models/README.md) with a ModelContractError naming the input. It throws
//   UnsatisfiableError when unary constraints alone empty a domain or a clause can never hold.
// - nextBatch(n) runs the model once on the current soft domains and draws candidates by
//   Gumbel-max (gumbel.ts) with temperature T, then repairs each draw on the host by at most
//   `repairSteps` min-conflicts / WalkSAT-style steps on the factor graph (repair.ts; 0 turns
//   repair off), moves biased by the same soft domains. It never returns a masked value (domain
//   holes and values ruled out by unary constraints) and never returns a candidate this sampler
//   returned before (seen.ts): a duplicate is redrawn (and repaired) at doubled temperature, up
//   to MAX_REDRAWS times, then dropped. So it may return fewer than n candidates, and returns []
//   only when the search space is (nearly) exhausted. Host work per batch: at most
//   n * (MAX_REDRAWS + 1) * repairSteps steps, in practice about n * repairSteps or far fewer
//   (a walk stops at its first new candidate that violates no factor).
// - feedback(candidates, verdicts) updates the soft domains and factor weights by the rule
//   in search.ts, and the feedback inputs of a model that declares them (contract version 2):
//   `state` and `*_violated` are the elite (the best candidate verdicts came back on since the
//   last restart) and the factor rows it violates, `found` the share of the solutions seen in
//   feedback (validate-mode verdicts with no violation, or search-mode device solutions passed
//   in with an empty verdict) that take each value. A model without them sees none of this. Verdicts list violated program-constraint indices (model constraints first,
//   then domain checks) and a count, which may exceed the list (a device reports the first K).
//   Feedback for any candidates, in any grouping, is accepted; the next nextBatch uses it.
//   Feedback moves the elite once per batch; the repair makes every candidate of the batch a
//   local search of its own from the (elite-focused) soft domains.
//
// Determinism: the PRNG is xoshiro128** seeded by splitmix32 from `seed` (src/model/prng.ts).
// The same problem, model, seed, temperature and sequence of nextBatch/feedback calls give the
// same candidates. onnxruntime's float arithmetic is deterministic on one machine and thread
// count; on another CPU a last-bit difference in a logit can, rarely, flip a draw.

import type { Tensor } from 'onnxruntime-node';
import type { CheckResult } from '../check/types.ts';
import type { Program } from '../model/program.ts';
import type { Model } from '../model/types.ts';
import { Prng } from '../model/prng.ts';
import { ModelContractError, MODEL_OUTPUT } from './contract.ts';
import { buildFactorGraph, type FactorGraph } from './factor-graph.ts';
import { toTensors, VARYING_INPUTS, type FeedArrays } from './feeds.ts';
import { drawCandidate, raceWeights } from './gumbel.ts';
import { indexFactors } from './factor-eval.ts';
import { REPAIR_PARAMS, Repairer, type RepairStats } from './repair.ts';
import { SoftDomainSearch, type SearchStats } from './search.ts';
import { CandidateSet } from './seen.ts';
import { loadModel, type LoadedModel } from './session.ts';

export { DEFAULT_MODEL_PATH } from './session.ts';
export { ModelContractError } from './contract.ts';
export { REPAIR_PARAMS } from './repair.ts';

export interface SamplerOptions {
  /** ONNX model file meeting the contract; default models/default.onnx. */
  modelPath?: string;
  /** PRNG seed, an integer 0..2^32-1; default 1. */
  seed?: number;
  /** Sampling temperature > 0: logits are divided by it; default 1. */
  temperature?: number;
  /** onnxruntime intra-op threads, an integer >= 1; default 1. */
  threads?: number;
  /** Host-side repair steps per proposal (repair.ts), an integer >= 0; default REPAIR_PARAMS.steps; 0: no repair. */
  repairSteps?: number;
  /**
   * Feed a model's feedback inputs (state, *_violated, found) what the device reported; false
   * feeds them zeros, as before any report (for ablations). Default true.
   */
  modelFeedback?: boolean;
}

export interface SamplerStats extends SearchStats, RepairStats {
  /** Candidates returned by nextBatch. */
  proposed: number;
  /** Draws that repeated an earlier candidate and were redrawn or dropped. */
  duplicateDraws: number;
  /** Model runs and their total wall time. */
  inferences: number;
  inferenceMs: number;
}

/** Redraws of one slot at doubled temperature before nextBatch gives up on it. */
export const MAX_REDRAWS = 8;

function checkOptions(o: SamplerOptions): Required<Omit<SamplerOptions, 'modelPath'>> {
  const modelFeedback = o.modelFeedback ?? true;
  const seed = o.seed ?? 1;
  const temperature = o.temperature ?? 1;
  const threads = o.threads ?? 1;
  const repairSteps = o.repairSteps ?? REPAIR_PARAMS.steps;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`sampler seed must be an integer 0..4294967295, got ${seed}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`sampler temperature must be a finite number > 0, got ${temperature}`);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`sampler threads must be an integer >= 1, got ${threads}`);
  if (!Number.isInteger(repairSteps) || repairSteps < 0) throw new RangeError(`sampler repairSteps must be an integer >= 0, got ${repairSteps}`);
  if (typeof modelFeedback !== 'boolean') throw new RangeError(`sampler modelFeedback must be a boolean, got ${String(modelFeedback)}`);
  return { seed, temperature, threads, repairSteps, modelFeedback };
}

export class Sampler {
  private readonly rng: Prng;
  private readonly seen = new CandidateSet();
  private readonly search: SoftDomainSearch;
  private readonly repairer: Repairer;
  private readonly counters = { proposed: 0, duplicateDraws: 0, inferences: 0, inferenceMs: 0 };
  /** Tensors of the inputs fixed for the job, built once (int64 conversion is not free). */
  private fixedTensors: Record<string, Tensor> | null = null;
  /** modelInputs() includes the feedback inputs even for a model without them (training data). */
  recordFeedback = false;
  /** Solutions seen in feedback, and per cell how many take that value (the `found` input). */
  private foundSolutions = 0;
  private readonly foundCounts: Float32Array;

  private constructor(
    private readonly graph: FactorGraph,
    private readonly loaded: LoadedModel,
    program: Program,
    private readonly temperature: number,
    seed: number,
    private readonly repairSteps: number,
    private readonly modelFeedback: boolean,
  ) {
    this.rng = new Prng(seed);
    this.foundCounts = new Float32Array(graph.numVars * graph.numValues);
    const index = indexFactors(graph);
    this.search = new SoftDomainSearch(graph, program, index);
    this.repairer = new Repairer(graph, index);
  }

  static async create(model: Model, program: Program, options: SamplerOptions = {}): Promise<Sampler> {
    const { seed, temperature, threads, repairSteps, modelFeedback } = checkOptions(options);
    if (program.numVars !== model.variables.length) {
      throw new RangeError(`sampler: program has ${program.numVars} variables, model ${model.variables.length}`);
    }
    const graph = buildFactorGraph(model);
    const loaded = await loadModel(options.modelPath, threads);
    return new Sampler(graph, loaded, program, temperature, seed, repairSteps, modelFeedback);
  }

  /** The inputs the next model run gets (soft domains, weights, feedback), as plain arrays. */
  modelInputs(): FeedArrays {
    return this.feeds();
  }

  /** The model's inputs for the current soft domains and weights. */
  private feeds(): FeedArrays {
    const g = this.graph;
    const w = this.search.factorWeights();
    const feedback = this.loaded.groups.has('feedback') || this.recordFeedback ? this.feedbackFeeds() : {};
    return {
      ...feedback,
      numVars: g.numVars, numValues: g.numValues,
      domain_mask: g.mask, soft_domains: this.search.softDomains(),
      pair_src: g.pairSrc, pair_dst: g.pairDst, pair_kind: g.pairKind, pair_shift: g.pairShift, pair_flip: g.pairFlip, pair_weight: w.pair,
      lit_clause: g.litClause, lit_var: g.litVar, lit_mask: g.litMask, clause_weight: w.clause,
      term_con: g.termCon, term_var: g.termVar, term_coef: g.termCoef,
      linear_lo: Float32Array.from(g.linearLo), linear_hi: Float32Array.from(g.linearHi), linear_weight: w.linear,
    };
  }

  /** The feedback inputs (contract version 2): zeros before any report or with modelFeedback off. */
  private feedbackFeeds(): Pick<FeedArrays, 'state' | 'pair_violated' | 'clause_violated' | 'linear_violated' | 'found'> {
    const g = this.graph;
    const { numVars: V, numValues: D } = g;
    const out = {
      state: new Float32Array(V * D), pair_violated: new Float32Array(g.pairSrc.length),
      clause_violated: new Float32Array(g.clauseCon.length), linear_violated: new Float32Array(g.linearCon.length),
      found: new Float32Array(V * D),
    };
    if (!this.modelFeedback) return out;
    const elite = this.search.eliteReport();
    if (elite) {
      for (let x = 0; x < V; x++) out.state[x * D + elite.state[x]] = 1;
      for (const e of elite.pairs) out.pair_violated[e] = 1;
      for (const k of elite.clauses) out.clause_violated[k] = 1;
      for (const k of elite.linears) out.linear_violated[k] = 1;
    }
    if (this.foundSolutions > 0) for (let i = 0; i < V * D; i++) out.found[i] = this.foundCounts[i] / this.foundSolutions;
    return out;
  }

  /** Runs the model: logits [vars * values] for the current soft domains. */
  async logits(): Promise<Float32Array> {
    const start = performance.now();
    const feeds = this.feeds();
    this.fixedTensors ??= toTensors(feeds, this.loaded.inputs, (name) => !VARYING_INPUTS.has(name));
    const varying = toTensors(feeds, this.loaded.inputs, (name) => VARYING_INPUTS.has(name));
    const out = await this.loaded.session.run({ ...this.fixedTensors, ...varying });
    this.counters.inferences++;
    this.counters.inferenceMs += performance.now() - start;
    const t = out[MODEL_OUTPUT.name];
    const { numVars: V, numValues: D } = this.graph;
    if (t.type !== 'float32' || t.dims.length !== 2 || t.dims[0] !== V || t.dims[1] !== D) {
      throw new ModelContractError(this.loaded.path, `output '${MODEL_OUTPUT.name}' is ${t.type} [${t.dims.join(', ')}], expected float32 [${V}, ${D}]`);
    }
    return t.data as Float32Array;
  }

  /** Per variable, per value probabilities the next batch draws from: softmax(logits / T) over the mask. */
  async probabilities(): Promise<Float64Array> {
    const { numVars: V, numValues: D, mask } = this.graph;
    const p = raceWeights(await this.logits(), mask, V, D, this.temperature);
    for (let x = 0; x < V; x++) {
      let sum = 0;
      for (let a = 0; a < D; a++) sum += p[x * D + a];
      if (sum === 0) { // no finite allowed logit: drawn uniformly from the mask (gumbel.ts)
        for (let a = 0; a < D; a++) sum += (p[x * D + a] = mask[x * D + a]);
      }
      for (let a = 0; a < D; a++) p[x * D + a] /= sum;
    }
    return p;
  }

  async nextBatch(n: number): Promise<number[][]> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`nextBatch: n must be an integer >= 0, got ${n}`);
    if (n === 0) return [];
    const logits = await this.logits();
    const { numVars: V, numValues: D, mask } = this.graph;
    // Race weights per redraw level (temperature T * 2^level), computed when first needed.
    const levels: Float64Array[] = [];
    const weightsAt = (level: number): Float64Array =>
      (levels[level] ??= raceWeights(logits, mask, V, D, this.temperature * 2 ** level));
    const repair = this.repairSteps > 0 && this.repairer.active;
    const weights = this.search.weights();
    const isNew = (c: ArrayLike<number>): boolean => !this.seen.has(c);
    const batch: number[][] = [];
    for (let slot = 0; slot < n; slot++) {
      for (let level = 0; level <= MAX_REDRAWS; level++) {
        const draw = drawCandidate(weightsAt(level), mask, V, D, this.rng);
        const c = repair ? this.repairer.repair(draw, this.repairSteps, weights, weightsAt(0), this.rng, isNew) : draw;
        if (this.seen.add(c)) { batch.push(c); break; }
        this.counters.duplicateDraws++;
      }
    }
    this.counters.proposed += batch.length;
    return batch;
  }

  async feedback(candidates: readonly (readonly number[])[], verdicts: readonly CheckResult[]): Promise<void> {
    this.search.observe(candidates, verdicts);
    const D = this.graph.numValues;
    verdicts.forEach((v, i) => {
      if (v.count !== 0) return;
      this.foundSolutions++;
      candidates[i].forEach((a, x) => { this.foundCounts[x * D + a]++; });
    });
  }

  stats(): SamplerStats {
    return { ...this.counters, ...this.search.stats, ...this.repairer.stats };
  }
}
