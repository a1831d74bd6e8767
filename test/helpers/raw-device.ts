// A bare link to a device for RTL tests: frames out, deframed and decoded replies in, nothing
// else (no session, no retries), so a test sees exactly what the device sent. Works over a
// serial path (the simulator's pseudo-terminal) or tcp://HOST:PORT.

import net from 'node:net';
import { SerialPort } from 'serialport';
import { Deframer, encodeFrame, type FrameEvent } from '../../src/link/frame.ts';
import { decodeDevice, encodeHost, type DeviceMessage, type HostMessage } from '../../src/link/codec.ts';

/** Replies are read with this payload limit, larger than any device's, to see what it sends. */
const READ_LIMIT = 4096;

export class RawDevice {
  private readonly deframer = new Deframer(READ_LIMIT);
  private readonly events: FrameEvent[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly sink: { write(b: Uint8Array): void; close(): Promise<void> }) {}

  static async open(path: string): Promise<RawDevice> {
    if (path.startsWith('tcp://')) {
      const url = new URL(path);
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.setNoDelay(true);
      const dev = new RawDevice({
        write: (b) => socket.write(b),
        close: () => new Promise<void>((resolve) => socket.end(() => { socket.destroy(); resolve(); })),
      });
      socket.on('data', (chunk: Buffer) => dev.receive(chunk));
      return dev;
    }
    const port = new SerialPort({ path, baudRate: 3_000_000, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const dev = new RawDevice({
      write: (b) => port.write(Buffer.from(b)),
      close: () => new Promise<void>((resolve) => port.close(() => resolve())),
    });
    port.on('data', (chunk: Buffer) => dev.receive(chunk));
    return dev;
  }

  private receive(chunk: Uint8Array): void {
    this.events.push(...this.deframer.push(chunk));
    this.waiter?.();
  }

  /** Send raw bytes as they are (garbage, hand-made frames). */
  writeRaw(bytes: Uint8Array | number[]): void {
    this.sink.write(Uint8Array.from(bytes));
  }

  /** Send one payload in a well-formed frame. */
  sendPayload(payload: Uint8Array): void {
    this.sink.write(encodeFrame(payload));
  }

  send(msg: HostMessage): void {
    this.sendPayload(encodeHost(msg));
  }

  /** The next frame from the device, good or bad; rejects after `timeoutMs`. */
  async nextFrame(timeoutMs = 5000): Promise<FrameEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame from the device within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.events.shift()!;
  }

  /** The next reply, which must be a good frame holding a valid DeviceMessage. */
  async next(timeoutMs = 5000): Promise<DeviceMessage> {
    const ev = await this.nextFrame(timeoutMs);
    if (!ev.ok) throw new Error(`bad frame from the device: ${ev.error.message}`);
    return decodeDevice(ev.payload);
  }

  async request(msg: HostMessage, timeoutMs = 5000): Promise<DeviceMessage> {
    this.send(msg);
    return this.next(timeoutMs);
  }

  /** Frames received but not yet read. */
  get pending(): number {
    return this.events.length;
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}
