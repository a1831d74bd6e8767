// Candidate throughput over the serial link: verdicts per second for a real program, one candidate
// at a time versus pipelined within the device's window, against the simulated device (started
// here) or a device given. Checks every verdict against the reference program checker.
//   npx tsx bench/link-candidates.ts [--port PATH|tcp://HOST:PORT] [--count N]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { prepareProgram } from '../src/check/program-checker.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { ValidatorClient } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { packIndices } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, count: { type: 'string', default: '2000' } } });
const count = Number(values.count);
if (!(Number.isInteger(count) && count > 0)) throw new RangeError('--count must be a positive whole number');

const text = readFileSync(new URL('../test/fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const program = compile(parseProblem(text, { format: 'cnf', name: 'uf50-218' }));
const checker = prepareProgram(program);
const prng = new Prng(1);
const packed = Array.from({ length: count }, () => packIndices(program.widths, program.widths.map((w) => prng.int(2 ** w))));

const sim: RunningSimulator | undefined = values.port ? undefined : await startSimulator();
const session = await DeviceSession.open(values.port ?? sim!.path, { heartbeatMs: 0 });
const client = new ValidatorClient(session);
await client.loadProgram(program, 1);
console.log(`uf50-218: ${program.numVars} variables, ${program.words.length} words, ${program.candidateBytes}-byte candidates; ` +
  `device ${session.info.deviceId}, window ${session.info.window}`);

async function run(label: string, send: () => Promise<{ ok: boolean; violatedCount: number }[]>) {
  const before = session.counters();
  const t0 = performance.now();
  const verdicts = await send();
  const seconds = (performance.now() - t0) / 1000;
  const after = session.counters();
  verdicts.forEach((v, i) => {
    const ref = checker.check(packed[i]!);
    if (v.ok !== ref.ok || v.violatedCount !== ref.count) throw new Error(`candidate ${i}: device ${v.ok}/${v.violatedCount}, checker ${ref.ok}/${ref.count}`);
  });
  const wire = after.bytesTx - before.bytesTx + after.bytesRx - before.bytesRx;
  console.log(`${label.padEnd(26)} ${(count / seconds).toFixed(0).padStart(7)} verdicts/s  ${(wire / count).toFixed(1)} wire bytes per candidate (both ways)`);
}

await run('one at a time', async () => {
  const out = [];
  for (const values of packed) out.push(await session.sendCandidate({ programId: 1, values }));
  return out;
});
await run(`window of ${session.info.window}`, async () => {
  const out = [];
  for await (const v of client.validate(packed)) out.push(v);
  return out;
});

await session.close();
await sim?.stop();
