// Sampler quality and speed with the reference checker as the validator (no device):
// model-guided sampling with feedback against uniform sampling from the domains, on 8-queens,
// 16-queens, a 9x9 sudoku with 30 givens, uf50-218 and the 3-colourable flat50-3 graph, then on
// harder ones with a smaller budget: 64-queens, uf250-1065 and the 3-colourable flat100-3 graph.
//   npx tsx bench/sampler.ts [--seeds N] [--batch B] [--budget N] [--uniform-budget N] [--hard-budget N]
//
// The guided sampler includes its host-side repair (src/sampler/repair.ts: bounded min-conflicts
// steps on the factor graph from each Gumbel-max draw); the uniform baseline draws each variable
// uniformly from its domain, with no search and no repair.
//
// Per instance and method, over seeds 1..N: valid candidates among the first 10,000 drawn
// (mean), candidates drawn until the first valid one (median; "> budget" when none was found),
// and candidates per second of the sampler alone (drawing and feedback, not checking). Then the
// time of one 256-candidate batch on uf250-1065.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { Sampler } from '../src/sampler/index.ts';
import { Prng } from '../src/model/prng.ts';
import { queensModel } from './gen/queens.ts';
import { sudokuModel } from './gen/sudoku.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '64' },
    budget: { type: 'string', default: '100000' },
    'uniform-budget': { type: 'string', default: '200000' },
    'hard-budget': { type: 'string', default: '20000' },
  },
});
const seeds = Number(values.seeds);
const batchSize = Number(values.batch);
const budget = Number(values.budget);
const uniformBudget = Number(values['uniform-budget']);
const hardBudget = Number(values['hard-budget']);
for (const [name, v] of Object.entries({ seeds, batch: batchSize, budget, 'uniform-budget': uniformBudget, 'hard-budget': hardBudget })) {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer`);
}

const WINDOW = 10_000;
const fixture = (name: string): string => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

/** A sudoku keeping `givens` cells of a solved grid, the cells chosen by a seeded shuffle. */
function sudokuWithGivens(givens: number, seed: number): Model {
  const solved = JSON.parse(fixture('sudoku-easy.solution.json')) as Record<string, number>;
  const keep = new Set(new Prng(seed).shuffle(Array.from({ length: 81 }, (_, i) => i)).slice(0, givens));
  const grid = Array.from({ length: 81 }, (_, i) => (keep.has(i) ? String(solved[`cell[${i}]`]) : '.')).join('');
  return sudokuModel(grid, `sudoku, ${givens} givens`);
}

/** [name, model, hard]: a hard instance runs with --hard-budget for both methods. */
const instances: [string, Model, boolean][] = [
  ['8-queens', queensModel(8), false],
  ['16-queens', queensModel(16), false],
  ['sudoku 9x9, 30 givens', sudokuWithGivens(30, 1), false],
  ['uf50-218', parseProblem(fixture('uf50-218.cnf'), { format: 'cnf' }), false],
  ['flat50-3 (3-col, 50 v)', parseProblem(fixture('flat50-3.col'), { format: 'col', colors: 3 }), false],
  ['64-queens', queensModel(64), true],
  ['uf250-1065', parseProblem(fixture('uf250-1065.cnf'), { format: 'cnf' }), true],
  ['flat100-3 (3-col, 100 v)', parseProblem(fixture('flat100-3.col'), { format: 'col', colors: 3 }), true],
];

interface Run {
  /** Candidates drawn until the first valid one, or -1 within the budget. */
  first: number;
  /** Valid among the first WINDOW drawn. */
  validInWindow: number;
  drawn: number;
  samplerMs: number;
}

/** Draws batches from `draw`, checks each candidate, until the first valid one and WINDOW drawn, or the budget. */
async function measure(model: Model, limit: number, draw: (n: number) => Promise<number[][]>, learn: (c: number[][], v: ReturnType<typeof checkModel>[]) => Promise<void>): Promise<Run> {
  const run: Run = { first: -1, validInWindow: 0, drawn: 0, samplerMs: 0 };
  while (run.drawn < limit && (run.first < 0 || run.drawn < WINDOW)) {
    let t = performance.now();
    const batch = await draw(Math.min(batchSize, limit - run.drawn));
    run.samplerMs += performance.now() - t;
    if (batch.length === 0) break;
    const verdicts = batch.map((c) => checkModel(model, c));
    verdicts.forEach((v, i) => {
      if (!v.ok) return;
      if (run.first < 0) run.first = run.drawn + i + 1;
      if (run.drawn + i < WINDOW) run.validInWindow++;
    });
    t = performance.now();
    await learn(batch, verdicts);
    run.samplerMs += performance.now() - t;
    run.drawn += batch.length;
  }
  return run;
}

async function guided(model: Model, seed: number, limit: number): Promise<Run> {
  const s = await Sampler.create(model, compile(model), { seed });
  return measure(model, limit, (n) => s.nextBatch(n), (c, v) => s.feedback(c, v));
}

function uniform(model: Model, seed: number, limit: number): Promise<Run> {
  // A stream apart from the generators' seeds: the planted uf50-218 fixture's solution is the
  // first 50 bits of Prng(1), which a uniform sampler seeded 1 would draw first.
  const rng = new Prng((seed ^ 0x5eed5eed) >>> 0);
  const choices = model.variables.map((v) => v.allowed.flatMap((ok, a) => (ok ? [a] : [])));
  const draw = async (n: number): Promise<number[][]> =>
    Array.from({ length: n }, () => choices.map((c) => c[rng.int(c.length)]));
  return measure(model, limit, draw, async () => {});
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

interface Summary { first: number; bounded: boolean; valid: number; rate: number }

function summarize(runs: Run[], limit: number): Summary {
  // A run without a valid candidate counts as "more than the limit" in the median.
  const firsts = runs.map((r) => (r.first < 0 ? Infinity : r.first));
  const first = median(firsts);
  const drawn = runs.reduce((a, r) => a + r.drawn, 0);
  const ms = runs.reduce((a, r) => a + r.samplerMs, 0);
  return {
    first: Number.isFinite(first) ? first : limit,
    bounded: !Number.isFinite(first),
    valid: runs.reduce((a, r) => a + r.validInWindow, 0) / runs.length,
    rate: (1000 * drawn) / ms,
  };
}

const fmtFirst = (s: Summary): string => (s.bounded ? `> ${s.first}` : String(s.first));
const pad = (s: string, n: number): string => s.padStart(n);

process.stdout.write(`sampler bench: ${seeds} seed(s), batches of ${batchSize}, guided budget ${budget}, uniform budget ${uniformBudget}, ` +
  `hard instances ${hardBudget} each\n`);
process.stdout.write('guided = ONNX soft domains + Gumbel-max draws + host-side repair (bounded min-conflicts steps) + feedback; ' +
  'uniform = uniform draws from the domains, no search\n\n');
const head = ['instance'.padEnd(24), pad('method', 8), pad('valid/10k', 10), pad('to 1st valid', 13), pad('cand/s', 9), pad('1st-valid gain', 15)];
process.stdout.write(`${head.join(' | ')}\n${head.map((h) => '-'.repeat(h.length)).join('-|-')}\n`);
let wins = 0;
for (const [name, model, hard] of instances) {
  const guidedRuns: Run[] = [];
  const uniformRuns: Run[] = [];
  const [gLimit, uLimit] = hard ? [hardBudget, hardBudget] : [budget, uniformBudget];
  for (let seed = 1; seed <= seeds; seed++) { // one at a time, so that timings do not interleave
    guidedRuns.push(await guided(model, seed, gLimit));
    uniformRuns.push(await uniform(model, seed, uLimit));
  }
  const g = summarize(guidedRuns, gLimit);
  const u = summarize(uniformRuns, uLimit);
  // The gain is a lower bound when uniform found nothing, and unknown when guided found nothing.
  const gain = g.bounded ? 'n/a' : `${u.bounded ? '> ' : ''}${(u.first / g.first).toFixed(0)}x`;
  if (!g.bounded && u.first / g.first >= 10) wins++;
  for (const [method, s] of [['guided', g], ['uniform', u]] as const) {
    const row = [(method === 'guided' ? name : '').padEnd(24).slice(0, 24), pad(method, 8), pad(s.valid.toFixed(1), 10), pad(fmtFirst(s), 13),
      pad(s.rate.toFixed(0), 9), pad(method === 'guided' ? gain : '', 15)];
    process.stdout.write(`${row.join(' | ')}\n`);
  }
}
process.stdout.write(`\nguided beats uniform by 10x or more in candidates to the first valid one on ${wins} of ${instances.length} instances\n`);

// One 256-candidate batch on uf250-1065: model run alone, and the whole nextBatch (run + draws).
const uf250 = parseProblem(fixture('uf250-1065.cnf'), { format: 'cnf' });
const s = await Sampler.create(uf250, compile(uf250), { seed: 1 });
const runMs: number[] = [];
const batchMs: number[] = [];
for (let i = 0; i < 12; i++) {
  const before = s.stats().inferenceMs;
  const t = performance.now();
  const batch = await s.nextBatch(256);
  batchMs.push(performance.now() - t);
  runMs.push(s.stats().inferenceMs - before);
  await s.feedback(batch, batch.map((c) => checkModel(uf250, c)));
}
process.stdout.write(`\nuf250-1065, batch of 256 (median of 12, 1 thread): model run ${median(runMs).toFixed(2)} ms, ` +
  `nextBatch ${median(batchMs).toFixed(2)} ms\n`);
