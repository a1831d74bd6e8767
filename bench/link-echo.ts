// Serial link throughput: Echo round trips per second and bytes on the wire per payload byte, for
// a range of payload sizes, against the simulated device (started here) or a device given.
//   npx tsx bench/link-echo.ts [--port PATH|tcp://HOST:PORT] [--seconds S] [--link-level byte|bit]
// With the simulator it also prints simulated cycles per round trip and the simulation speed: the
// byte link (default) moves a byte a cycle in and about one every five out, the bit-level UART
// a byte in 10 * CLKS_PER_BIT cycles, so wall-clock figures follow the simulation speed.

import { parseArgs } from 'node:util';

import { encodeHost } from '../src/link/codec.ts';
import { DeviceSession } from '../src/link/session.ts';
import { DEFAULT_LINK_LEVEL, startSimulator, type LinkLevel, type RunningSimulator } from '../src/link/simulator.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, seconds: { type: 'string', default: '2' }, 'link-level': { type: 'string', default: DEFAULT_LINK_LEVEL } },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new RangeError('--seconds must be a positive number');
const linkLevel = values['link-level'] as LinkLevel;

const sim: RunningSimulator | undefined = values.port ? undefined : await startSimulator({ linkLevel });
const session = await DeviceSession.open(values.port ?? sim!.path, { heartbeatMs: 0 });
const { info } = session;
let maxData = info.maxPayload;
while (encodeHost({ kind: 'echo', seq: 0xffffffff, data: new Uint8Array(maxData) }).length > info.maxPayload) maxData--;
console.log(`device ${info.deviceId} build ${info.build} at ${info.target}: max payload ${info.maxPayload}, clock ${info.clockHz} Hz, UART ${info.baud} baud` +
  (sim ? `, simulator link level ${linkLevel}` : ''));
// "at device clock": the round trips per second a board at clock_hz would do, from the simulated
// cycles per round trip (host latency left out); independent of how fast the simulation runs.
console.log('data bytes | round trips/s | data bytes/s each way | wire bytes per data byte | sim cycles per round trip | round trips/s at device clock | sim Mcycles/s');

for (const size of [0, 16, 64, 128, 256, maxData]) {
  const data = Uint8Array.from({ length: size }, (_, k) => (k * 37 + 1) & 0xff);
  const before = session.counters();
  const simBefore = await sim?.stats();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await session.echo(data);
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const simAfter = await sim?.stats();
  const after = session.counters();
  const wire = after.bytesTx - before.bytesTx + after.bytesRx - before.bytesRx;
  const cycles = simBefore && simAfter ? simAfter.cycles - simBefore.cycles : NaN;
  console.log([
    String(size).padStart(10),
    (n / wall).toFixed(0).padStart(13),
    ((n * size) / wall).toFixed(0).padStart(21),
    (size ? wire / (2 * n * size) : NaN).toFixed(3).padStart(24),
    (cycles / n).toFixed(0).padStart(25),
    (info.clockHz / (cycles / n)).toFixed(0).padStart(29),
    (cycles / wall / 1e6).toFixed(2).padStart(13),
  ].join(' | '));
  if (after.retries !== before.retries || after.crcErrors !== before.crcErrors) console.log(`  errors: ${JSON.stringify(after)}`);
}

await session.close();
await sim?.stop();
