// Parse and compile times for typical and large problems: the first (cold) run, as a one-shot
// `hilsolve compile` sees it, and the median of the following runs.
//   npx tsx bench/parse-compile.ts [RUNS]

import { performance } from 'node:perf_hooks';

import { compile } from '../src/model/compile.ts';
import { parseProblem, type ParseOptions } from '../src/model/parse.ts';
import { plantedColoring } from './gen/coloring.ts';
import { queensProblem } from './gen/queens.ts';
import { plantedSat } from './gen/sat.ts';

const runs = Number(process.argv[2] ?? 9);

interface Case {
  name: string;
  text: string;
  options: ParseOptions;
}

const cases: Case[] = [
  { name: 'uf250-1065 CNF', text: plantedSat(250, 1065, 1).cnf, options: { format: 'cnf' } },
  { name: '200-vertex 4-colouring, 1000 edges', text: plantedColoring(200, 4, 1000, 1).col, options: { format: 'col', colors: 4 } },
  { name: '100-queens JSON', text: queensProblem(100), options: { format: 'json' } },
  { name: '15000-var 3-SAT, 63900 clauses', text: plantedSat(15_000, 63_900, 1).cnf, options: { format: 'cnf' } },
  { name: '4000-vertex 8-colouring, 60000 edges', text: plantedColoring(4000, 8, 60_000, 1).col, options: { format: 'col', colors: 8 } },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`milliseconds: first run, then the median of ${runs} more`);
console.log(`${'problem'.padEnd(40)} ${'KiB'.padStart(6)} ${'first'.padStart(8)} ${'parse'.padStart(8)} ${'compile'.padStart(8)} ${'total'.padStart(8)} ${'words'.padStart(8)}`);
for (const c of cases) {
  const parse: number[] = [];
  const comp: number[] = [];
  let words = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const model = parseProblem(c.text, c.options);
    const t1 = performance.now();
    words = compile(model).words.length;
    const t2 = performance.now();
    parse.push(t1 - t0);
    comp.push(t2 - t1);
  }
  const total = parse.map((p, i) => p + comp[i]!);
  const first = total.shift()!;
  parse.shift();
  comp.shift();
  const kib = (Buffer.byteLength(c.text) / 1024).toFixed(0);
  console.log(`${c.name.padEnd(40)} ${kib.padStart(6)} ${first.toFixed(1).padStart(8)} ${median(parse).toFixed(2).padStart(8)} ${median(comp).toFixed(2).padStart(8)} ${median(total).toFixed(2).padStart(8)} ${String(words).padStart(8)}`);
}
