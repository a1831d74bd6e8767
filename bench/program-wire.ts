// Program bytes on the wire: the width table and the words section of a program load, in the
// wire encoding (docs/validator-program.md, "Wire encoding") against the 8 bytes a word of
// protocol version 1, for the problems the device-search figures use.
//
//   npx tsx bench/program-wire.ts                     # instances from ../shared/instances
//   npx tsx bench/program-wire.ts --instances DIR
//
// It prints a markdown table: words, width-table bytes, the words section in both encodings,
// bytes per word, and the load's data bytes (widths and words, frames left out) before and after.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { flattenMzn } from '../src/api/flatten-mzn.ts';
import { programImage } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { plantedColoring } from './gen/coloring.ts';
import { plantedSat } from './gen/sat.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { instances: { type: 'string', default: `${ROOT}../shared/instances` } } });
const dir = values.instances!;
const text = new TextEncoder();

const rows: { id: string; model: () => Promise<Model> | Model }[] = [
  { id: 'uf50-01', model: () => parseProblem(readFileSync(`${dir}/sat-uniform/uf50-01.cnf`), { format: 'cnf' }) },
  { id: 'uf250-planted', model: () => parseProblem(text.encode(plantedSat(250, 1065, 1).cnf), { format: 'cnf' }) },
  { id: 'flat200-planted (3 colours)', model: () => parseProblem(text.encode(plantedColoring(200, 3, 479, 1).col), { format: 'col', colors: 3 }) },
  { id: 'sudoku hardest-01', model: () => parseProblem(readFileSync(`${dir}/sudoku/hardest-01.json`), { format: 'json' }) },
  { id: '8-queens', model: () => parseProblem(readFileSync(`${ROOT}examples/8-queens.json`), { format: 'json' }) },
  { id: 'knapsack01.mzn (linear)', model: async () => parseProblem(text.encode(await flattenMzn(readFileSync(`${ROOT}test/fixtures/minizinc/knapsack01.mzn`, 'utf8'), undefined)), { format: 'fzn' }) },
  { id: 'magic3.mzn (linear)', model: async () => parseProblem(text.encode(await flattenMzn(readFileSync(`${ROOT}test/fixtures/minizinc/magic3.mzn`, 'utf8'), undefined)), { format: 'fzn' }) },
];

const fmt = (n: number) => n.toLocaleString('en-US');
console.log('| program | words | width bytes | words v1 (8 a word) | words v2 (wire encoding) | bytes per word | load bytes v1 -> v2 |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const program = compile(await row.model());
  const image = programImage(program);
  const before = program.words.length * 8;
  const after = image.words.length;
  const perWord = program.words.length > 0 ? (after / program.words.length).toFixed(2) : '-';
  console.log(`| ${row.id} | ${fmt(program.words.length)} | ${fmt(image.widths.length)} | ${fmt(before)} | ${fmt(after)} | ${perWord} | ${fmt(before + image.widths.length)} -> ${fmt(after + image.widths.length)} (${(100 * (after + image.widths.length) / (before + image.widths.length)).toFixed(0)} %) |`);
}
