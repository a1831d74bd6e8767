// A fault-injecting proxy between a host and a device, for testing the link under line noise:
// it listens on TCP for the host, opens the device (a serial path or tcp://) anew for every host
// connection, and damages the bytes in each direction: flips a bit, drops or duplicates a byte at
// given rates, delays every chunk, and cuts the connection after a number of bytes. Each direction
// draws from its own seeded random stream, a fixed number of draws per byte, so the damage depends
// only on the seed and the bytes carried. docs/link-protocol.md, "Fault injection".

import net from 'node:net';
import { Prng } from '../model/prng.ts';
import { LinkError } from './errors.ts';
import { parseTarget } from './target.ts';
import { openTransport, type Transport } from './transport.ts';

export interface FaultRates {
  /** Probability that a byte gets one random bit flipped. */
  flip: number;
  /** Probability that a byte is dropped. */
  drop: number;
  /** Probability that a byte is sent twice. */
  dup: number;
  /** Every chunk is held back this long (order is kept). */
  delayMs: number;
}

export interface FaultProxyOptions {
  /** The device: a serial path or tcp://HOST:PORT. */
  device: string;
  /** Where the host connects: tcp://HOST:PORT (port 0: any free port). */
  listen: string;
  baud?: number;
  toDevice?: Partial<FaultRates>;
  toHost?: Partial<FaultRates>;
  /** Close both sides of a connection once it has carried this many bytes (both directions). */
  cutAfterBytes?: number;
  /** How many connections may be cut in all. Default 1. */
  maxCuts?: number;
  seed?: number;
  /** Told about connections, cuts and devices that cannot be opened. */
  log?: (line: string) => void;
}

export interface DirectionStats {
  bytesIn: number;
  bytesOut: number;
  flipped: number;
  dropped: number;
  duplicated: number;
}

export interface FaultStats {
  connections: number;
  cuts: number;
  toDevice: DirectionStats;
  toHost: DirectionStats;
}

export interface FaultProxy {
  /** tcp://HOST:PORT the host should open. */
  url: string;
  stats(): FaultStats;
  close(): Promise<void>;
}

const NO_FAULTS: FaultRates = { flip: 0, drop: 0, dup: 0, delayMs: 0 };

/** Damages one direction's bytes; four random draws per byte whatever happens to it. */
export class ByteFaults {
  readonly stats: DirectionStats = { bytesIn: 0, bytesOut: 0, flipped: 0, dropped: 0, duplicated: 0 };
  private readonly rates: FaultRates;

  constructor(rates: Partial<FaultRates>, private readonly prng: Prng) {
    this.rates = { ...NO_FAULTS, ...rates };
    for (const k of ['flip', 'drop', 'dup'] as const) {
      const r = this.rates[k];
      if (!(r >= 0 && r <= 1)) throw new RangeError(`${k} rate must be between 0 and 1, got ${r}`);
    }
  }

  get delayMs(): number {
    return this.rates.delayMs;
  }

  apply(chunk: Uint8Array): Uint8Array {
    const out: number[] = [];
    for (const byte of chunk) {
      const drop = this.prng.next() < this.rates.drop;
      const flip = this.prng.next() < this.rates.flip;
      const bit = this.prng.int(8);
      const dup = this.prng.next() < this.rates.dup;
      if (drop) {
        this.stats.dropped++;
        continue;
      }
      const b = flip ? byte ^ (1 << bit) : byte;
      if (flip) this.stats.flipped++;
      out.push(b);
      if (dup) {
        out.push(b);
        this.stats.duplicated++;
      }
    }
    this.stats.bytesIn += chunk.length;
    this.stats.bytesOut += out.length;
    return Uint8Array.from(out);
  }
}

/** Passes chunks on after `delayMs`, in order. */
function delayed(delayMs: number, write: (bytes: Uint8Array) => void): (bytes: Uint8Array) => void {
  if (delayMs <= 0) return write;
  return (bytes) => setTimeout(() => write(bytes), delayMs);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const listen = parseTarget(options.listen, true);
  const log = options.log ?? (() => undefined);
  if (listen.kind !== 'tcp') throw new LinkError(`the proxy listens on tcp://HOST:PORT, not '${options.listen}'`);
  const seed = options.seed ?? 1;
  const toDevice = new ByteFaults(options.toDevice ?? {}, new Prng(seed));
  const toHost = new ByteFaults(options.toHost ?? {}, new Prng((seed ^ 0x5bd1e995) >>> 0));
  const maxCuts = options.maxCuts ?? 1;
  let connections = 0;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  // A serial device has one owner: a new connection opens it only after the last one closed it.
  let deviceReleased: Promise<void> = Promise.resolve();

  const server = net.createServer((socket) => {
    const id = ++connections;
    log(`connection ${id} from ${socket.remoteAddress}:${socket.remotePort}`);
    sockets.add(socket);
    socket.setNoDelay(true);
    let device: Transport | null = null;
    let closed = false;
    let carried = 0;
    const early: Uint8Array[] = [];
    let releaseDevice: () => void = () => undefined;
    const previous = deviceReleased;
    deviceReleased = new Promise<void>((resolve) => { releaseDevice = resolve; });

    const shutdown = () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      socket.destroy();
      const d = device;
      device = null;
      void (d ? d.close() : Promise.resolve()).finally(releaseDevice);
    };
    const count = (n: number) => {
      carried += n;
      if (options.cutAfterBytes !== undefined && carried >= options.cutAfterBytes && cuts < maxCuts) {
        cuts++;
        log(`connection ${id}: cut after ${carried} bytes`);
        shutdown();
      }
    };
    const writeHost = delayed(toHost.delayMs, (b) => { if (!socket.destroyed) socket.write(b); });
    const writeDevice = delayed(toDevice.delayMs, (b) => device?.write(b));

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      if (!device) {
        early.push(chunk);
        return;
      }
      writeDevice(toDevice.apply(chunk));
      count(chunk.length);
    });
    socket.on('error', () => undefined);
    socket.on('close', shutdown);

    void previous.then(() => openTransport(options.device, {
      onData: (chunk) => {
        if (closed) return;
        writeHost(toHost.apply(chunk));
        count(chunk.length);
      },
      onClose: (reason) => {
        if (reason) log(`connection ${id}: device closed: ${reason.message}`);
        shutdown();
      },
    }, { baud: options.baud })).then((t) => {
      if (closed) {
        void t.close().finally(releaseDevice);
        return;
      }
      device = t;
      for (const chunk of early.splice(0)) {
        writeDevice(toDevice.apply(chunk));
        count(chunk.length);
      }
    }, (err: unknown) => {
      log(`connection ${id}: ${err instanceof Error ? err.message : String(err)}`);
      shutdown();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port === 0 ? 0 : listen.port, listen.host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `tcp://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${address.port}`,
    stats: () => ({ connections, cuts, toDevice: { ...toDevice.stats }, toHost: { ...toHost.stats } }),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => void deviceReleased.then(resolve));
    }),
  };
}
