// Protobuf codec for the link messages of proto/link.proto (loaded once, with protobufjs), and
// plain TypeScript types for them. A message is a flat object: `kind` names the member of the
// `body` oneof, the other properties are that member's fields (camelCase, absent fields 0).
// The device decodes host messages in RTL; the reverse directions (decodeHost, encodeDevice)
// serve the tests, the fault proxy and the golden vectors.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTOCOL_VERSION = 3;
export const PROTO_PATH = fileURLToPath(new URL('../../proto/link.proto', import.meta.url));

export interface Hello { seq: number; protocolVersion: number }
export interface HelloReply {
  seq: number;
  protocolVersion: number;
  /** ASCII identity, e.g. "hilsolve-sim". */
  deviceId: Uint8Array;
  build: number;
  maxPayload: number;
  window: number;
  clockHz: number;
  baud: number;
  maxVars: number;
  maxDomain: number;
  maxWords: number;
  maxConstraints: number;
  maxViolations: number;
  engines: number;
  /**
   * Device search capacities, [chains, maxVars, maxValues, maxClauses, maxLiterals, booleansOnly];
   * empty when the device has no search engine (docs/search.md).
   */
  search: number[];
  /**
   * Shortest bit period SetBaud accepts (clock cycles per bit); 0 (what the decoder gives when the
   * field is absent): a fixed rate. Optional only so that hand-made replies may leave it out.
   */
  minDivider?: number;
  /** The bit period in use now (clock cycles per bit); 0 or absent: not a UART, or an older build. */
  divider?: number;
}
export interface Echo { seq: number; data: Uint8Array }
export interface CountersRequest { seq: number }
export interface Counters {
  seq: number;
  framesRx: number;
  framesTx: number;
  crcErrors: number;
  frameErrors: number;
  decodeErrors: number;
  cyclesLo: number;
  cyclesHi: number;
  candidates: number;
  busyCycles: number;
}
export interface Reset { seq: number }
/** Link speed: the UART bit period becomes `divider` clock cycles (docs/link-protocol.md). */
export interface SetBaud { seq: number; divider: number }
export interface ProgramBegin { seq: number; programId: number; numVars: number; numWords: number; numConstraints: number }
export interface ProgramChunk { seq: number; kind: number; offset: number; data: Uint8Array }
export interface ProgramEnd { seq: number; crc: number }
export interface Ack { seq: number }
export interface Candidate { seq: number; programId: number; values: Uint8Array }
export interface Verdict {
  seq: number;
  programId: number;
  ok: boolean;
  violatedCount: number;
  violated: number[];
  digest: number;
  cycles: number;
}
export interface DeviceErrorBody { seq: number; code: number; arg: number }

// Device search (docs/search.md).
export interface SearchBegin { seq: number; numVars: number; numValues: number; numClauses: number; numLiterals: number }
/** `section` is a SearchSection (0 VARS, 1 CLAUSES); `offset` in bytes of that section's stream. */
export interface SearchChunk { seq: number; section: number; offset: number; data: Uint8Array }
export interface SearchEnd { seq: number; crc: number }
/** Prior log-weights from value slot `offset` on, one byte per slot. */
export interface Prior { seq: number; offset: number; data: Uint8Array }
export interface SearchStart { seq: number; programId: number; seed: number; flipBudget: number; noise: number; maxSolutions: number }
export interface SearchStop { seq: number }
export interface SearchStatusRequest { seq: number }
export interface SearchStatus {
  seq: number;
  /** 0 no tables, 1 loading, 2 ready, 3 searching. */
  state: number;
  flipsLo: number;
  flipsHi: number;
  restarts: number;
  solutions: number;
  rejects: number;
  unsat: number;
  bestUnsat: number;
  cyclesLo: number;
  cyclesHi: number;
  searchSeq: number;
}
/** One part of a proven solution; `seq` is the SearchStart's. */
export interface Solution {
  seq: number;
  programId: number;
  index: number;
  digest: number;
  flips: number;
  cycles: number;
  restarts: number;
  offset: number;
  total: number;
  values: Uint8Array;
}

