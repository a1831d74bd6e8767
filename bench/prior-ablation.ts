// Prior ablation (issue 17): the device's search algorithm (its software reference,
// src/model/search-reference.ts, flip for flip) started from a uniform prior and from the prior of
// each ONNX model given, on fresh instances of the five training families (models/train/
// families.ts, seeds never trained on) and on the satisfiable files of ../shared/instances/.
//
//   npx tsx bench/prior-ablation.ts [--models default=models/default.onnx,trained=models/trained.onnx]
//       [--per-size 3] [--seeds 3] [--max-flips 300000] [--families sat3,...] [--no-public]
//       [--out bench/results/prior-ablation.json]
//
// The prior is what the worker sends first in search mode: the sampler's probabilities() (the
// model run once on empty soft domains), quantised by quantisePrior. Every run uses the search
// defaults (noise256 115, a restart every 1,000,000 flips) and stops at the first solution or
// --max-flips. Per row and prior: median flips to the first solution (unsolved runs count as
// infinite), the geometric mean with unsolved runs counted as --max-flips (a lower bound), and
// the share of runs solved. Raw per-run figures go to --out; the table goes to stdout and beside
// --out as .md.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { SearchReference } from '../src/model/search-reference.ts';
import { compileSearchTables, quantisePrior, uniformPrior } from '../src/model/search-tables.ts';
import type { Model, ProblemFormat } from '../src/model/types.ts';
import { Sampler } from '../src/sampler/index.ts';
import { SEARCH_DEFAULTS } from '../src/solve/search-options.ts';
import { FAMILIES, isFamily, makeInstance, type Family } from '../models/train/families.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'default=models/default.onnx,trained=models/trained.onnx' },
    'per-size': { type: 'string', default: '3' },
    seeds: { type: 'string', default: '3' },
    'max-flips': { type: 'string', default: '300000' },
    families: { type: 'string' },
    'no-public': { type: 'boolean', default: false },
    dir: { type: 'string', default: '/work/shared/instances' },
    out: { type: 'string', default: 'bench/results/prior-ablation.json' },
  },
});
const perSize = Number(values['per-size']);
const seeds = Number(values.seeds);
const maxFlips = Number(values['max-flips']);
for (const [name, v] of Object.entries({ 'per-size': perSize, seeds, 'max-flips': maxFlips })) {
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

interface Row { group: string; name: string; vars: number; runs: Record<string, number[]> }

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
  for (const [method, prior] of Object.entries(await priors(model))) {
    runs[method] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const r = new SearchReference(t, prior, { seed, noise256: SEARCH_DEFAULTS.noise256, flipBudget: SEARCH_DEFAULTS.flipsPerRestart }).run(maxFlips);
      if (r.solved && !checkModel(model, Array.from(r.val!)).ok) throw new Error(`${name}: a solution fails the model checker`);
      runs[method].push(r.solved ? r.flips : Infinity);
    }
  }
  return { group, name, vars: model.variables.length, runs };
}

const rows: Row[] = [];
const methods = ['uniform', ...models.map((m) => m.name)];
const lines: string[] = [];
const print = (s: string): void => { lines.push(s); console.log(s); };
const header = ['row', 'vars', ...methods.flatMap((m) => [`${m} median`, `${m} geo`, `${m} solved`])];
print(`| ${header.join(' | ')} |`);
print(`|${header.map(() => '---').join('|')}|`);
const printRow = (label: string, vars: string, runs: Record<string, number[]>): void =>
  print(`| ${[label, vars, ...methods.flatMap((m) => [fmt(median(runs[m]!)), fmt(geo(runs[m]!)), solvedShare(runs[m]!)])].join(' | ')} |`);

const groups: { group: string; rows: Row[] }[] = [];
for (const family of families) {
  const fam: Row[] = [];
  for (const size of ABLATION_SIZES[family]) {
    const sized: Row[] = [];
    for (let k = 0; k < perSize; k++) sized.push(await measure(family, `${family}-${size}-s${SEED_BASE + k}`, makeInstance(family, size, SEED_BASE + k).model));
    const merged = Object.fromEntries(methods.map((m) => [m, sized.flatMap((r) => r.runs[m]!)]));
    printRow(`${family} n=${size} (${perSize} instances)`, String(sized[0]!.vars), merged);
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
    printRow(file.replace(/^.*\//, '') + (colors ? ` k=${colors}` : ''), String(r.vars), r.runs);
    pub.push(r);
  }
  groups.push({ group: 'public', rows: pub });
  rows.push(...pub);
}

print('');
print(`| group | ${methods.map((m) => `${m} geo flips (solved)`).join(' | ')} | ${models.map((m) => `uniform / ${m.name}`).join(' | ')}${models.length > 1 ? ` | ${models[0]!.name} / ${models[1]!.name}` : ''} |`);
print(`|---|${methods.map(() => '---').join('|')}|${models.map(() => '---').join('|')}${models.length > 1 ? '|---' : ''}|`);
for (const g of groups) {
  const all = Object.fromEntries(methods.map((m) => [m, g.rows.flatMap((r) => r.runs[m]!)]));
  const gm = Object.fromEntries(methods.map((m) => [m, geo(all[m]!)]));
  const ratios = models.map((m) => (gm.uniform! / gm[m.name]!).toFixed(2));
  if (models.length > 1) ratios.push((gm[models[0]!.name]! / gm[models[1]!.name]!).toFixed(2));
  print(`| ${g.group} | ${methods.map((m) => `${fmt(gm[m]!)} (${solvedShare(all[m]!)})`).join(' | ')} | ${ratios.join(' | ')} |`);
}
print('');
print(`geo: geometric mean of flips to the first solution over instances x seeds, unsolved runs counted as ${fmt(maxFlips)}; ratios > 1: the second prior needs fewer flips.`);

writeFileSync(values.out, `${JSON.stringify({
  command: `npx tsx bench/prior-ablation.ts ${process.argv.slice(2).join(' ')}`.trim(),
  maxFlips, seeds, perSize, noise256: SEARCH_DEFAULTS.noise256, flipBudget: SEARCH_DEFAULTS.flipsPerRestart, models,
  rows: rows.map((r) => ({ ...r, runs: Object.fromEntries(Object.entries(r.runs).map(([k, v]) => [k, v.map((f) => (Number.isFinite(f) ? f : null))])) })),
}, null, 1)}\n`);
writeFileSync(values.out.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
