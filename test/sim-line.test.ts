// A realistic line between the host and the simulated board (hdl/README.md, "Simulator"): the
// bit-level link with the host UART's rate taken from the pseudo-terminal (so the link speed is
// negotiated for real), a ±3 % rate mismatch, bit jitter, idle gaps and glitches on rx. At the
// board's divider (104 at 12 MHz) and at the simulator's fast one (8), echoes and a program load
// with candidates must come through: glitches may cost retries, never a wrong answer.

import { afterEach, describe, expect, it } from 'vitest';
import { prepareProgram } from '../src/check/program-checker.ts';
import { compile } from '../src/model/compile.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { packIndices } from '../src/model/pack.ts';
import { Prng } from '../src/model/prng.ts';
import type { Program } from '../src/model/program.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type HostRate, type LineOptions, type RunningSimulator } from '../src/link/simulator.ts';
import { ValidatorClient } from '../src/link/validator-client.ts';
import { randomIndices, randomModel } from './helpers/random-model.ts';

let sim: RunningSimulator | undefined;
let session: DeviceSession | undefined;
afterEach(async () => {
  await session?.close();
  await sim?.stop();
  session = undefined;
  sim = undefined;
});

function program(rng: Prng): { program: Program; model: ReturnType<typeof randomModel> } {
  for (;;) {
    const model = randomModel(rng, { variables: 2 + rng.int(6), constraints: 1 + rng.int(4) });
    try {
      return { program: compile(model), model };
    } catch (err) {
      if (!(err instanceof UnsatisfiableError)) throw err;
    }
  }
}

/** 10 echoes, then 2 programs with 20 candidates each: the problems found (none expected). */
async function exchange(s: DeviceSession, seed: number): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i < 10; i++) {
    const data = Uint8Array.from({ length: 1 + i * 17 }, (_, k) => (k * 31 + i) & 0xff);
    const back = await s.echo(data);
    if (Buffer.compare(back, data) !== 0) problems.push(`echo ${i} came back different`);
  }
  const rng = new Prng(seed);
  const client = new ValidatorClient(s);
  for (let p = 1; p <= 2; p++) {
    const { program: prog, model } = program(rng);
    await client.loadProgram(prog, p);
    const checker = prepareProgram(prog);
    const candidates = Array.from({ length: 20 }, () => packIndices(prog.widths, randomIndices(rng, model, 0.2)));
    let i = 0;
    for await (const v of client.validate(candidates)) {
      const want = checker.check(candidates[i]!);
      if (v.ok !== want.ok || v.violatedCount !== want.count || v.programId !== p) {
        problems.push(`program ${p} candidate ${i}: device ok=${v.ok} count=${v.violatedCount}, checker ok=${want.ok} count=${want.count}`);
      }
      i++;
    }
    if (i !== candidates.length) problems.push(`program ${p}: ${i} verdicts for ${candidates.length} candidates`);
  }
  return problems;
}

interface Case {
  name: string;
  clksPerBit: number;
  hostRate: HostRate;
  line: LineOptions;
  negotiate?: boolean;
}

const CASES: Case[] = [
  { name: 'board divider, host 3 % slow', clksPerBit: 104, hostRate: 'pty', line: { mismatchPct: 3 } },
  { name: 'board divider, host 3 % fast', clksPerBit: 104, hostRate: 'pty', line: { mismatchPct: -3 } },
  { name: 'board divider, jitter, gaps and glitches', clksPerBit: 104, hostRate: 'pty', line: { jitterPct: 10, gapBits: 3, glitchEvery: 300, seed: 7 } },
  { name: 'board divider at the safe rate, 3 % fast with jitter', clksPerBit: 104, hostRate: 'pty', line: { mismatchPct: -3, jitterPct: 5 }, negotiate: false },
  { name: 'fast divider, 3 % slow with jitter and glitches', clksPerBit: 8, hostRate: 'follow', line: { mismatchPct: 3, jitterPct: 5, glitchEvery: 300, seed: 3 } },
  { name: 'fast divider, 3 % fast', clksPerBit: 8, hostRate: 'follow', line: { mismatchPct: -3 } },
];

describe('a realistic line on the bit-level simulator', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: echoes and verdicts come through intact', async (_, c) => {
    sim = await startSimulator({ clksPerBit: c.clksPerBit, linkLevel: 'bit', hostRate: c.hostRate, line: c.line });
    session = await DeviceSession.open(sim.path, { heartbeatMs: 0, timeoutMs: 2000, retries: 20, negotiate: c.negotiate ?? true });
    const link = session.info.link!;
    if (c.negotiate === false) expect(link).toMatchObject({ mode: 'safe', baud: 115_200 });
    else expect(link.mode === 'negotiated' || link.fallback !== undefined).toBe(true);
    expect(await exchange(session, c.clksPerBit * 1000 + (c.line.seed ?? 1))).toEqual([]);
    if (c.line.glitchEvery) {
      // The glitches did damage frames (on the device's side or ours), and the retries covered it.
      const device = await session.deviceCounters();
      const host = session.counters();
      expect(device.crcErrors + device.frameErrors + host.deviceFrameErrors + host.crcErrors + host.frameErrors).toBeGreaterThan(0);
    }
  }, 120_000);

  it('refuses line faults without the bit-level link, and a pty host rate on TCP', async () => {
    await expect(startSimulator({ line: { mismatchPct: 3 } })).rejects.toThrow(/need the bit-level link/);
    await expect(startSimulator({ linkLevel: 'bit', tcpPort: 0, hostRate: 'pty' })).rejects.toThrow(/needs pty mode/);
  });
});
