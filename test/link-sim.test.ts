// The host side of the link against the real device: the Verilator simulation of the RTL on a
// pseudo-terminal, opened with serialport. Golden vectors, a long echo run, and line noise with a
// disconnect through the fault proxy.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VECTORS_PATH, messageToJson, type GoldenFile } from '../proto/golden/generate.ts';
import { decodeDevice, encodeHost } from '../src/link/codec.ts';
import { DeviceOpenError } from '../src/link/errors.ts';
import { startFaultProxy } from '../src/link/fault-proxy.ts';
import { Deframer, PAYLOAD_LIMIT, type FrameEvent } from '../src/link/frame.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { openTransport } from '../src/link/transport.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim?.stop();
});

/** The longest Echo data that fits a payload of `maxPayload` bytes. */
function maxEchoData(maxPayload: number): number {
  let n = maxPayload;
  while (encodeHost({ kind: 'echo', seq: 0xffffffff, data: new Uint8Array(n) }).length > maxPayload) n--;
  return n;
}

/** A raw byte pipe to the device: send frames as they are, read back whole frames. */
async function rawLink(path: string) {
  const deframer = new Deframer(PAYLOAD_LIMIT);
  const events: FrameEvent[] = [];
  let wake: (() => void) | null = null;
  const transport = await openTransport(path, {
    onData: (chunk) => {
      events.push(...deframer.push(chunk));
      wake?.();
    },
    onClose: () => undefined,
  });
  return {
    /** Sends `frame` (nothing when empty) and waits for the next frame from the device. */
    async exchange(frame: Uint8Array, timeoutMs = 2000): Promise<FrameEvent> {
      if (frame.length > 0) transport.write(frame);
      const deadline = Date.now() + timeoutMs;
      while (events.length === 0) {
        if (Date.now() > deadline) throw new Error('no reply frame');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 20);
        });
      }
      return events.shift()!;
    },
    close: () => transport.close(),
  };
}

