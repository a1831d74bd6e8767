import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, encodeHost } from '../src/link/codec.ts';
import { encodeFrame } from '../src/link/frame.ts';
import { DeviceError, DeviceGoneError, DeviceOpenError, DeviceTimeoutError, ProtocolError } from '../src/link/errors.ts';
import { DeviceSession, type SessionOptions } from '../src/link/session.ts';
import { startFakeDevice, type FakeDevice, type FakeDeviceOptions } from './helpers/fake-device.ts';

// Timeouts generous enough for a loaded machine: exact retry counts must not depend on its load.
const T = 400;
const FAST: SessionOptions = { timeoutMs: T, retries: 3, heartbeatMs: 0, reconnectDelayMs: 20, reconnectMaxDelayMs: 100, reconnectForMs: 1500 };

let devices: FakeDevice[] = [];
let sessions: DeviceSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(devices.map((d) => d.stop()));
  devices = [];
  sessions = [];
});

async function setup(device: FakeDeviceOptions = {}, session: SessionOptions = {}) {
  const dev = await startFakeDevice(device);
  devices.push(dev);
  const s = await DeviceSession.open(dev.url, { ...FAST, ...session });
  sessions.push(s);
  return { dev, s };
}

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('DeviceSession handshake', () => {
  it('flushes with 0x00, says Hello at version 3, resets the device, and reports the capacities', async () => {
    const { dev, s } = await setup({ window: 3 });
    expect(dev.rawReceived()[0]).toBe(0);
    expect(dev.received.map((m) => m.kind)).toEqual(['hello', 'reset']);
    expect(dev.received[0]).toMatchObject({ kind: 'hello', protocolVersion: 3 });
    expect(s.info).toMatchObject({ deviceId: 'fake-device', protocolVersion: 3, window: 3, maxPayload: 512, build: 7, target: dev.url });
  });

  it('refuses a device that speaks another version, in a HelloReply or an Error', async () => {
    const dev = await startFakeDevice({ protocolVersion: 1 });
    devices.push(dev);
    await expect(DeviceSession.open(dev.url, FAST)).rejects.toThrow(new ProtocolError('device speaks protocol version 1, this host speaks 3'));
    const dev2 = await startFakeDevice({
      fault: (m) => (m.kind === 'hello' ? { kind: 'error', seq: m.seq, code: ErrorCode.VERSION, arg: 4 } : 'answer'),
    });
    devices.push(dev2);
    await expect(DeviceSession.open(dev2.url, FAST)).rejects.toThrow(/protocol version 4/);
  });

  it('says clearly when nothing listens or nothing answers', async () => {
    const dev = await startFakeDevice();
    const url = dev.url;
    await dev.stop();
    await expect(DeviceSession.open(url, FAST)).rejects.toThrow(new DeviceOpenError(`nothing listens at ${url}`));
    const silent = await startFakeDevice({ fault: () => 'drop' });
    devices.push(silent);
    const err = await DeviceSession.open(silent.url, FAST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceTimeoutError);
    expect((err as Error).message).toMatch(new RegExp(`no answer from .* within ${T} ms \\(4 attempts\\)`));
    await expect(DeviceSession.open('/dev/does-not-exist-hilsolve', FAST)).rejects.toThrow(/no device at \/dev\/does-not-exist-hilsolve/);
    const garbling = await startFakeDevice({ fault: () => 'garble' });
    devices.push(garbling);
    await expect(DeviceSession.open(garbling.url, FAST)).rejects.toThrow(/4 attempts, 4 unreadable frames received\): is a hilsolve device there, at the right baud\?/);
  });
});

