import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeviceOpenError } from '../src/link/errors.ts';
import { parseTarget } from '../src/link/target.ts';
import { openTransport } from '../src/link/transport.ts';

describe('parseTarget', () => {
  it('tells TCP addresses from serial paths', () => {
    expect(parseTarget('tcp://127.0.0.1:7000')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 7000 });
    expect(parseTarget('tcp://[::1]:7000')).toEqual({ kind: 'tcp', host: '::1', port: 7000 });
    expect(parseTarget('tcp://localhost:0', true)).toEqual({ kind: 'tcp', host: 'localhost', port: 0 });
    expect(parseTarget('/dev/ttyUSB0')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0' });
  });

  it.each(['tcp://host', 'tcp://host:0', 'tcp://host:99999', 'tcp://host:7000/path', 'tcp://:7000', ''])('refuses %j', (t) => {
    expect(() => parseTarget(t)).toThrow(DeviceOpenError);
  });
});

describe('TCP transport', () => {
  it('delivers bytes both ways and reports the other end closing', async () => {
    const server = net.createServer((socket) => {
      socket.on('data', (d) => {
        socket.write(Buffer.concat([d, d]));
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const received: Buffer[] = [];
    let closed: Error | null | undefined;
    const done = new Promise<void>((resolve) => {
      void openTransport(url, {
        onData: (c) => received.push(Buffer.from(c)),
        onClose: (reason) => { closed = reason; resolve(); },
      }).then((t) => t.write(Uint8Array.of(1, 0, 2)));
    });
    await done;
    expect(Buffer.concat(received)).toEqual(Buffer.from([1, 0, 2, 1, 0, 2]));
    expect(closed?.message).toBe(`connection to ${url} closed by the other end`);
    server.close();
  });

  it('reports its own close() as a null reason, once', async () => {
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const reasons: (Error | null)[] = [];
    const t = await openTransport(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, {
      onData: () => undefined,
      onClose: (r) => reasons.push(r),
    });
    await t.close();
    await t.close();
    expect(reasons).toEqual([null]);
    server.close();
  });
});

describe('serial transport', () => {
  it('says so when the path does not exist', async () => {
    await expect(openTransport('/dev/no-such-tty-hilsolve', { onData: () => undefined, onClose: () => undefined }))
      .rejects.toThrow(/^no device at \/dev\/no-such-tty-hilsolve/);
  });
});