// `chunkKind` rather than `kind` in the union below: ProgramChunk's own field `kind` would clash
// with the discriminant, so it is renamed on the host side only (the wire is unchanged).
export type HostMessage =
  | ({ kind: 'hello' } & Hello)
  | ({ kind: 'echo' } & Echo)
  | ({ kind: 'counters' } & CountersRequest)
  | ({ kind: 'reset' } & Reset)
  | ({ kind: 'programBegin' } & ProgramBegin)
  | ({ kind: 'programChunk' } & Omit<ProgramChunk, 'kind'> & { chunkKind: number })
  | ({ kind: 'programEnd' } & ProgramEnd)
  | ({ kind: 'candidate' } & Candidate)
  | ({ kind: 'searchBegin' } & SearchBegin)
  | ({ kind: 'searchChunk' } & SearchChunk)
  | ({ kind: 'searchEnd' } & SearchEnd)
  | ({ kind: 'prior' } & Prior)
  | ({ kind: 'searchStart' } & SearchStart)
  | ({ kind: 'searchStop' } & SearchStop)
  | ({ kind: 'searchStatus' } & SearchStatusRequest)
  | ({ kind: 'setBaud' } & SetBaud);

export type DeviceMessage =
  | ({ kind: 'hello' } & HelloReply)
  | ({ kind: 'echo' } & Echo)
  | ({ kind: 'counters' } & Counters)
  | ({ kind: 'ack' } & Ack)
  | ({ kind: 'solution' } & Solution)
  | ({ kind: 'searchStatus' } & SearchStatus)
  | ({ kind: 'verdict' } & Verdict)
  | ({ kind: 'error' } & DeviceErrorBody);

export type HostKind = HostMessage['kind'];
export type DeviceKind = DeviceMessage['kind'];

/** The message with the given kind, e.g. `HostOf<'echo'>`. */
export type HostOf<K extends HostKind> = Extract<HostMessage, { kind: K }>;
export type DeviceOf<K extends DeviceKind> = Extract<DeviceMessage, { kind: K }>;

export { ChunkKind, ErrorCode, Limit, SearchSection, errorCodeName, limitName, type ErrorCodeName } from './codes.ts';

/** A payload that is not a valid message: `decode` for bad wire format, `unknown-message` for no known body. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(readonly reason: 'decode' | 'unknown-message', message: string) {
    super(message);
  }
}

export const root = protobuf.loadSync(PROTO_PATH);
const HostType = root.lookupType('hilsolve.link.HostMessage');
const DeviceType = root.lookupType('hilsolve.link.DeviceMessage');

const CONVERSION: protobuf.IConversionOptions = { defaults: true, oneofs: true, longs: Number };

type Flat = { kind: string; [field: string]: unknown };

function encodeWith(type: protobuf.Type, msg: Flat, rename: Record<string, string>): Uint8Array {
  if (!type.oneofs['body']!.oneof.includes(msg.kind)) throw new TypeError(`unknown ${type.name} kind '${msg.kind}'`);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg)) if (key !== 'kind') body[rename[key] ?? key] = value;
  return type.encode(type.fromObject({ [msg.kind]: body })).finish();
}

function decodeWith(type: protobuf.Type, payload: Uint8Array, rename: Record<string, string>): Flat {
  let decoded: protobuf.Message;
  try {
    decoded = type.decode(payload);
  } catch (err) {
    throw new DecodeError('decode', `${type.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const obj = type.toObject(decoded, CONVERSION) as Record<string, unknown>;
  const kind = obj['body'];
  if (typeof kind !== 'string') throw new DecodeError('unknown-message', `${type.name} without a known body`);
  const msg: Flat = { kind };
  for (const [key, value] of Object.entries(obj[kind] as Record<string, unknown>)) {
    // Copy bytes out of protobufjs's Buffer (often a view into a shared pool) into a plain array.
    msg[rename[key] ?? key] = value instanceof Uint8Array ? new Uint8Array(value) : value;
  }
  return msg;
}

const HOST_TO_WIRE = { chunkKind: 'kind' };
const WIRE_TO_HOST = { kind: 'chunkKind' };

export function encodeHost(msg: HostMessage): Uint8Array {
  return encodeWith(HostType, msg as unknown as Flat, HOST_TO_WIRE);
}

/** Throws DecodeError. */
export function decodeHost(payload: Uint8Array): HostMessage {
  return decodeWith(HostType, payload, WIRE_TO_HOST) as unknown as HostMessage;
}

export function encodeDevice(msg: DeviceMessage): Uint8Array {
  return encodeWith(DeviceType, msg as unknown as Flat, {});
}

/** Throws DecodeError. */
export function decodeDevice(payload: Uint8Array): DeviceMessage {
  return decodeWith(DeviceType, payload, {}) as unknown as DeviceMessage;
}
