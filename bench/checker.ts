// Compiler and checker throughput on reference instances: compile time, program size, and
// candidates per second for the program checker (the RTL's golden model, as the host runs it)
// and for the model checker (the independent re-check).
//   npx tsx bench/checker.ts [--seconds S]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { prepareProgram } from '../src/check/program-checker.ts';
import { compile } from '../src/model/compile.ts';
import { packIndices } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { plantedColoring } from './gen/coloring.ts';
import { Prng } from '../src/model/prng.ts';
import { queensModel } from './gen/queens.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new RangeError('--seconds must be a positive number');

const fixture = (name: string): string => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

const instances: [string, () => Model][] = [
  ['uf250-1065', () => parseProblem(fixture('uf250-1065.cnf'), { format: 'cnf', name: 'uf250-1065' })],
  ['32-queens', () => queensModel(32)],
  ['col 200 vertices, 5 colours, 1800 edges', () => parseProblem(plantedColoring(200, 5, 1800, 7).col, { format: 'col', colors: 5 })],
];

/** Calls f repeatedly for about `seconds`; returns calls per second. */
function rate(f: () => void): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 100; i++) f();
    n += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

for (const [name, load] of instances) {
  const model = load();
  compile(model); // warm up
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t0 = process.hrtime.bigint();
    compile(model);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const program = compile(model);
  const executor = prepareProgram(program);
  const rng = new Prng(1);
  const pool = Array.from({ length: 256 }, () => model.variables.map((v) => rng.int(v.size)));
  const packed = pool.map((c) => packIndices(program.widths, c));
  let k = 0;
  const programRate = rate(() => { executor.check(packed[k++ & 255]!); });
  const modelRate = rate(() => { checkModel(model, pool[k++ & 255]!); });
  console.log(`${name}: ${model.variables.length} variables, ${model.constraints.length} constraints`);
  console.log(`  compile        ${median(times).toFixed(2)} ms (median of 11)`);
  console.log(`  program        ${program.words.length} words, ${program.domainChecks.length} domain checks, ${program.candidateBytes} candidate bytes`);
  console.log(`  program check  ${fmt(programRate)} candidates/s (${fmt(programRate * program.words.length / 1e6)} M words/s)`);
  console.log(`  model check    ${fmt(modelRate)} candidates/s`);
}