describe('DeviceSession requests', () => {
  it('echoes and counts frames and bytes both ways', async () => {
    const { dev, s } = await setup();
    const before = s.counters();
    expect(await s.echo(bytes(0, 1, 2, 0))).toEqual(bytes(0, 1, 2, 0));
    const after = s.counters();
    expect(after.framesTx - before.framesTx).toBe(1);
    expect(after.framesRx - before.framesRx).toBe(1);
    const sent = dev.received[dev.received.length - 1]!;
    expect(after.bytesTx - before.bytesTx).toBe(encodeFrame(encodeHost(sent)).length);
    expect(after.bytesRx - before.bytesRx).toBe(after.bytesTx - before.bytesTx); // same field number both ways
  });

  it('retries an idempotent request after a timeout with a new seq', async () => {
    const { dev, s } = await setup({ fault: (m, i) => (m.kind === 'echo' && i < 2 ? 'drop' : 'answer') });
    const t0 = Date.now();
    expect(await s.echo(bytes(9))).toEqual(bytes(9));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * T - 10);
    const seqs = dev.received.filter((m) => m.kind === 'echo').map((m) => m.seq);
    expect(new Set(seqs).size).toBe(3);
    expect(s.counters()).toMatchObject({ retries: 2, timeouts: 2 });
  });

  it('retransmits at once when the reply arrives corrupted, and drops the late duplicate as stale', async () => {
    const { s } = await setup({ fault: (m, i) => (m.kind === 'echo' && i === 0 ? 'garble' : 'answer') }, { timeoutMs: 5000 });
    const t0 = Date.now();
    expect(await s.echo(bytes(1, 2, 3))).toEqual(bytes(1, 2, 3));
    expect(Date.now() - t0).toBeLessThan(1000);
    const c = s.counters();
    expect(c.crcErrors + c.frameErrors).toBe(1);
    expect(c).toMatchObject({ retries: 1, timeouts: 0 });
  });

  it('retransmits at once when the device reports a CRC error for our frame', async () => {
    const { s } = await setup({
      fault: (m, i) => (m.kind === 'echo' && i === 0 ? { kind: 'error', seq: 0, code: ErrorCode.CRC, arg: 0 } : 'answer'),
    }, { timeoutMs: 5000 });
    const t0 = Date.now();
    await s.echo(bytes(4));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.counters()).toMatchObject({ deviceFrameErrors: 1, retries: 1 });
  });

  it('gives up with DeviceTimeoutError after all attempts, then reconnects', async () => {
    const { dev, s } = await setup({ fault: (m) => (m.kind === 'counters' ? 'drop' : 'answer') });
    const reconnected = new Promise((resolve) => s.once('reconnect', resolve));
    await expect(s.deviceCounters()).rejects.toThrow(new DeviceTimeoutError(`no reply to counters after 4 attempts of ${T} ms`));
    await reconnected;
    expect(dev.connections).toBe(2);
    expect(await s.echo(bytes(5))).toEqual(bytes(5));
  });

  it('does not retry program messages', async () => {
    const { dev, s } = await setup({ fault: (m) => (m.kind === 'programChunk' ? 'drop' : 'answer') });
    await expect(s.request({ kind: 'programChunk', chunkKind: 0, offset: 0, data: bytes(0x11) })).rejects.toThrow(DeviceTimeoutError);
    expect(dev.received.filter((m) => m.kind === 'programChunk')).toHaveLength(1);
    expect(s.counters().retries).toBe(0);
  });

  it('turns an Error frame into DeviceError with the code name', async () => {
    const { s } = await setup({
      fault: (m) => (m.kind === 'programBegin' ? { kind: 'error', seq: m.seq, code: ErrorCode.CAPACITY, arg: 2 } : 'answer'),
    });
    const err = await s.request({ kind: 'programBegin', programId: 1, numVars: 9999, numWords: 1, numConstraints: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ codeName: 'ERROR_CAPACITY', arg: 2 });
    expect((err as Error).message).toMatch(/device refused programBegin \d+: ERROR_CAPACITY \(arg 2\)/);
  });

  it('refuses a reply of the wrong kind for its seq', async () => {
    const { s } = await setup({ fault: (m) => (m.kind === 'reset' && m.seq > 2 ? { kind: 'echo', seq: m.seq, data: bytes() } : 'answer') });
    await expect(s.reset()).rejects.toThrow(/answered reset \d+ with echo, expected ack/);
  });

  it('refuses a payload longer than the device accepts, before sending it', async () => {
    const { dev, s } = await setup({ maxPayload: 256 });
    await expect(s.echo(new Uint8Array(300))).rejects.toThrow(/exceeds the device's max_payload of 256/);
    expect(dev.received.filter((m) => m.kind === 'echo')).toHaveLength(0);
  });

  it('runs control requests one at a time', async () => {
    const { dev, s } = await setup({ replyDelayMs: 20 });
    const n = dev.received.length;
    await Promise.all([s.echo(bytes(1)), s.echo(bytes(2)), s.reset(), s.echo(bytes(3))]);
    expect(dev.received.slice(n).map((m) => m.kind)).toEqual(['echo', 'echo', 'reset', 'echo']);
  });
});

