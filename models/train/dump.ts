// Writes a training set for models/train/train.py: one JSON line per instance of the five
// families (families.ts), holding the model's contract inputs as the worker's first model run
// sees them (soft domains 0, factor weights at their start, as Sampler.probabilities() feeds
// them) and the labels: a solution in index space and its images under the problem's symmetries.
//
//   npx tsx models/train/dump.ts OUT.jsonl [--per-size N] [--seed-base S] [--families sat3,col3,...] [--states K] [--state-repair N]
//
// With --states K, each instance also gives up to K lines of *reported states*: the model inputs
// (soft domains, factor weights and the feedback inputs of contract version 2) as the sampler
// holds them in validate mode, every STATE_EVERY batches of a run with the default model, host
// repair off (or --state-repair steps per candidate) and the model checker as the validator, while it has an elite (kind 'state'; first-run
// lines are kind 'first').
//
// Seeds are seed-base + 0..N-1 per (family, size); the ablation (bench/prior-ablation.ts) uses
// seeds from 1_000_000 up, so its instances are never trained on.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkModel } from '../../src/check/model-checker.ts';
import { compile } from '../../src/model/compile.ts';
import type { Model } from '../../src/model/types.ts';
import { buildFactorGraph } from '../../src/sampler/factor-graph.ts';
import type { FeedArrays } from '../../src/sampler/feeds.ts';
import { Sampler } from '../../src/sampler/index.ts';
import { SoftDomainSearch } from '../../src/sampler/search.ts';
import { FAMILIES, isFamily, makeInstance, TRAIN_SIZES, type Family } from './families.ts';

/** The contract inputs of the first model run of a job on `model` (src/sampler/index.ts, feeds()). */
export function initialFeeds(model: Model): FeedArrays {
  const g = buildFactorGraph(model);
  const w = new SoftDomainSearch(g, compile(model)).factorWeights();
  return {
    numVars: g.numVars, numValues: g.numValues,
    domain_mask: g.mask, soft_domains: new Float32Array(g.numVars * g.numValues),
    pair_src: g.pairSrc, pair_dst: g.pairDst, pair_kind: g.pairKind, pair_shift: g.pairShift, pair_flip: g.pairFlip, pair_weight: w.pair,
    lit_clause: g.litClause, lit_var: g.litVar, lit_mask: g.litMask, clause_weight: w.clause,
    term_con: g.termCon, term_var: g.termVar, term_coef: g.termCoef,
    linear_lo: Float32Array.from(g.linearLo), linear_hi: Float32Array.from(g.linearHi), linear_weight: w.linear,
  };
}

/** Batches between two recorded states, and candidates per batch, of a --states run. */
const STATE_EVERY = 8;
const STATE_BATCH = 64;

function line(kind: 'first' | 'state', family: Family, name: string, f: FeedArrays, labels: number[][]): string {
  const arrays = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v as ArrayLike<number>)]));
  return JSON.stringify({ kind, family, name, ...arrays, labels });
}

/** One JSON line: the feeds as plain arrays, plus family, name and labels. */
export function instanceLine(family: Family, size: number, seed: number): string {
  const inst = makeInstance(family, size, seed);
  return line('first', family, inst.name, initialFeeds(inst.model), inst.labels);
}

/** Up to `count` lines of reported states from a validate-mode run (see the header). */
export async function stateLines(family: Family, size: number, seed: number, count: number, repairSteps = 0): Promise<string[]> {
  const inst = makeInstance(family, size, seed);
  const sampler = await Sampler.create(inst.model, compile(inst.model), { seed, repairSteps });
  sampler.recordFeedback = true;
  const out: string[] = [];
  for (let round = 1; out.length < count && round <= count * STATE_EVERY; round++) {
    const batch = await sampler.nextBatch(STATE_BATCH);
    if (batch.length === 0) break;
    const verdicts = batch.map((c) => checkModel(inst.model, c));
    if (verdicts.some((v) => v.ok)) break; // solved: the elite is dropped
    await sampler.feedback(batch, verdicts);
    const f = sampler.modelInputs();
    if (round % STATE_EVERY === 0 && f.state!.some((v) => v > 0)) out.push(line('state', family, inst.name, f, inst.labels));
  }
  return out;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'per-size': { type: 'string', default: '6' }, 'seed-base': { type: 'string', default: '1' }, families: { type: 'string' }, states: { type: 'string', default: '0' }, 'state-repair': { type: 'string', default: '0' } },
  });
  const out = positionals[0];
  const perSize = Number(values['per-size']);
  const seedBase = Number(values['seed-base']);
  const states = Number(values.states);
  if (!Number.isInteger(states) || states < 0) throw new RangeError(`--states must be an integer >= 0, got ${values.states}`);
  const stateRepair = Number(values['state-repair']);
  if (!Number.isInteger(stateRepair) || stateRepair < 0) throw new RangeError(`--state-repair must be an integer >= 0, got ${values['state-repair']}`);
  const families = values.families?.split(',') ?? [...FAMILIES];
  if (!out) throw new RangeError('usage: dump.ts OUT.jsonl [--per-size N] [--seed-base S] [--families LIST] [--states K]');
  if (!Number.isInteger(perSize) || perSize < 1) throw new RangeError(`--per-size must be a positive integer, got ${values['per-size']}`);
  if (!Number.isInteger(seedBase) || seedBase < 0) throw new RangeError(`--seed-base must be an integer >= 0, got ${values['seed-base']}`);
  for (const f of families) if (!isFamily(f)) throw new RangeError(`--families: unknown family '${f}' (known: ${FAMILIES.join(', ')})`);
  const stream = createWriteStream(out);
  let n = 0;
  for (const family of families as Family[]) {
    for (const size of TRAIN_SIZES[family]) {
      for (let k = 0; k < perSize; k++) {
        for (const l of [instanceLine(family, size, seedBase + k), ...(states > 0 ? await stateLines(family, size, seedBase + k, states, stateRepair) : [])]) {
          if (!stream.write(`${l}\n`)) await once(stream, 'drain');
          n++;
        }
      }
    }
  }
  stream.end();
  await once(stream, 'finish');
  process.stdout.write(`wrote ${n} lines to ${out}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`dump: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
