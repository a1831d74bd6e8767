// The simulated device in TCP mode: one client at a time on 127.0.0.1, the next one served when
// the current one leaves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import type { DeviceOf } from '../src/link/codec.ts';
import { RawDevice } from './helpers/raw-device.ts';

describe('simulated device on TCP', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ tcpPort: 0 });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('serves on a free port it picked and reports it', () => {
    expect(sim.path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(sim.path).port)).toBeGreaterThan(0);
  });

  it('answers a client, and the next client after it leaves', async () => {
    for (let round = 0; round < 3; round++) {
      const dev = await RawDevice.open(sim.path);
      const hello = (await dev.request({ kind: 'hello', seq: round, protocolVersion: 3 })) as DeviceOf<'hello'>;
      expect(hello.kind).toBe('hello');
      expect(hello.seq).toBe(round);
      // A TCP device has no UART of its own, but the simulated one reports the RTL's bit rate.
      expect(hello.baud).toBeGreaterThan(0);
      const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 13 + round) & 0xff);
      const echo = (await dev.request({ kind: 'echo', seq: 10 + round, data })) as DeviceOf<'echo'>;
      expect(echo.seq).toBe(10 + round);
      expect([...echo.data]).toEqual([...data]);
      await dev.close();
    }
  });

  it('keeps a second client waiting until the first one leaves', async () => {
    const first = await RawDevice.open(sim.path);
    expect((await first.request({ kind: 'counters', seq: 1 })).kind).toBe('counters');
    const second = await RawDevice.open(sim.path); // connects into the backlog
    second.send({ kind: 'echo', seq: 2, data: Uint8Array.from([2]) });
    await expect(second.nextFrame(300)).rejects.toThrow(/no frame/);
    // The first client still has the device to itself.
    expect((await first.request({ kind: 'echo', seq: 3, data: Uint8Array.from([3]) })).seq).toBe(3);
    await first.close();
    const reply = (await second.next()) as DeviceOf<'echo'>;
    expect(reply).toMatchObject({ kind: 'echo', seq: 2 });
    await second.close();
  });
});