describe('DeviceSession candidates', () => {
  const cand = (i: number) => ({ programId: 7, values: bytes(i & 0xff, i >> 8) });

  it('keeps at most `window` candidates in flight and matches every verdict to its candidate', async () => {
    const { dev, s } = await setup({ window: 3, replyDelayMs: 2 });
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => s.sendCandidate(cand(i))));
    expect(dev.maxCandidatesInFlight).toBe(3);
    const sent = dev.received.filter((m) => m.kind === 'candidate');
    verdicts.forEach((v, i) => {
      const c = sent.find((m) => m.seq === v.seq);
      expect(c && 'values' in c ? c.values : undefined).toEqual(cand(i).values);
    });
  });

  it('sends candidates only through the window', async () => {
    const { s } = await setup();
    await expect(s.request({ kind: 'candidate', programId: 7, values: bytes(1) })).rejects.toThrow(/through sendCandidate/);
  });

  it('refuses a verdict whose digest is not that of the candidate', async () => {
    const { s } = await setup({
      fault: (m) => (m.kind === 'candidate'
        ? { kind: 'verdict', seq: m.seq, programId: 7, ok: true, violatedCount: 0, violated: [], digest: 123, cycles: 1 }
        : 'answer'),
    });
    await expect(s.sendCandidate(cand(1))).rejects.toThrow(ProtocolError);
  });

  it('retries a candidate after a timeout and after ERROR_WINDOW', async () => {
    const { s } = await setup({
      fault: (m, i) => (m.kind !== 'candidate' ? 'answer'
        : i === 0 ? 'drop'
          : i === 1 ? { kind: 'error', seq: m.seq, code: ErrorCode.WINDOW, arg: 0 } : 'answer'),
    });
    const v = await s.sendCandidate(cand(5));
    expect(v.ok).toBe(true);
    expect(s.counters()).toMatchObject({ retries: 2, timeouts: 1 });
  });

  it('fails a candidate in flight when the connection drops, since the program is gone', async () => {
    const { s } = await setup({ fault: (m) => (m.kind === 'candidate' ? 'close' : 'answer') });
    await expect(s.sendCandidate(cand(1))).rejects.toThrow(DeviceGoneError);
  });
});

describe('DeviceSession reconnection', () => {
  it('reconnects when the device drops the connection, redoes the handshake and says the program is gone', async () => {
    const { dev, s } = await setup();
    const events: string[] = [];
    s.on('disconnect', () => events.push('disconnect'));
    const reconnected = new Promise((resolve) => s.once('reconnect', (info) => { events.push('reconnect'); resolve(info); }));
    dev.dropConnections();
    expect(await reconnected).toMatchObject({ deviceId: 'fake-device' });
    expect(events).toEqual(['disconnect', 'reconnect']);
    expect(dev.received.map((m) => m.kind)).toEqual(['hello', 'reset', 'hello', 'reset']);
    expect(await s.echo(bytes(7))).toEqual(bytes(7));
    expect(s.counters().reconnects).toBe(1);
  });

  it('retries an echo whose connection was cut while it was in flight', async () => {
    const { s } = await setup({ fault: (m, i) => (m.kind === 'echo' && i === 0 ? 'close' : 'answer') });
    expect(await s.echo(bytes(8, 8))).toEqual(bytes(8, 8));
    expect(s.counters().reconnects).toBe(1);
  });

  it('notices a device that stops answering through the heartbeat', async () => {
    let silent = false;
    const { dev, s } = await setup({ fault: () => (silent ? 'drop' : 'answer') }, { heartbeatMs: 100, timeoutMs: 80, retries: 1 });
    const disconnected = new Promise((resolve) => s.once('disconnect', resolve));
    silent = true;
    expect(String(await disconnected)).toMatch(/no reply to echo after 2 attempts/);
    silent = false;
    await new Promise((resolve) => s.once('reconnect', resolve));
    expect(dev.connections).toBe(2);
  });

  it('gives up after reconnectForMs and then fails every call with DeviceGoneError', async () => {
    const { dev, s } = await setup({}, { reconnectForMs: 300 });
    const gone = new Promise((resolve) => s.once('gone', resolve));
    await dev.stop();
    expect(String(await gone)).toMatch(/is gone: nothing listens at/);
    await expect(s.echo(bytes(1))).rejects.toThrow(DeviceGoneError);
    await expect(s.sendCandidate({ programId: 1, values: bytes(0) })).rejects.toThrow(DeviceGoneError);
  });

  it('makes requests issued during a reconnection wait for it', async () => {
    const { dev, s } = await setup();
    const disconnected = new Promise((resolve) => s.once('disconnect', resolve));
    dev.dropConnections();
    await disconnected;
    expect(await s.echo(bytes(3, 3))).toEqual(bytes(3, 3));
  });
});
