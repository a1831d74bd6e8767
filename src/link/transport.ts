// Byte-stream transports to a device: a serial path opened with `serialport` (a pseudo-terminal
// or /dev/ttyUSB0) or `tcp://HOST:PORT`. The caller's data and close handlers are attached before
// the first byte can arrive and stay attached until the end: serialport notices a vanished device
// only while it has a reader. Modem lines (DTR/RTS) are never touched: pseudo-terminals refuse them.
// A serial port opens at SAFE_BAUD unless told otherwise, the rate every hilsolve device starts at;
// the session may then switch both ends to a faster one (setBaud; docs/link-protocol.md, "Link speed").

import net from 'node:net';
import { SerialPort } from 'serialport';
import { DeviceOpenError } from './errors.ts';
import { parseTarget } from './target.ts';

/** The rate a board's UART runs at after reset (12 MHz / 104): every serial device opens at it. */
export const SAFE_BAUD = 115_200;
export const DEFAULT_BAUD = SAFE_BAUD;
const TCP_CONNECT_TIMEOUT_MS = 5000;

export interface Transport {
  /** The target as given: a path or tcp://host:port. */
  readonly target: string;
  /** Queue bytes for sending; a failure shows up as a close. */
  write(bytes: Uint8Array): void;
  /**
   * Serial ports only (absent on TCP, where a rate means nothing): the bit rate now, and a change
   * of it once every byte written so far has left (throws when the port refuses the rate).
   */
  readonly baud?: number;
  setBaud?(baud: number): Promise<void>;
  /** Close; the close handler is then called with `null`. Idempotent. */
  close(): Promise<void>;
}

export interface TransportHandlers {
  onData(chunk: Uint8Array): void;
  /** Called once: `null` after close(), otherwise why the connection ended. */
  onClose(reason: Error | null): void;
}

export interface TransportOptions {
  /** Serial bit rate (ignored for TCP). Default SAFE_BAUD (115200). */
  baud?: number;
}

export async function openTransport(target: string, handlers: TransportHandlers, options: TransportOptions = {}): Promise<Transport> {
  const t = parseTarget(target);
  return t.kind === 'tcp' ? openTcp(target, t.host, t.port, handlers) : openSerial(t.path, options.baud ?? DEFAULT_BAUD, handlers);
}

/** Once-only close notification shared by both transports. */
function closeNotifier(handlers: TransportHandlers): (reason: Error | null) => void {
  let done = false;
  return (reason) => {
    if (done) return;
    done = true;
    handlers.onClose(reason);
  };
}

function describeSerialOpenError(path: string, err: Error): DeviceOpenError {
  const m = err.message;
  if (/Cannot lock port/i.test(m)) return new DeviceOpenError(`${path} is busy: another process owns the device (${m})`);
  if (/ENOENT|No such file/i.test(m)) return new DeviceOpenError(`no device at ${path} (${m})`);
  if (/EACCES|Permission denied/i.test(m)) return new DeviceOpenError(`no permission to open ${path} (${m})`);
  return new DeviceOpenError(`cannot open ${path}: ${m}`);
}

async function openSerial(path: string, baud: number, handlers: TransportHandlers): Promise<Transport> {
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false, lock: true });
  const notify = closeNotifier(handlers);
  let closing = false;
  port.on('data', (chunk: Buffer) => handlers.onData(chunk));
  port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
    if (closing) notify(null);
    else notify(err?.disconnected ? new Error(`device ${path} disconnected`) : (err ?? new Error(`device ${path} closed`)));
  });
  port.on('error', (err: Error) => {
    notify(new Error(`device ${path} failed: ${err.message}`));
    if (port.isOpen) port.close(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => (err ? reject(describeSerialOpenError(path, err)) : resolve()));
  });
  let rate = baud;
  return {
    target: path,
    get baud() {
      return rate;
    },
    write(bytes) {
      if (port.isOpen) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    async setBaud(next) {
      await new Promise<void>((resolve, reject) => port.drain((err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) => port.update({ baudRate: next }, (err) => (err ? reject(err) : resolve())));
      rate = next;
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        if (!port.isOpen) {
          notify(null);
          resolve();
          return;
        }
        port.close(() => {
          notify(null);
          resolve();
        });
      });
    },
  };
}

async function openTcp(target: string, host: string, portNumber: number, handlers: TransportHandlers): Promise<Transport> {
  const socket = net.connect({ host, port: portNumber });
  const notify = closeNotifier(handlers);
  let closing = false;
  let failure: Error | null = null;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error & { code?: string }) => {
      socket.destroy();
      reject(err.code === 'ECONNREFUSED'
        ? new DeviceOpenError(`nothing listens at ${target}`)
        : new DeviceOpenError(`cannot connect to ${target}: ${err.message}`));
    };
    socket.setTimeout(TCP_CONNECT_TIMEOUT_MS, () => fail(new Error(`no connection within ${TCP_CONNECT_TIMEOUT_MS} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      resolve();
    });
  });
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
  socket.on('error', (err) => {
    failure = new Error(`connection to ${target} failed: ${err.message}`);
  });
  socket.on('close', () => notify(closing ? null : (failure ?? new Error(`connection to ${target} closed by the other end`))));
  return {
    target,
    write(bytes) {
      if (!socket.destroyed) socket.write(bytes);
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        if (socket.destroyed) {
          notify(null);
          resolve();
          return;
        }
        socket.once('close', () => resolve());
        socket.destroy();
      });
    },
  };
}
