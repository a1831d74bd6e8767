// The constraint engine per problem: program words, device cycles per candidate, bytes on the
// wire per candidate, the throughput a real board would reach (from those counts) and the
// simulator's own wall-clock throughput. Every verdict is checked against the reference checker.
//   npx tsx bench/validator.ts [--port PATH|tcp://HOST:PORT] [--count N]
//
// Board model: candidates are pipelined within the device's window and the UART is full duplex,
// so a board delivers one verdict per max(wire time of the busier direction at 10 bits a byte,
// engine cycles at its clock). Boards are those of bench/peers/board-model.ts.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { prepareProgram } from '../src/check/program-checker.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { ValidatorClient, type Verdict } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { packIndices } from '../src/model/pack.ts';
import { parseProblem, type ParseOptions } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { Prng } from '../src/model/prng.ts';
import { queensModel } from './gen/queens.ts';
import { ICEBREAKER, ICEBREAKER_FAST, boardMs, type Board } from './peers/board-model.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, count: { type: 'string', default: '500' } } });
const count = Number(values.count);
if (!(Number.isInteger(count) && count > 0)) throw new RangeError('--count must be a positive whole number');

function fixture(file: string, options: ParseOptions): Model {
  return parseProblem(readFileSync(new URL(`../test/fixtures/${file}`, import.meta.url)), { name: file, ...options });
}

const PROBLEMS: [string, () => Model][] = [
  ['8-queens', () => queensModel(8)],
  ['32-queens', () => queensModel(32)],
  ['sudoku 9x9', () => fixture('sudoku-easy.json', { format: 'json' })],
  ['uf50-218', () => fixture('uf50-218.cnf', { format: 'cnf' })],
  ['uf250-1065', () => fixture('uf250-1065.cnf', { format: 'cnf' })],
  ['flat100-3 colouring', () => fixture('flat100-3.col', { format: 'col', colors: 3 })],
];
const BOARDS: Board[] = [ICEBREAKER, ICEBREAKER_FAST];

const sim: RunningSimulator | undefined = values.port ? undefined : await startSimulator();
const session = await DeviceSession.open(values.port ?? sim!.path, { heartbeatMs: 0, timeoutMs: 5000 });
const client = new ValidatorClient(session);
const info = session.info;
console.log(`device ${info.deviceId}: ${info.engines} engine(s), window ${info.window}, ${count} random in-domain candidates per problem`);
console.log(`board model: ${BOARDS.map((b) => b.name).join('; ')}\n`);

const head = ['problem', 'words', 'cycles/cand', 'bytes/cand (tx+rx)', ...BOARDS.map((b) => `board ${b.baud / 1000} kbaud`), 'simulator'];
const rows: string[][] = [];
const prng = new Prng(7);
let programId = 0;

for (const [name, make] of PROBLEMS) {
  const model = make();
  const program = compile(model);
  const checker = prepareProgram(program);
  // Uniformly random allowed values: realistic for a sampler's first draws.
  const packed = Array.from({ length: count }, () => packIndices(program.widths, model.variables.map((v) => {
    const allowed = v.allowed.flatMap((a, i) => (a ? [i] : []));
    return allowed[prng.int(allowed.length)]!;
  })));
  await client.loadProgram(program, ++programId);

  const before = session.counters();
  const busyBefore = (await session.deviceCounters()).busyCycles;
  const t0 = performance.now();
  const verdicts: Verdict[] = [];
  for await (const v of client.validate(packed)) verdicts.push(v);
  const seconds = (performance.now() - t0) / 1000;
  const after = session.counters();
  const busy = (await session.deviceCounters()).busyCycles - busyBefore;

  verdicts.forEach((v, i) => {
    const ref = checker.check(packed[i]!);
    if (v.ok !== ref.ok || v.violatedCount !== ref.count || v.violated.join() !== ref.violated.slice(0, info.maxViolations).join()) {
      throw new Error(`${name}, candidate ${i}: the device and the reference checker disagree`);
    }
  });
  const tx = (after.bytesTx - before.bytesTx) / count;
  const rx = (after.bytesRx - before.bytesRx) / count;
  const cycles = verdicts.reduce((s, v) => s + v.cycles, 0) / count;
  const perBoard = BOARDS.map((b) => {
    const ms = boardMs({ wallMs: 0, deviceMs: 0, txBytes: tx * count, rxBytes: rx * count, busyCycles: busy }, b);
    return `${((count * 1000) / ms).toFixed(0)}/s`;
  });
  rows.push([name, String(program.words.length), cycles.toFixed(0), `${tx.toFixed(1)}+${rx.toFixed(1)}`, ...perBoard, `${(count / seconds).toFixed(0)}/s`]);
}

const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log('\nboard: candidates/s a real board reaches, bound by the busier link direction or the engine;');
console.log('simulator: verdicts/s measured here, wall clock, through the pseudo-terminal.');

await session.close();
await sim?.stop();
