// The negotiated link speed (docs/link-protocol.md, "Link speed") on the simulated board: the
// bit-level simulator built for the board's divider (104 at 12 MHz = 115,200 baud) with the host
// UART's rate taken from the pseudo-terminal's termios speed, so that a host and a device that
// disagree about the rate see garbage, as on a board. `hilsolve device info` with no --baud must
// negotiate; a host whose line cannot follow must fall back; the device's watchdog and break
// detection must bring it back to the safe rate; SetBaud's range is checked in RTL.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VECTORS_PATH, messageToJson, type GoldenFile } from '../proto/golden/generate.ts';
import { ErrorCode, decodeDevice, decodeHost, encodeHost, type DeviceMessage, type HostMessage } from '../src/link/codec.ts';
import { Deframer, PAYLOAD_LIMIT, encodeFrame, type FrameEvent } from '../src/link/frame.ts';
import { HOST_RATES, rateChoices } from '../src/link/link-speed.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { SAFE_BAUD, openTransport, type Transport } from '../src/link/transport.ts';
import { runCli } from './helpers/run-cli.ts';

const BOARD = 104;
const WATCHDOG = 1 << 21;

/** A bare serial link whose rate the test sets: frames out, decoded frames in. */
async function rawSerial(path: string) {
  const deframer = new Deframer(PAYLOAD_LIMIT);
  const events: FrameEvent[] = [];
  const t: Transport = await openTransport(path, { onData: (c) => events.push(...deframer.push(c)), onClose: () => undefined });
  return {
    setBaud: (b: number) => t.setBaud!(b),
    send(msg: HostMessage) {
      t.write(Uint8Array.of(0));
      t.write(encodeFrame(encodeHost(msg)));
    },
    /**
     * The next message within `ms`, or undefined; bad frames are skipped, and so are the device's
     * answers to frames it could not read (Error, seq 0): garbage at a wrong rate.
     */
    async next(ms = 3000): Promise<DeviceMessage | undefined> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const ev = events.shift();
        const msg = ev?.ok ? decodeDevice(ev.payload) : undefined;
        if (msg && !(msg.kind === 'error' && msg.seq === 0)) return msg;
        if (!ev) await new Promise((r) => setTimeout(r, 10));
      }
      return undefined;
    },
    close: () => t.close(),
  };
}

const decodeHostFrame = (payloadHex: string) => decodeHost(Uint8Array.from(Buffer.from(payloadHex, 'hex')));

/**
 * Wait until the simulator has run `cycles` more cycles, or has gone to sleep (nothing to do:
 * simulated time stands still while it sleeps, and it runs while a watchdog is armed).
 */
