import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { ByteFaults, startFaultProxy, type FaultProxy } from '../src/link/fault-proxy.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startFakeDevice, type FakeDevice } from './helpers/fake-device.ts';

const data = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);

describe('ByteFaults', () => {
  it('damages at about the configured rates', () => {
    const f = new ByteFaults({ flip: 0.01, drop: 0.02, dup: 0.03 }, new Prng(5));
    const out = f.apply(data);
    const s = f.stats;
    expect(s.bytesIn).toBe(data.length);
    expect(s.flipped / data.length).toBeGreaterThan(0.006);
    expect(s.flipped / data.length).toBeLessThan(0.014);
    expect(s.dropped / data.length).toBeGreaterThan(0.015);
    expect(s.dropped / data.length).toBeLessThan(0.025);
    expect(s.duplicated / data.length).toBeGreaterThan(0.024);
    expect(s.duplicated / data.length).toBeLessThan(0.036);
    expect(out.length).toBe(data.length - s.dropped + s.duplicated);
  });

  it('is reproducible from the seed, however the bytes are chunked', () => {
    const rates = { flip: 0.01, drop: 0.01, dup: 0.01 };
    const whole = new ByteFaults(rates, new Prng(9)).apply(data);
    const f = new ByteFaults(rates, new Prng(9));
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += 333) pieces.push(f.apply(data.subarray(i, i + 333)));
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(whole));
    expect(Buffer.from(new ByteFaults(rates, new Prng(10)).apply(data))).not.toEqual(Buffer.from(whole));
  });

  it('passes bytes untouched at rate 0 and refuses rates outside 0..1', () => {
    expect(new ByteFaults({}, new Prng(1)).apply(data)).toEqual(data);
    expect(() => new ByteFaults({ flip: 1.5 }, new Prng(1))).toThrow(/between 0 and 1/);
  });
});

describe('fault proxy', () => {
  let device: FakeDevice | undefined;
  let proxy: FaultProxy | undefined;
  let session: DeviceSession | undefined;
  afterEach(async () => {
    await session?.close();
    await proxy?.close();
    await device?.stop();
  });

  it('forwards faithfully with no faults', async () => {
    device = await startFakeDevice();
    proxy = await startFaultProxy({ device: device.url, listen: 'tcp://127.0.0.1:0' });
    session = await DeviceSession.open(proxy.url, { heartbeatMs: 0 });
    expect(await session.echo(Uint8Array.of(0, 1, 2))).toEqual(Uint8Array.of(0, 1, 2));
    expect(proxy.stats()).toMatchObject({ connections: 1, cuts: 0 });
    expect(proxy.stats().toDevice.bytesOut).toBe(session.counters().bytesTx);
  });

  it('under noise and one cut, every echo comes back intact (retried as needed)', async () => {
    device = await startFakeDevice();
    const noise = { flip: 0.002, drop: 0.01, dup: 0.002 };
    proxy = await startFaultProxy({
      device: device.url, listen: 'tcp://127.0.0.1:0', toDevice: noise, toHost: noise, cutAfterBytes: 6000, seed: 42,
    });
    session = await DeviceSession.open(proxy.url, { timeoutMs: 100, retries: 20, heartbeatMs: 0, reconnectDelayMs: 10 });
    for (let i = 0; i < 300; i++) {
      const payload = Uint8Array.from({ length: i % 40 }, (_, k) => (i + k * 13) & 0xff);
      expect(await session.echo(payload)).toEqual(payload);
    }
    const c = session.counters();
    expect(proxy.stats().cuts).toBe(1);
    expect(c.reconnects).toBe(1);
    expect(c.retries).toBeGreaterThan(0);
    expect(c.crcErrors + c.frameErrors + c.deviceFrameErrors).toBeGreaterThan(0);
  });

  it('delays each direction by delayMs, keeping the order', async () => {
    device = await startFakeDevice();
    proxy = await startFaultProxy({ device: device.url, listen: 'tcp://127.0.0.1:0', toDevice: { delayMs: 60 }, toHost: { delayMs: 60 } });
    session = await DeviceSession.open(proxy.url, { heartbeatMs: 0 });
    const t0 = Date.now();
    const replies = await Promise.all([session.echo(Uint8Array.of(1)), session.echo(Uint8Array.of(2))]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * 120 - 10); // two round trips, one after the other
    expect(replies).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
  });

  it('closes the host connection when the device cannot be opened', async () => {
    const lines: string[] = [];
    proxy = await startFaultProxy({ device: '/dev/no-such-device-hilsolve', listen: 'tcp://127.0.0.1:0', log: (l) => lines.push(l) });
    await expect(DeviceSession.open(proxy.url, { timeoutMs: 200, retries: 0, heartbeatMs: 0 })).rejects.toThrow();
    expect(lines.join('\n')).toMatch(/no device at \/dev\/no-such-device-hilsolve/);
  });
});
