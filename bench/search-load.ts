// The search-table load on the link: bytes and time of SearchBegin .. SearchEnd, measured on the
// simulator through SearchClient.loadTables (host -> device and back, every frame), for the rows
// of issue 11's target: uf50-01, uf175-01 (../shared/instances), uf250 and flat200 generated with
// a planted solution as bench/search-instances.ts does, and two sudokus (hardest-01, which root
// propagation leaves without a clause, and hardest-02). Beside it, what the same
// tables cost as the five 32-bit word sections (docs/search.md, "Tables"), framed the same way
// (each chunk as a SearchChunk frame of max_payload, an Ack frame back), and the modelled load
// time at 115,200 and 3 Mbaud (10 bits a byte, both directions, as bench/search-instances.ts).
//
//   npx tsx bench/search-load.ts                  # needs `npm run sim:build`
//   npx tsx bench/search-load.ts --instances DIR  # default ../shared/instances
//
// Prints a markdown table.

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { encodeDevice, encodeHost } from '../src/link/codec.ts';
import { encodeFrame } from '../src/link/frame.ts';
import { SearchClient } from '../src/link/search-client.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator } from '../src/link/simulator.ts';
import { MESSAGE_OVERHEAD } from '../src/link/validator-client.ts';
import { compileSearchTables, type SearchTables } from '../src/model/search-tables.ts';
import { prepareProblem } from '../src/solve/prepare.ts';
import { plantedColoring } from './gen/coloring.ts';
import { plantedSat } from './gen/sat.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { instances: { type: 'string', default: `${ROOT}../shared/instances` } } });

const OPTIONS = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };
const rows: { id: string; format: 'cnf' | 'col' | 'json'; source: () => string; colors?: number }[] = [
  { id: 'uf50-01', format: 'cnf', source: () => readFileSync(`${values.instances}/sat-uniform/uf50-01.cnf`, 'utf8') },
  { id: 'uf175-01', format: 'cnf', source: () => readFileSync(`${values.instances}/sat-uniform/uf175-01.cnf`, 'utf8') },
  { id: 'uf250-planted', format: 'cnf', source: () => plantedSat(250, 1065, 1).cnf },
  { id: 'flat200-planted', format: 'col', colors: 3, source: () => plantedColoring(200, 3, 479, 1).col },
  ...['hardest-01', 'hardest-02'].map((id) => ({ id, format: 'json' as const, source: () => readFileSync(`${values.instances}/sudoku/${id}.json`, 'utf8') })),
];

/** Wire bytes (both ways) of a load that sends `sections` in chunks of `chunk` bytes (one Ack each). */
function framedBytes(t: SearchTables, sections: { section: number; bytes: Uint8Array }[], chunk: number): number {
  const ack = (seq: number) => encodeFrame(encodeDevice({ kind: 'ack', seq })).length;
  let seq = 1000;
  let n = encodeFrame(encodeHost({ kind: 'searchBegin', seq, numVars: t.numVars, numValues: t.numValues, numClauses: t.numClauses, numLiterals: t.numLiterals })).length + ack(seq);
  for (const { section, bytes } of sections) {
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      seq++;
      const data = bytes.subarray(offset, offset + chunk);
      n += encodeFrame(encodeHost({ kind: 'searchChunk', seq, section, offset, data })).length + ack(seq);
    }
  }
  seq++;
  return n + encodeFrame(encodeHost({ kind: 'searchEnd', seq, crc: 0xffffffff })).length + ack(seq);
}

/** The five word sections as little-endian bytes (what SearchChunk carried before the wire form). */
function wordSections(t: SearchTables): { section: number; bytes: Uint8Array }[] {
  return Object.values(t.sections).map((words, section) => ({ section, bytes: new Uint8Array(Uint32Array.from(words).buffer) }));
}

const sim = await startSimulator();
const session = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
const client = new SearchClient(session);
const chunk = session.info.maxPayload - MESSAGE_OVERHEAD;
const secs = (bytes: number, baud: number) => `${((bytes * 10) / baud).toFixed(3)} s`;
const lines = [
  `Search-table load, SearchBegin to SearchEnd's Ack (simulator, max_payload ${session.info.maxPayload}); bytes both ways, every frame; modelled time = bytes x 10 / baud.`,
  '',
  '| instance | variables | clauses | literals | word sections (bytes framed) | wire form (bytes measured) | per literal | 115,200 baud before / after | 3 Mbaud before / after | sim load |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
try {
  for (const row of rows) {
    if (!existsSync(values.instances!) && !/planted/.test(row.id)) {
      process.stderr.write(`skipping ${row.id}: no ${values.instances}\n`);
      continue;
    }
    const problem = prepareProblem({ format: row.format, source: row.source(), options: { ...OPTIONS, ...(row.colors ? { colors: row.colors } : {}) } });
    const t = compileSearchTables(problem.model);
    const before = framedBytes(t, wordSections(t), Math.floor(chunk / 4) * 4);
    const c0 = session.counters();
    const t0 = performance.now();
    await client.loadTables(t);
    const ms = performance.now() - t0;
    const c1 = session.counters();
    const after = c1.bytesTx - c0.bytesTx + c1.bytesRx - c0.bytesRx;
    const perLiteral = (n: number) => (t.numLiterals === 0 ? '-' : (n / t.numLiterals).toFixed(2));
    lines.push(`| ${row.id} | ${t.numVars} | ${t.numClauses} | ${t.numLiterals} | ${before.toLocaleString('en')} | ${after.toLocaleString('en')} | ` +
      `${perLiteral(before)} -> ${perLiteral(after)} | ${secs(before, 115_200)} / ${secs(after, 115_200)} | ` +
      `${secs(before, 3e6)} / ${secs(after, 3e6)} | ${ms.toFixed(0)} ms |`);
  }
} finally {
  client.dispose();
  await session.close();
  await sim.stop();
}
process.stdout.write(`${lines.join('\n')}\n`);
