// Speed of the Verilator simulator itself: simulated cycles per second while the link is kept
// busy (a continuous stream of echo requests) and the CPU it uses while idle.
//   npx tsx bench/sim-speed.ts [--seconds S] [--clks-per-bit N] [--link-level byte|bit]
// Cycles per CPU second is the figure that does not depend on other load on the machine.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';

import { encodeHost } from '../src/link/codec.ts';
import { encodeFrame } from '../src/link/frame.ts';
import { DEFAULT_CLKS_PER_BIT, DEFAULT_LINK_LEVEL, startSimulator, type LinkLevel, type SimulatorStats } from '../src/link/simulator.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, 'clks-per-bit': { type: 'string' }, 'link-level': { type: 'string', default: DEFAULT_LINK_LEVEL } },
});
const linkLevel = values['link-level'] as LinkLevel;
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new RangeError('--seconds must be a positive number');
const clksPerBit = values['clks-per-bit'] ? Number(values['clks-per-bit']) : DEFAULT_CLKS_PER_BIT;

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function delta(a: SimulatorStats, b: SimulatorStats): { cycles: number; wall: number; cpu: number } {
  return { cycles: b.cycles - a.cycles, wall: b.seconds - a.seconds, cpu: b.cpuSeconds - a.cpuSeconds };
}

const sim = await startSimulator({ clksPerBit, linkLevel });
const port = new SerialPort({ path: sim.path, baudRate: 3_000_000, autoOpen: false });
await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
let received = 0;
port.on('data', (chunk: Buffer) => (received += chunk.length));

// Busy: keep the device's receiver fed with echo requests of 200 bytes (replies of the same size
// go out at the same time), a few frames ahead, as fast as the simulation takes them.
const frame = encodeFrame(encodeHost({ kind: 'echo', seq: 1, data: new Uint8Array(200).fill(0x5a) }));
const before = await sim.stats();
const t0 = performance.now();
let sent = 0;
while (performance.now() - t0 < seconds * 1000) {
  if (sent - received < 2 * frame.length) {
    port.write(frame);
    sent += frame.length;
  }
  await sleep(1);
}
const busy = delta(before, await sim.stats());

// Idle: nothing to do; the simulator should sleep in poll().
await sleep(500);
const cpu0 = cpuSeconds(sim.pid);
const idleBefore = await sim.stats();
await sleep(seconds * 1000);
const idleCpu = cpuSeconds(sim.pid) - cpu0;
const idle = delta(idleBefore, await sim.stats());

await new Promise<void>((resolve) => port.close(() => resolve()));
await sim.stop();

const mega = (n: number) => (n / 1e6).toFixed(2);
console.log(linkLevel === 'bit'
  ? `bit-level link, clocks per UART bit: ${clksPerBit} (one byte every ${10 * clksPerBit} cycles each way)`
  : 'byte link (up to a byte a cycle in, about one every five cycles out)');
console.log(`busy: ${mega(busy.cycles)} M cycles in ${busy.wall.toFixed(2)} s wall, ${busy.cpu.toFixed(2)} s CPU: ` +
  `${mega(busy.cycles / busy.wall)} M cycles/s wall, ${mega(busy.cycles / busy.cpu)} M cycles per CPU second; ` +
  `${(received / busy.wall / 1000).toFixed(1)} kB/s of replies`);
console.log(`idle: ${idle.cycles} cycles, ${(100 * idleCpu / seconds).toFixed(2)} % of a core over ${seconds} s`);
