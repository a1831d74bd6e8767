// An in-process device for host-side link tests: a TCP server that speaks the link protocol
// (docs/link-protocol.md) with the real framing and codec, plus knobs to misbehave. It is no model
// of the validator: every candidate is "ok" with the right digest unless a test says otherwise.
// Nor of the search engine: with `search` set it acknowledges the search messages, answers
// SearchStatusRequest and SearchStop with `searchStatus()`, and sends Solution parts only when a
// test pushes them (push()).

import net from 'node:net';
import { crc32 } from '../../src/model/crc32.ts';
import {
  ErrorCode, PROTOCOL_VERSION, decodeHost, encodeDevice, type DeviceMessage, type HelloReply, type HostMessage, type SearchStatus,
} from '../../src/link/codec.ts';
import { Deframer, encodeFrame } from '../../src/link/frame.ts';

/** What to do with one request: answer normally, stay silent, corrupt the reply, send this instead, or hang up. */
export type FaultAction = 'answer' | 'drop' | 'garble' | 'close' | DeviceMessage;

export interface FakeDeviceOptions {
  protocolVersion?: number;
  window?: number;
  maxPayload?: number;
  /** Delay before each reply, ms (replies keep their order). */
  replyDelayMs?: number;
  /** Decide per request; `index` counts requests of that kind since the device started. */
  fault?: (msg: HostMessage, index: number) => FaultAction;
  /** HelloReply fields to answer instead of the defaults (capacities, e.g. maxWords). */
  hello?: Partial<HelloReply>;
  /** HelloReply.search: [chains, max_vars, max_values, max_clauses, max_literals]; default [] (no search). */
  search?: number[];
  /** Fields of the SearchStatus answered to SearchStatusRequest and SearchStop (seq is filled in). */
  searchStatus?: (msg: HostMessage) => Partial<SearchStatus>;
  /**
   * A model of some part of the device (test/helpers/fake-search.ts): its reply to a request, or
   * undefined for the default answer. `push` sends frames unprompted on this connection.
   */
  engine?: (msg: HostMessage, push: (msg: DeviceMessage) => void) => DeviceMessage | undefined;
}

export interface FakeDevice {
  url: string;
  /** Every request decoded, in order of arrival, over all connections. */
  received: HostMessage[];
  /** Raw bytes received, over all connections. */
  rawReceived(): Uint8Array;
  connections: number;
  /** Candidates received but not yet answered, at most. */
  maxCandidatesInFlight: number;
  /** Close every open connection (the device "vanishes" and comes back). */
  dropConnections(): void;
  /** Send a frame unprompted (a Solution part) on every open connection, behind any replies still queued. */
  push(msg: DeviceMessage): void;
  stop(): Promise<void>;
}

export async function startFakeDevice(options: FakeDeviceOptions = {}): Promise<FakeDevice> {
  const sockets = new Set<net.Socket>();
  const raw: Buffer[] = [];
  const perKind = new Map<string, number>();
  const pushers = new Set<(msg: DeviceMessage) => void>();
  const device: FakeDevice = {
    url: '',
    received: [],
    rawReceived: () => Buffer.concat(raw),
    connections: 0,
    maxCandidatesInFlight: 0,
    dropConnections: () => { for (const s of sockets) s.destroy(); },
    push: (msg) => { for (const p of pushers) p(msg); },
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };

  const server = net.createServer((socket) => {
    device.connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      pushers.delete(pusher);
    });
    socket.on('error', () => undefined);
    const deframer = new Deframer(options.maxPayload ?? 512);
    let inFlight = 0;
    let replyChain = Promise.resolve();
    const send = (msg: DeviceMessage, garble = false) => {
      const frame = encodeFrame(encodeDevice(msg));
      if (garble) frame[1]! ^= frame[1] === 0x01 ? 0x02 : 0x01; // never makes a zero; COBS or the CRC catches it
      if (!socket.destroyed) socket.write(frame);
    };
    const reply = (msg: DeviceMessage, garble = false, isCandidate = false) => {
      replyChain = replyChain.then(async () => {
        if (options.replyDelayMs) await new Promise((r) => setTimeout(r, options.replyDelayMs));
        if (isCandidate) inFlight--;
        send(msg, garble);
      });
    };
    const pusher = (msg: DeviceMessage) => { replyChain = replyChain.then(() => send(msg)); };
    pushers.add(pusher);
    socket.on('data', (chunk: Buffer) => {
      raw.push(chunk);
      for (const event of deframer.push(chunk)) {
        if (!event.ok) {
          send({ kind: 'error', seq: 0, code: event.error.kind === 'crc' ? ErrorCode.CRC : ErrorCode.FRAME, arg: 0 });
          continue;
        }
        let msg: HostMessage;
        try {
          msg = decodeHost(event.payload);
        } catch {
          send({ kind: 'error', seq: 0, code: ErrorCode.DECODE, arg: 0 });
          continue;
        }
        device.received.push(msg);
        const index = perKind.get(msg.kind) ?? 0;
        perKind.set(msg.kind, index + 1);
        const action = options.fault?.(msg, index) ?? 'answer';
        if (action === 'close') {
          socket.destroy();
          return;
        }
        const isCandidate = msg.kind === 'candidate';
        if (isCandidate) {
          inFlight++;
          device.maxCandidatesInFlight = Math.max(device.maxCandidatesInFlight, inFlight);
        }
        if (action === 'drop') {
          if (isCandidate) inFlight--;
          continue;
        }
        const modelled = typeof action === 'object' ? undefined : options.engine?.(msg, pusher);
        reply(typeof action === 'object' ? action : modelled ?? answer(msg, options), action === 'garble', isCandidate);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  device.url = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return device;
}

function answer(msg: HostMessage, options: FakeDeviceOptions): DeviceMessage {
  switch (msg.kind) {
    case 'hello':
      return {
        kind: 'hello', seq: msg.seq, protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION,
        deviceId: Uint8Array.from(Buffer.from('fake-device')), build: 7, maxPayload: options.maxPayload ?? 512,
        window: options.window ?? 4, clockHz: 1_000_000, baud: 0, maxVars: 64, maxDomain: 256, maxWords: 256,
        maxConstraints: 64, maxViolations: 4, engines: 1, search: options.search ?? [], ...options.hello,
      };
    case 'echo':
      return { kind: 'echo', seq: msg.seq, data: msg.data };
    case 'counters':
      return {
        kind: 'counters', seq: msg.seq, framesRx: 1, framesTx: 1, crcErrors: 0, frameErrors: 0, decodeErrors: 0,
        cyclesLo: 0, cyclesHi: 0, candidates: 0, busyCycles: 0,
      };
    case 'candidate':
      return {
        kind: 'verdict', seq: msg.seq, programId: msg.programId, ok: true, violatedCount: 0, violated: [],
        digest: crc32(msg.values), cycles: 1,
      };
    case 'searchStatus':
    case 'searchStop':
      return {
        kind: 'searchStatus', state: 2, flipsLo: 0, flipsHi: 0, restarts: 0, solutions: 0, rejects: 0, unsat: 0, bestUnsat: 0,
        cyclesLo: 0, cyclesHi: 0, searchSeq: 0, ...options.searchStatus?.(msg), seq: msg.seq,
      };
    default:
      return { kind: 'ack', seq: msg.seq };
  }
}
