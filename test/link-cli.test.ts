import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import { startFakeDevice, type FakeDevice } from './helpers/fake-device.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('hilsolve device info', () => {
  let device: FakeDevice | undefined;
  afterEach(async () => {
    await device?.stop();
    device = undefined;
  });

  it('prints the handshake as text and as JSON', async () => {
    device = await startFakeDevice({ window: 6 });
    const text = await cli(['device', 'info', '--port', device.url]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^device +fake-device \(build 7\)$/m);
    expect(text.out).toMatch(/^window +6 candidates$/m);
    expect(text.out).toMatch(/^baud +not a UART$/m);
    const json = await cli(['device', 'info', '--port', device.url, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ deviceId: 'fake-device', protocolVersion: 3, window: 6, maxPayload: 512, target: device.url });
  });

  it('exits 3 with a clear message when there is no device or no answer', async () => {
    const missing = await cli(['device', 'info', '--port', '/dev/no-such-device-hilsolve']);
    expect(missing).toMatchObject({ code: 3, out: '' });
    expect(missing.err).toMatch(/^hilsolve device: no device at \/dev\/no-such-device-hilsolve/);
    device = await startFakeDevice({ fault: () => 'drop' });
    const silent = await cli(['device', 'info', '--port', device.url, '--timeout-ms', '100']);
    expect(silent.code).toBe(3);
    expect(silent.err).toMatch(/no answer from tcp:\/\/127\.0\.0\.1:\d+ within 100 ms \(3 attempts\)/);
  });

  it('exits 2 on bad usage', async () => {
    expect((await cli(['device', 'info'])).err).toMatch(/--port is required/);
    expect((await cli(['device', 'info', '--port', 'x', '--baud', 'fast'])).code).toBe(2);
    expect((await cli(['device', 'status', '--port', 'x'])).err).toMatch(/unknown device command 'status'/);
    const malformed = await cli(['device', 'info', '--port', 'tcp://nohost']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/malformed device address 'tcp:\/\/nohost': expected tcp:\/\/HOST:PORT/);
  });
});

describe('hilsolve link-proxy', () => {
  it('exits 2 on bad usage', async () => {
    expect((await cli(['link-proxy', '--listen', 'tcp://127.0.0.1:0'])).err).toMatch(/--device is required/);
    const bad = await cli(['link-proxy', '--device', 'x', '--listen', 'tcp://127.0.0.1:0', '--flip', '2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--flip must be a number from 0 to 1, not '2'/);
    expect((await cli(['link-proxy', '--device', 'x', '--listen', '/dev/ttyS0'])).err).toMatch(/--listen takes tcp:\/\/HOST:PORT/);
  });
});