async function runCycles(sim: RunningSimulator, cycles: number): Promise<void> {
  const until = (await sim.stats()).cycles + cycles;
  let last = -1;
  for (;;) {
    const now = (await sim.stats()).cycles;
    if (now >= until || now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('the host\'s choice of rates', () => {
  it('offers the fastest rates the board divides into exactly, down to its min_divider', () => {
    expect(rateChoices(12_000_000, 4, SAFE_BAUD)).toEqual([
      { baud: 3_000_000, divider: 4 }, { baud: 2_000_000, divider: 6 }, { baud: 1_500_000, divider: 8 },
      { baud: 1_000_000, divider: 12 }, { baud: 921_600, divider: 13 }, { baud: 460_800, divider: 26 }, { baud: 230_400, divider: 52 },
    ]);
    expect(rateChoices(12_000_000, 8, SAFE_BAUD)[0]).toEqual({ baud: 1_500_000, divider: 8 });
    expect(rateChoices(12_000_000, 0, SAFE_BAUD)).toEqual([]);           // a fixed rate
    expect(rateChoices(12_000_000, 4, 1_500_000).map((c) => c.baud)).toEqual([3_000_000, 2_000_000]);
    expect(rateChoices(10_000_000, 4, SAFE_BAUD, HOST_RATES).some((c) => c.baud === 3_000_000)).toBe(false); // 3.33 Mbaud is 11 % off
  });
});

describe('a simulated board on its pseudo-terminal, host rate from termios', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ clksPerBit: BOARD, linkLevel: 'bit', hostRate: 'pty' });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('`hilsolve device info --port` with no --baud negotiates 3 Mbaud and shows it', async () => {
    const r = await runCli(['device', 'info', '--port', sim.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^baud +115384 after reset \(divider 104\), SetBaud down to divider 4$/m);
    expect(r.stdout).toMatch(/^link +3000000 baud \(device divider 4\), negotiated$/m);
  });

  it('opens again while the device still runs at 3 Mbaud (the first 0x00 at 115,200 is a break) and negotiates again', async () => {
    const r = await runCli(['device', 'info', '--port', sim.path, '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { link: unknown; divider: number; minDivider: number };
    expect(info).toMatchObject({ minDivider: 4, divider: 4, link: { mode: 'negotiated', baud: 3_000_000, divider: 4 } });
  });

  it('keeps a rate given with --baud and does not negotiate', async () => {
    const r = await runCli(['device', 'info', '--port', sim.path, '--baud', '115200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^link +115200 baud \(device divider 104\), fixed by --baud$/m);
  });

  it('a session negotiates and works at 3 Mbaud', async () => {
    const s = await DeviceSession.open(sim.path, { heartbeatMs: 0, timeoutMs: 2000 });
    try {
      expect(s.info.link).toEqual({ baud: 3_000_000, divider: 4, mode: 'negotiated' });
      const data = Uint8Array.from({ length: 200 }, (_, i) => i);
      expect(Buffer.from(await s.echo(data))).toEqual(Buffer.from(data));
    } finally {
      await s.close();
    }
  });

  it('switches on SetBaud after the Ack, and the watchdog brings it back when no good frame follows', async () => {
    const link = await rawSerial(sim.path);
    try {
      // The device may still run at 3 Mbaud from the test before: a 0x00 at the safe rate is a break.
      link.send({ kind: 'hello', seq: 1, protocolVersion: 3 });
      let hello = await link.next();
      if (!hello) {
        link.send({ kind: 'hello', seq: 2, protocolVersion: 3 });
        hello = await link.next();
      }
      expect(hello).toMatchObject({ kind: 'hello', divider: BOARD, minDivider: 4 });
      link.send({ kind: 'setBaud', seq: 3, divider: 4 });
      expect(await link.next()).toEqual({ kind: 'ack', seq: 3 });   // at the old rate
      await link.setBaud(3_000_000);
      // Nothing good arrives at 3 Mbaud: after 2^21 cycles the device is back at the safe divider,
      // so a Hello at 3 Mbaud (which cannot make a break) finds nobody listening at that rate.
      await runCycles(sim, WATCHDOG);
      link.send({ kind: 'hello', seq: 4, protocolVersion: 3 });
      expect(await link.next(1500)).toBeUndefined();
      await link.setBaud(SAFE_BAUD);
      link.send({ kind: 'hello', seq: 5, protocolVersion: 3 });
      expect(await link.next()).toMatchObject({ kind: 'hello', seq: 5, divider: BOARD });
    } finally {
      await link.close();
    }
  }, 60_000);

  it('stays at the new rate once a good frame has confirmed it', async () => {
    const link = await rawSerial(sim.path);
    try {
      link.send({ kind: 'setBaud', seq: 10, divider: 6 });
      expect(await link.next()).toEqual({ kind: 'ack', seq: 10 });
      await link.setBaud(2_000_000);
      link.send({ kind: 'hello', seq: 11, protocolVersion: 3 });
      expect(await link.next()).toMatchObject({ kind: 'hello', seq: 11, divider: 6 });
      // Traffic for longer than the watchdog (the simulator sleeps when idle, so keep it busy):
      // every echo comes back at 2 Mbaud.
      const until = (await sim.stats()).cycles + WATCHDOG + 100_000;
      let seq = 100;
      while ((await sim.stats()).cycles < until) {
        const data = Uint8Array.from({ length: 200 }, (_, i) => (i + seq) & 0xff);
        link.send({ kind: 'echo', seq, data });
        expect(await link.next()).toEqual({ kind: 'echo', seq, data });
        seq++;
      }
      // Back at the safe rate: the first byte is a break for divider 6.
      await link.setBaud(SAFE_BAUD);
      link.send({ kind: 'hello', seq: 13, protocolVersion: 3 });
      let hello = await link.next();
      if (!hello) {
        link.send({ kind: 'hello', seq: 14, protocolVersion: 3 });
        hello = await link.next();
      }
      expect(hello).toMatchObject({ kind: 'hello', divider: BOARD });
    } finally {
      await link.close();
    }
  }, 60_000);

  it('refuses a divider below min_divider or above its 8-bit register with ERROR_BAUD, and keeps its rate', async () => {
    const link = await rawSerial(sim.path);
    try {
      for (const [seq, divider] of [[20, 3], [21, 0], [22, 256], [23, 65_536]] as const) {
        link.send({ kind: 'setBaud', seq, divider });
        expect(await link.next()).toEqual({ kind: 'error', seq, code: ErrorCode.BAUD, arg: 4 });
      }
      link.send({ kind: 'hello', seq: 24, protocolVersion: 3 });
      expect(await link.next()).toMatchObject({ kind: 'hello', seq: 24, divider: BOARD });
    } finally {
      await link.close();
    }
  });
});

describe('a host line that cannot follow the switch', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // An adapter stuck at 115,200: the host sets 3 Mbaud on the port, the line stays at 115,200.
    sim = await startSimulator({ clksPerBit: BOARD, linkLevel: 'bit', hostRate: SAFE_BAUD });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('falls back to the safe rate, says why, and still works', async () => {
    const r = await runCli(['device', 'info', '--port', sim.path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^link +115200 baud \(device divider 104\), the safe rate: switching failed \(3000000 baud \(divider 4\): .*not 4: the line did not change rate; 2000000 baud/m);
    const s = await DeviceSession.open(sim.path, { heartbeatMs: 0, timeoutMs: 2000 });
    try {
      expect(s.info.link).toMatchObject({ mode: 'safe', baud: SAFE_BAUD, divider: BOARD });
      expect(s.info.link!.fallback).toMatch(/did not change rate/);
      expect(Buffer.from(await s.echo(Uint8Array.of(7, 8, 9)))).toEqual(Buffer.from([7, 8, 9]));
    } finally {
      await s.close();
    }
  });
});

describe('the uart golden vectors', () => {
  it('a bit-level device whose host follows answers them and then runs at the new divider', async () => {
    const sim = await startSimulator({ clksPerBit: BOARD, linkLevel: 'bit' });   // hostRate follow
    const link = await rawSerial(sim.path);
    try {
      const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as GoldenFile;
      const uart = file.vectors.filter((v) => v.layer === 'uart');
      expect(uart.map((v) => v.name)).toEqual(['set-baud']);
      for (const v of uart) {
        link.send(decodeHostFrame(v.payload!));
        const got = messageToJson((await link.next())!);
        for (const [field, value] of Object.entries(v.reply!)) expect(got[field], `${v.name} ${field}`).toEqual(value);
      }
      link.send({ kind: 'hello', seq: 61, protocolVersion: 3 });
      expect(await link.next()).toMatchObject({ kind: 'hello', seq: 61, divider: 4 });
    } finally {
      await link.close();
      await sim.stop();
    }
  });
});

describe('links where a rate means nothing', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('the byte link offers no SetBaud, so the session stays at the rate it opened with', async () => {
    const r = await runCli(['device', 'info', '--port', sim.path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SetBaud not offered$/m);
    expect(r.stdout).toMatch(/^link +115200 baud, the safe rate \(no faster one offered\)$/m);
  });

  it('TCP has no serial rate', async () => {
    const tcp = await startSimulator({ tcpPort: 0 });
    try {
      const s = await DeviceSession.open(tcp.path, { heartbeatMs: 0 });
      expect(s.info.link).toEqual({ baud: 0, divider: 0, mode: 'tcp' });
      await s.close();
    } finally {
      await tcp.stop();
    }
  });
});