describe('link against the simulated device', () => {
  it('handshakes, and refuses a second owner of the port', async () => {
    const s = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
    try {
      expect(s.info).toMatchObject({ deviceId: 'hilsolve-sim', protocolVersion: 3 });
      expect(s.info.maxPayload).toBeGreaterThanOrEqual(256);
      expect(s.info.window).toBeGreaterThanOrEqual(1);
      const second = await DeviceSession.open(sim.path, { heartbeatMs: 0 }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DeviceOpenError);
      expect((second as Error).message).toMatch(/is busy: another process owns the device/);
    } finally {
      await s.close();
    }
  });

  async function checkGolden(...layers: ('link' | 'validator' | 'search' | 'uart')[]) {
    const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as GoldenFile;
    const link = await rawLink(sim.path);
    try {
      for (const v of file.vectors.filter((x) => x.direction === 'host' && layers.includes(x.layer!))) {
        const event = await link.exchange(Uint8Array.from(Buffer.from(v.frame, 'hex')));
        // Frames the device sends on its own after the reply (a search's Solution) come next.
        const frames = [event, ...(await Promise.all((v.then ?? []).map(() => link.exchange(new Uint8Array()))))];
        for (const [k, want] of [v.reply!, ...(v.then ?? [])].entries()) {
          expect(frames[k]!.ok, `${v.name}: frame ${k}`).toBe(true);
          const got = messageToJson(decodeDevice((frames[k] as { payload: Uint8Array }).payload));
          for (const [field, value] of Object.entries(want)) {
            expect(got[field], `${v.name}: frame ${k} ${field} (${JSON.stringify(got)})`).toEqual(value);
          }
        }
      }
    } finally {
      await link.close();
    }
  }

  it('answers every link-layer golden vector as the protocol says', () => checkGolden('link'));

  it('loads the golden program and gives the golden verdicts', () => checkGolden('validator'));

  it('answers the golden search vectors, when its handshake offers search', async () => {
    const s = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
    const hasSearch = s.info.search !== undefined;
    await s.close();
    if (!hasSearch) return; // a build without hdl/rtl/search_engine.v: validate mode only
    // The search vectors prove against the program the validator vectors load.
    await checkGolden('validator', 'search');
  });

  it('echoes 10,000 payloads of every size from 0 to the maximum without one error', async () => {
    const s = await DeviceSession.open(sim.path, { heartbeatMs: 0 });
    try {
      const maxData = maxEchoData(s.info.maxPayload);
      const deviceBefore = await s.deviceCounters();
      const n = 10_000;
      for (let i = 0; i < n; i++) {
        // Every size from 0 to the maximum once, then small ones: large echoes dominate the run
        // time (a byte a cycle in and one per 5 out on the simulator's byte link, 80 cycles a
        // byte at bit level; bench/link-echo.ts measures them).
        const size = i <= maxData ? i : (i * 7919) % 48;
        const data = Uint8Array.from({ length: size }, (_, k) => (k * 31 + i) & 0xff);
        expect(await s.echo(data)).toEqual(data);
      }
      const deviceAfter = await s.deviceCounters();
      expect(s.counters()).toMatchObject({ crcErrors: 0, frameErrors: 0, decodeErrors: 0, deviceFrameErrors: 0, retries: 0, timeouts: 0, staleReplies: 0 });
      expect(deviceAfter).toMatchObject({ crcErrors: deviceBefore.crcErrors, frameErrors: deviceBefore.frameErrors, decodeErrors: deviceBefore.decodeErrors });
      // The device saw each echo and the counters request that closed the run, and answered each.
      expect(deviceAfter.framesRx - deviceBefore.framesRx).toBe(n + 1);
      expect(deviceAfter.framesTx - deviceBefore.framesTx).toBe(n + 1);
    } finally {
      await s.close();
    }
  }, 300_000); // a bound, not a target: 35 to 75 s measured on two busy cores

  it('through line noise and a disconnect, every echo comes back intact', async () => {
    const noise = { flip: 1e-3, drop: 0.01 };
    const log: string[] = [];
    const proxy = await startFaultProxy({
      device: sim.path, listen: 'tcp://127.0.0.1:0', toDevice: noise, toHost: noise, cutAfterBytes: 15_000, seed: 7, log: (l) => log.push(l),
    });
    const s = await DeviceSession.open(proxy.url, { timeoutMs: 250, retries: 30, heartbeatMs: 0, reconnectDelayMs: 20 });
    try {
      for (let i = 0; i < 400; i++) {
        const data = Uint8Array.from({ length: i % 64 }, (_, k) => (k * 7 + i) & 0xff);
        expect(await s.echo(data)).toEqual(data);
      }
      const c = s.counters();
      const p = proxy.stats();
      expect(p.cuts, log.join('\n')).toBe(1);
      expect(c.reconnects).toBe(1);
      expect(p.toDevice.dropped + p.toHost.dropped).toBeGreaterThan(0);
      expect(p.toDevice.flipped + p.toHost.flipped).toBeGreaterThan(0);
      expect(c.crcErrors + c.frameErrors + c.deviceFrameErrors).toBeGreaterThan(0);
    } finally {
      await s.close();
      await proxy.close();
    }
  }, 120_000);

  it('speaks the same protocol in the simulator\'s TCP mode', async () => {
    const tcp = await startSimulator({ tcpPort: 0 });
    try {
      expect(tcp.path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      const s = await DeviceSession.open(tcp.path, { heartbeatMs: 0 });
      expect(s.info.deviceId).toBe('hilsolve-sim');
      expect(await s.echo(Uint8Array.of(0, 1, 0, 2))).toEqual(Uint8Array.of(0, 1, 0, 2));
      await s.close();
    } finally {
      await tcp.stop();
    }
  });

  it('reports a device that vanishes', async () => {
    const own = await startSimulator();
    const s = await DeviceSession.open(own.path, { heartbeatMs: 100, timeoutMs: 200, retries: 1, reconnectDelayMs: 50, reconnectForMs: 500 });
    const events: string[] = [];
    s.on('disconnect', () => events.push('disconnect'));
    const gone = new Promise<Error>((resolve) => s.once('gone', resolve));
    await own.stop();
    expect((await gone).message).toMatch(/is gone/);
    expect(events).toEqual(['disconnect']);
    await expect(s.echo(Uint8Array.of(1))).rejects.toThrow(/is gone/);
    await s.close();
  });
});
