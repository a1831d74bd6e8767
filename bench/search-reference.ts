// The device search algorithm in software (src/model/search-reference.ts) on the public instances
// of /work/shared/instances (MANIFEST.md): table sizes, flips to the first solution for several
// noise settings (median over seeds, from a uniform prior, never restarting unless --budget;
// "(s/n)" runs solved within --max-flips), and the reference's throughput: flips per second of
// one chain over --rate-flips flips at the middle noise, restarting at every solution as after a
// refusal (so restarts are included). One setting for every file: nothing is tuned per instance.
//   npx tsx bench/search-reference.ts [--noise 0.3,0.45,0.57] [--seeds 5] [--max-flips 200000]
//                                     [--budget 0] [--rows uf50,queen5_5,...] [--dir DIR]

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { parseProblem } from '../src/model/parse.ts';
import { plantedSat } from './gen/sat.ts';
import { SearchReference } from '../src/model/search-reference.ts';
import { compileSearchTables, uniformPrior } from '../src/model/search-tables.ts';
import type { ProblemFormat } from '../src/model/types.ts';

const { values } = parseArgs({
  options: {
    noise: { type: 'string', default: '0.3,0.45,0.57' },
    seeds: { type: 'string', default: '5' },
    'max-flips': { type: 'string', default: '200000' },
    budget: { type: 'string', default: '0' },
    'rate-flips': { type: 'string', default: '100000' },
    rows: { type: 'string' },
    dir: { type: 'string', default: '/work/shared/instances' },
  },
});
const noises = values.noise.split(',').map((p) => Math.round(Number(p) * 256));
const seeds = Number(values.seeds);
const maxFlips = Number(values['max-flips']);
const flipBudget = Number(values.budget);
const rateFlips = Number(values['rate-flips']);
if (noises.some((n) => !(n >= 0 && n <= 255))) throw new RangeError('--noise: probabilities in 0..0.996');
if (!(Number.isInteger(seeds) && seeds >= 1)) throw new RangeError('--seeds must be a positive integer');
if (!(Number.isInteger(maxFlips) && maxFlips >= 1)) throw new RangeError('--max-flips must be a positive integer');

/** [file under the instance directory, colours for .col] — the satisfiable instances of MANIFEST.md. */
const INSTANCES: [string, number?][] = [
  ['sat-uniform/uf20-01.cnf'], ['sat-uniform/uf50-01.cnf'], ['sat-uniform/uf75-01.cnf'], ['sat-uniform/uf100-01.cnf'],
  ['sat-uniform/uf125-01.cnf'], ['sat-uniform/uf175-01.cnf'],
  ['sat-flat/flat50-1000.cnf'], ['sat-flat/flat100-1.cnf'],
  ['sat-structured/par8-1-c.cnf'], ['sat-structured/anomaly.cnf'], ['sat-structured/medium.cnf'],
  ['sat-structured/logistics.a.cnf'], ['sat-structured/bmc-ibm-2.cnf'],
  ['col/myciel3.col', 4], ['col/myciel4.col', 5], ['col/myciel5.col', 6], ['col/myciel6.col', 7],
  ['col/queen5_5.col', 5], ['col/queen6_6.col', 7], ['col/huck.col', 11], ['col/jean.col', 10], ['col/le450_5a.col', 5],
  ['sudoku/hardest-01.json'], ['sudoku/hardest-02.json'], ['sudoku/hardest-03.json'], ['sudoku/hardest-04.json'],
  ['sudoku/hardest-05.json'], ['sudoku/top95-01.json'], ['sudoku/top95-02.json'],
];

const wanted = values.rows?.split(',');
const rows = INSTANCES.filter(([file]) => !wanted || wanted.some((w) => file.includes(w)));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
};
const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n)));

/** Flips per second of one chain over `flips` flips, every solution refused (a restart). */
function rate(t: ReturnType<typeof compileSearchTables>, prior: Uint8Array, noise256: number, flips: number): number {
  const s = new SearchReference(t, prior, { seed: 99, noise256, flipBudget });
  const start = performance.now();
  s.run(flips, () => false);
  return (s.flips / (performance.now() - start)) * 1000;
}

// Warm the JIT up first, so that the first rows are not measured on cold code.
{
  const warm = parseProblem(plantedSat(200, 850, 1).cnf, { format: 'cnf' });
  const t = compileSearchTables(warm);
  rate(t, uniformPrior(t, warm), 115, 300_000);
}

const middle = noises[noises.length >> 1]!;
const header = ['instance', 'vars', 'clauses', 'literals', ...noises.map((n) => `flips p=${(n / 256).toFixed(2)}`), `flips/s (p=${(middle / 256).toFixed(2)})`];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
const totals = noises.map(() => ({ solved: 0, runs: 0, logFlips: 0 }));
for (const [file, colors] of rows) {
  const path = `${values.dir}/${file}`;
  if (!existsSync(path)) { console.log(`| ${file} | missing |`); continue; }
  const format = file.split('.').pop() as ProblemFormat;
  const model = parseProblem(readFileSync(path, 'utf8'), { format, colors, name: file });
  const t = compileSearchTables(model);
  const prior = uniformPrior(t, model);
  const cells = [file.replace(/^.*\//, '') + (colors ? ` k=${colors}` : ''), String(t.numVars), String(t.numClauses), String(t.numLiterals)];
  noises.forEach((noise256, ni) => {
    const flips: number[] = [];
    let solved = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = new SearchReference(t, prior, { seed, noise256, flipBudget }).run(maxFlips);
      if (r.solved) {
        if (!checkModel(model, Array.from(r.val!)).ok) throw new Error(`${file}: a solution fails the model checker`);
        solved++;
      }
      flips.push(r.solved ? r.flips : Infinity);
    }
    const m = median(flips);
    totals[ni]!.solved += solved;
    totals[ni]!.runs += seeds;
    // unsolved runs count as maxFlips in the geometric mean (a lower bound on the true cost)
    totals[ni]!.logFlips += flips.reduce((a, f) => a + Math.log(1 + Math.min(f, maxFlips)), 0);
    cells.push(`${Number.isFinite(m) ? fmt(m) : `>${fmt(maxFlips)}`} (${solved}/${seeds})`);
  });
  cells.push(fmt(rate(t, prior, middle, rateFlips)));
  console.log(`| ${cells.join(' | ')} |`);
}
console.log('');
noises.forEach((n, i) => {
  const t = totals[i]!;
  console.log(`noise ${n}/256 (p=${(n / 256).toFixed(2)}): solved ${t.solved}/${t.runs}, geometric mean flips ${fmt(Math.exp(t.logFlips / t.runs) - 1)} (unsolved counted as ${fmt(maxFlips)})`);
});
