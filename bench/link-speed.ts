// Link speed: the modelled board throughput at the safe rate (115,200 baud) and at each rate the
// session can negotiate with a 12 MHz board (docs/link-protocol.md, "Link speed").
//   npx tsx bench/link-speed.ts [--candidates N] [--instance FILE.cnf]
// Runs the bit-level simulator built for the board's divider (104) with the host UART's rate taken
// from the pseudo-terminal, so each rate really is negotiated (SetBaud, switch, Hello). The figures
// are MODELLED: simulated cycles converted to time at the board's 12 MHz clock, for the line and the
// device alone (the simulator stands still while it waits for the host, so host latency is left
// out). Per rate: the line limit (clock / (10 * divider) bytes/s), Echo data bytes per second each
// way (256-byte echoes), the load time of the instance (uf250 by default) and candidates per second
// with the device's window full, every verdict checked against the reference checker.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { prepareProgram } from '../src/check/program-checker.ts';
import { rateChoices } from '../src/link/link-speed.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator } from '../src/link/simulator.ts';
import { SAFE_BAUD } from '../src/link/transport.ts';
import { ValidatorClient } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { packIndices } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';

const BOARD_DIVIDER = 104;
const CLOCK_HZ = 12_000_000;
const MIN_DIVIDER = 4;

const { values } = parseArgs({
  options: {
    candidates: { type: 'string', default: '200' },
    instance: { type: 'string', default: new URL('../test/fixtures/uf250-1065.cnf', import.meta.url).pathname },
  },
});
const count = Number(values.candidates);
if (!(Number.isInteger(count) && count > 0)) throw new RangeError('--candidates must be a positive whole number');
const name = values.instance.replace(/^.*\//, '').replace(/\.cnf$/, '');
const program = compile(parseProblem(readFileSync(values.instance, 'utf8'), { format: 'cnf', name }));
const checker = prepareProgram(program);
const prng = new Prng(1);
const packed = Array.from({ length: count }, () => packIndices(program.widths, program.widths.map((w) => prng.int(2 ** w))));

console.log(`MODELLED board throughput: iCE40 build at ${CLOCK_HZ / 1e6} MHz, safe divider ${BOARD_DIVIDER} (${SAFE_BAUD} baud); ` +
  `simulated cycles at the board clock, host latency left out`);
console.log(`${name}: ${program.numVars} variables, ${program.words.length} words, ${program.candidateBytes}-byte candidates, ${count} candidates`);
console.log('host baud | divider | link mode  | line limit bytes/s | echo data bytes/s each way | load ms | candidates/s');

const rates = [SAFE_BAUD, ...rateChoices(CLOCK_HZ, MIN_DIVIDER, SAFE_BAUD).map((c) => c.baud).reverse()];
for (const baud of rates) {
  const sim = await startSimulator({ clksPerBit: BOARD_DIVIDER, linkLevel: 'bit', hostRate: 'pty' });
  const session = await DeviceSession.open(sim.path, baud === SAFE_BAUD ? { heartbeatMs: 0, baud } : { heartbeatMs: 0, rates: [baud], timeoutMs: 5000 });
  try {
    const link = session.info.link!;
    if (link.baud !== baud) throw new Error(`asked for ${baud} baud, the session runs at ${link.baud} (${link.fallback ?? link.mode})`);
    const ms = async (work: () => Promise<void>) => {
      const before = (await sim.stats()).cycles;
      await work();
      return (((await sim.stats()).cycles - before) / CLOCK_HZ) * 1000;
    };
    const data = Uint8Array.from({ length: 256 }, (_, k) => (k * 37 + 1) & 0xff);
    const echoes = 20;
    const echoMs = await ms(async () => {
      for (let i = 0; i < echoes; i++) await session.echo(data);
    });
    const client = new ValidatorClient(session);
    const loadMs = await ms(() => client.loadProgram(program, 1));
    let i = 0;
    const validateMs = await ms(async () => {
      for await (const v of client.validate(packed)) {
        const ref = checker.check(packed[i]!);
        if (v.ok !== ref.ok || v.violatedCount !== ref.count) throw new Error(`candidate ${i}: device ${v.ok}/${v.violatedCount}, checker ${ref.ok}/${ref.count}`);
        i++;
      }
    });
    console.log([
      String(baud).padStart(9),
      String(link.divider).padStart(7),
      link.mode.padEnd(10),
      (CLOCK_HZ / (10 * link.divider)).toFixed(0).padStart(18),
      ((echoes * data.length) / (echoMs / 1000)).toFixed(0).padStart(26),
      loadMs.toFixed(1).padStart(7),
      (count / (validateMs / 1000)).toFixed(0).padStart(12),
    ].join(' | '));
  } finally {
    await session.close();
    await sim.stop();
  }
}
