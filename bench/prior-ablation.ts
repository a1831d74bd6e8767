// Prior ablation (issue 17): the device's search algorithm (its software reference,
// src/model/search-reference.ts, flip for flip) started from a uniform prior and from the prior of
// each ONNX model given, on fresh instances of the five training families (models/train/
// families.ts, seeds never trained on) and on the satisfiable files of ../shared/instances/;
// then validate mode (bench/prior-validate.ts: the host proposes, the checker stands in for the
// device's validator) with host repair off and on, on fresh instances of the families.
//
//   npx tsx bench/prior-ablation.ts [--models default=models/default.onnx,trained=models/trained.onnx]
//       [--per-size 3] [--seeds 3] [--max-flips 300000] [--solutions 3] [--families sat3,...] [--no-public]
//       [--no-device] [--no-validate] [--validate-per-size 3] [--validate-seeds 2] [--max-candidates 2048]
//       [--out bench/results/prior-ablation.json]
//
// The prior is what the worker sends first in search mode: the sampler's probabilities() (the
// model run once on empty soft domains), quantised by quantisePrior. Every run uses the search
// defaults (noise256 115, a restart every 1,000,000 flips) and stops at the first solution or
// --max-flips. Per row and prior: median flips to the first solution (unsolved runs count as
// infinite), the geometric mean with unsolved runs counted as --max-flips (a lower bound), and
// the share of runs solved; and, continuing the run (a fresh restart after each solution, as
// the device does) until --solutions distinct solutions or --max-flips in all, the distinct
// solutions per million flips (all found over all flips spent; the device's time is its flips
// times its cycles per flip, hdl/README.md).
//
// Validate mode, per family (VALIDATE_SIZES), prior and repair off/on: candidates to the
// first solution (geometric mean, unsolved counted as --max-candidates), share solved, and the
// host's solutions per second (all found over all wall time; runs until --solutions or
// --max-candidates). A model with feedback inputs
// (contract version 2) is run twice: fed what the verdicts report, and with those inputs zeroed
// ("-zeroed"), which measures what the feedback inputs add. Raw per-run figures go to --out; the
// tables go to stdout and beside --out as .md.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { SearchReference } from '../src/model/search-reference.ts';
import { compileSearchTables, quantisePrior, uniformPrior } from '../src/model/search-tables.ts';
import type { Model, ProblemFormat } from '../src/model/types.ts';
import { Sampler } from '../src/sampler/index.ts';
import { loadModel } from '../src/sampler/session.ts';
import { SEARCH_DEFAULTS } from '../src/solve/search-options.ts';
import { FAMILIES, isFamily, makeInstance, type Family } from '../models/train/families.ts';
import { REPAIR_PARAMS } from '../src/sampler/repair.ts';
import { validateRun, writeUniformModel, type ValidateConfig, type ValidateRun } from './prior-validate.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'default=models/default.onnx,trained=models/trained.onnx' },
    'per-size': { type: 'string', default: '3' },
    seeds: { type: 'string', default: '3' },
    'max-flips': { type: 'string', default: '300000' },
    solutions: { type: 'string', default: '3' },
    'no-device': { type: 'boolean', default: false },
    'no-validate': { type: 'boolean', default: false },
    'validate-per-size': { type: 'string', default: '3' },
    'validate-seeds': { type: 'string', default: '2' },
    'max-candidates': { type: 'string', default: '2048' },
    families: { type: 'string' },
    'no-public': { type: 'boolean', default: false },
    dir: { type: 'string', default: '/work/shared/instances' },
    out: { type: 'string', default: 'bench/results/prior-ablation.json' },
  },
});
const perSize = Number(values['per-size']);
const seeds = Number(values.seeds);
const maxFlips = Number(values['max-flips']);
const wanted = Number(values.solutions);
const validatePerSize = Number(values['validate-per-size']);
const validateSeeds = Number(values['validate-seeds']);
const maxCandidates = Number(values['max-candidates']);
for (const [name, v] of Object.entries({ 'per-size': perSize, seeds, 'max-flips': maxFlips, solutions: wanted,
  'validate-per-size': validatePerSize, 'validate-seeds': validateSeeds, 'max-candidates': maxCandidates })) {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer`);
}
const models = values.models.split(',').map((kv) => {
  const [name, path] = kv.split('=');
  if (!name || !path) throw new RangeError(`--models: expected NAME=PATH, got '${kv}'`);
  if (!existsSync(path)) throw new RangeError(`--models: ${path} does not exist`);
  return { name, path };
});
const families = (values.families?.split(',') ?? [...FAMILIES]).map((f) => {
  if (!isFamily(f)) throw new RangeError(`--families: unknown family '${f}' (known: ${FAMILIES.join(', ')})`);
  return f;
});

/** Ablation sizes: the training sizes' range and beyond it (sat3 200, col 150/200, 40-queens). */
const ABLATION_SIZES: Record<Family, number[]> = {
  sat3: [100, 200], col3: [100, 200], col4: [80, 150], queens: [16, 40], sudoku: [24, 30],
};
/** Validate-mode sizes: the harder ablation size per family (host repair solves the easier ones in a candidate or two). */
const VALIDATE_SIZES: Record<Family, number> = { sat3: 200, col3: 200, col4: 150, queens: 40, sudoku: 24 };
/** Seeds of ablation instances: far from the training seeds (models/train/dump.ts). */
const SEED_BASE = 1_000_000;
/** [file, colours for .col]: the satisfiable public instances of MANIFEST.md. */
const PUBLIC: [string, number?][] = [
  ['sat-uniform/uf50-01.cnf'], ['sat-uniform/uf75-01.cnf'], ['sat-uniform/uf100-01.cnf'], ['sat-uniform/uf125-01.cnf'],
  ['sat-uniform/uf175-01.cnf'], ['sat-flat/flat50-1000.cnf'], ['sat-flat/flat100-1.cnf'],
  ['sat-structured/par8-1-c.cnf'], ['sat-structured/anomaly.cnf'], ['sat-structured/medium.cnf'],
  ['col/myciel4.col', 5], ['col/myciel5.col', 6], ['col/queen5_5.col', 5], ['col/queen6_6.col', 7], ['col/huck.col', 11],
  ['col/jean.col', 10], ['col/le450_5a.col', 5],
  ['sudoku/hardest-01.json'], ['sudoku/hardest-02.json'], ['sudoku/top95-01.json'], ['sudoku/top95-02.json'],
];

/** Per prior and seed: flips to the first solution (Infinity: none), distinct solutions found and flips spent in all. */
interface Row { group: string; name: string; vars: number; runs: Record<string, number[]>; found: Record<string, number[]>; spent: Record<string, number[]> }

const fmt = (n: number): string => (!Number.isFinite(n) ? 'unsolved' : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n)));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const geo = (xs: number[]): number => Math.exp(xs.reduce((a, f) => a + Math.log(1 + Math.min(f, maxFlips)), 0) / xs.length) - 1;
const solvedShare = (xs: number[]): string => `${xs.filter(Number.isFinite).length}/${xs.length}`;

async function priors(model: Model): Promise<Record<string, Uint8Array>> {
  const t = compileSearchTables(model);
  const out: Record<string, Uint8Array> = { uniform: uniformPrior(t, model) };
  const program = compile(model);
  for (const m of models) {
    const sampler = await Sampler.create(model, program, { modelPath: m.path, seed: 1 });
    out[m.name] = quantisePrior(t, await sampler.probabilities(), model);
  }
  return out;
}

async function measure(group: string, name: string, model: Model): Promise<Row> {
  const t = compileSearchTables(model);
  const runs: Record<string, number[]> = {};
  const solutions: Record<string, number[]> = {};
  const flipsSpent: Record<string, number[]> = {};
  for (const [method, prior] of Object.entries(await priors(model))) {
    runs[method] = [];
    solutions[method] = [];
    flipsSpent[method] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const search = new SearchReference(t, prior, { seed, noise256: SEARCH_DEFAULTS.noise256, flipBudget: SEARCH_DEFAULTS.flipsPerRestart });
      const found = new Set<string>();
      let spent = 0;
      let first = Infinity;
      // Bounded also in runs: a prior that pins one state finds it again in 0 flips each restart.
      for (let attempt = 0; attempt < 10 * wanted && found.size < wanted && spent < maxFlips; attempt++) {
        const r = search.run(maxFlips - spent);
        spent += r.flips;
        if (!r.solved) break;
        if (!checkModel(model, Array.from(r.val!)).ok) throw new Error(`${name}: a solution fails the model checker`);
        if (found.size === 0) first = spent;
        found.add(String(r.val));
      }
      runs[method].push(first);
      solutions[method].push(found.size);
      flipsSpent[method].push(spent);
    }
  }
  return { group, name, vars: model.variables.length, runs, found: solutions, spent: flipsSpent };
}

const rows: Row[] = [];
const methods = ['uniform', ...models.map((m) => m.name)];
const lines: string[] = [];
const print = (s: string): void => { lines.push(s); console.log(s); };
/** Distinct solutions per million flips over the rows' runs of prior m: all found over all flips spent. */
const perMillionCell = (rs: Row[], m: string): string => {
  const found = rs.flatMap((r) => r.found[m]!).reduce((a, b) => a + b, 0);
  const spent = rs.flatMap((r) => r.spent[m]!).reduce((a, b) => a + b, 0);
  return fmt((found / Math.max(1, spent)) * 1e6);
};

const groups: { group: string; rows: Row[] }[] = [];
if (!values['no-device']) {
  const header = ['row', 'vars', ...methods.flatMap((m) => [`${m} median`, `${m} geo`, `${m} solved`, `${m} sol/1M flips`])];
  print('Device search (software reference), from the first prior:');
  print('');
  print(`| ${header.join(' | ')} |`);
  print(`|${header.map(() => '---').join('|')}|`);
  const printRow = (label: string, vars: string, sized: Row[]): void => {
    const cells = methods.flatMap((m) => {
      const runs = sized.flatMap((r) => r.runs[m]!);
      return [fmt(median(runs)), fmt(geo(runs)), solvedShare(runs), perMillionCell(sized, m)];
    });
    print(`| ${[label, vars, ...cells].join(' | ')} |`);
  };
  for (const family of families) {
    const fam: Row[] = [];
    for (const size of ABLATION_SIZES[family]) {
      const sized: Row[] = [];
      for (let k = 0; k < perSize; k++) sized.push(await measure(family, `${family}-${size}-s${SEED_BASE + k}`, makeInstance(family, size, SEED_BASE + k).model));
      printRow(`${family} n=${size} (${perSize} instances)`, String(sized[0]!.vars), sized);
      fam.push(...sized);
    }
    groups.push({ group: family, rows: fam });
    rows.push(...fam);
  }
  if (!values['no-public']) {
    const pub: Row[] = [];
    for (const [file, colors] of PUBLIC) {
      const path = `${values.dir}/${file}`;
      if (!existsSync(path)) { print(`| ${file} | missing |`); continue; }
      const model = parseProblem(readFileSync(path, 'utf8'), { format: file.split('.').pop() as ProblemFormat, colors, name: file });
      const r = await measure('public', file, model);
      printRow(file.replace(/^.*\//, '') + (colors ? ` k=${colors}` : ''), String(r.vars), [r]);
      pub.push(r);
    }
    groups.push({ group: 'public', rows: pub });
    rows.push(...pub);
  }

  print('');
  print(`| group | ${methods.map((m) => `${m} geo flips (solved)`).join(' | ')} | ${methods.map((m) => `${m} sol/1M flips`).join(' | ')} | ${models.map((m) => `uniform / ${m.name}`).join(' | ')}${models.length > 1 ? ` | ${models[0]!.name} / ${models[1]!.name}` : ''} |`);
  print(`|---|${methods.map(() => '---|---').join('|')}|${models.map(() => '---').join('|')}${models.length > 1 ? '|---' : ''}|`);
  for (const g of groups) {
    const all = Object.fromEntries(methods.map((m) => [m, g.rows.flatMap((r) => r.runs[m]!)]));
    const gm = Object.fromEntries(methods.map((m) => [m, geo(all[m]!)]));
    const ratios = models.map((m) => (gm.uniform! / gm[m.name]!).toFixed(2));
    if (models.length > 1) ratios.push((gm[models[0]!.name]! / gm[models[1]!.name]!).toFixed(2));
    const rates = methods.map((m) => perMillionCell(g.rows, m));
    print(`| ${g.group} | ${methods.map((m) => `${fmt(gm[m]!)} (${solvedShare(all[m]!)})`).join(' | ')} | ${rates.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  print('');
  print(`geo: geometric mean of flips to the first solution over instances x seeds, unsolved runs counted as ${fmt(maxFlips)}; ratios > 1: the second prior needs fewer flips. sol/1M flips: distinct solutions per million flips over the runs (all found / all flips), each run searching on (a restart after each solution) until ${wanted} solutions or ${fmt(maxFlips)} flips.`);
}

// --- validate mode: host repair off and on ------------------------------------------------------
interface ValidateRow { family: Family; name: string; config: string; seed: number; run: ValidateRun }
const validateRows: ValidateRow[] = [];
if (!values['no-validate']) {
  const dir = mkdtempSync(join(tmpdir(), 'prior-ablation-'));
  const priorsToRun: { name: string; path: string; feedback: boolean }[] = [{ name: 'uniform', path: writeUniformModel(join(dir, 'uniform.onnx')), feedback: false }];
  for (const m of models) {
    const feedback = (await loadModel(m.path)).groups.has('feedback');
    priorsToRun.push({ name: m.name, path: m.path, feedback });
    if (feedback) priorsToRun.push({ name: `${m.name}-zeroed`, path: m.path, feedback: false });
  }
  const configs: { name: string; cfg: ValidateConfig }[] = priorsToRun.flatMap((p) => [0, REPAIR_PARAMS.steps].map((repairSteps) => ({
    name: `${p.name} repair ${repairSteps > 0 ? 'on' : 'off'}`, cfg: { modelPath: p.path, repairSteps, modelFeedback: p.feedback },
  })));
  const vgeo = (xs: (number | null)[]): number => Math.exp(xs.reduce((a: number, f) => a + Math.log(1 + (f ?? maxCandidates)), 0) / xs.length) - 1;
  print('');
  print(`Validate mode (host proposes ${maxCandidates} candidates at most, batches of 64; the checker as the device's validator):`);
  print('');
  print(`| family | ${configs.map((c) => c.name).join(' | ')} |`);
  print(`|---|${configs.map(() => '---').join('|')}|`);
  for (const family of families) {
    const size = VALIDATE_SIZES[family];
    const fam: ValidateRow[] = [];
    for (let k = 0; k < validatePerSize; k++) {
      const inst = makeInstance(family, size, SEED_BASE + k);
      const program = compile(inst.model);
      for (const c of configs) {
        for (let seed = 1; seed <= validateSeeds; seed++) {
          fam.push({ family, name: inst.name, config: c.name, seed, run: await validateRun(inst.model, program, c.cfg, seed, { maxCandidates, solutions: wanted }) });
        }
      }
    }
    const cells = configs.map((c) => {
      const rs = fam.filter((r) => r.config === c.name).map((r) => r.run);
      const solved = rs.filter((r) => r.toFirst !== null).length;
      const perSecond = rs.reduce((a, r) => a + r.solutions, 0) / (rs.reduce((a, r) => a + r.ms, 0) / 1000);
      return `${fmt(vgeo(rs.map((r) => r.toFirst)))} (${solved}/${rs.length}), ${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s`;
    });
    print(`| ${family} n=${size} | ${cells.join(' | ')} |`);
    validateRows.push(...fam);
  }
  print('');
  print(`Each cell: geometric mean of candidates to the first solution over ${validatePerSize} instances x ${validateSeeds} seeds (unsolved counted as ${maxCandidates}), (runs solved), host solutions per second over the runs (all solutions / all wall time), each run until ${wanted} solutions or ${maxCandidates} candidates. "-zeroed": the same model with its feedback inputs fed zeros (modelFeedback false).`);
  rmSync(dir, { recursive: true, force: true });
}

writeFileSync(values.out, `${JSON.stringify({
  command: `npx tsx bench/prior-ablation.ts ${process.argv.slice(2).join(' ')}`.trim(),
  maxFlips, seeds, perSize, solutions: wanted, noise256: SEARCH_DEFAULTS.noise256, flipBudget: SEARCH_DEFAULTS.flipsPerRestart, models,
  rows: rows.map((r) => ({ ...r, runs: Object.fromEntries(Object.entries(r.runs).map(([k, v]) => [k, v.map((f) => (Number.isFinite(f) ? f : null))])) })),
  validate: { maxCandidates, perSize: validatePerSize, seeds: validateSeeds, repairSteps: REPAIR_PARAMS.steps, runs: validateRows },
}, null, 1)}\n`);
writeFileSync(values.out.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
