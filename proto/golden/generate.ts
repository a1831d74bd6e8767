// Generates proto/golden/link-vectors.json, the golden byte vectors of the serial link shared by
// the TypeScript tests and the RTL tests. Run `npx tsx proto/golden/generate.ts` after changing a
// case; test/link-golden.test.ts checks that the file in the repository is what this script makes.
//
// Each vector is one of:
// - a message: `message` (the fields, bytes as hex), its exact `payload` and `frame` (hex). Hand-
//   made payloads exercise decoder corner cases; for them this script checks that protobufjs
//   decodes the payload to exactly `message`.
// - a bad frame: `frame` and the `frameError` kind a receiver must report.
// Host vectors (direction "host", host -> device) carry the device's expected `reply`: the fields
// listed must match exactly, fields not listed are free; `then` lists frames the device sends on
// its own after the reply (a search's Solution), matched the same way. They are meant to be sent
// in file order to a device that has just been started (or Reset): the program vectors rely on
// that order, and the search vectors on the program the validator vectors leave loaded.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../../src/model/crc32.ts';
import { encodeSearchStream } from '../../src/model/search-wire.ts';
import { Opcode, encodeProgramWords, encodeWord } from '../../src/model/isa.ts';
import {
  ChunkKind, ErrorCode, Limit, PROTOCOL_VERSION, SearchSection, decodeDevice, decodeHost, encodeDevice, encodeHost,
  type DeviceMessage, type HostMessage,
} from '../../src/link/codec.ts';
import { MIN_MAX_PAYLOAD, PAYLOAD_LIMIT, encodeFrame } from '../../src/link/frame.ts';
import type { FrameErrorKind } from '../../src/link/frame.ts';

export const VECTORS_PATH = fileURLToPath(new URL('./link-vectors.json', import.meta.url));


type JsonFields = Record<string, string | number | boolean | number[]>;

export interface GoldenVector {
  name: string;
  direction: 'host' | 'device';
  note: string;
  message?: JsonFields;
  payload?: string;
  frame: string;
  frameError?: FrameErrorKind;
  reply?: JsonFields;
  /** Frames the device sends unprompted after `reply` (a search's Solution), in order. */
  then?: JsonFields[];
  /**
   * Host vectors: `link` needs only the link layer; `validator` needs the constraint engine too;
   * `search` needs the search engine (and the program the validator vectors load); `uart` needs a
   * UART link whose rate can change (a board, the bit-level simulator) and a host that follows it.
   */
  layer?: 'link' | 'validator' | 'search' | 'uart';
}

export interface GoldenFile {
  about: string;
  protocolVersion: number;
  minMaxPayload: number;
  payloadLimit: number;
  vectors: GoldenVector[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** A message as JSON: bytes fields (Uint8Array) become hex strings. */
export function messageToJson(msg: HostMessage | DeviceMessage): JsonFields {
  const out: JsonFields = {};
  for (const [k, v] of Object.entries(msg)) out[k] = v instanceof Uint8Array ? hex(v) : (v as string | number | boolean | number[]);
  return out;
}

const BYTES_FIELDS = new Set(['data', 'values', 'deviceId']);

/** The reverse of messageToJson (bytes fields are `data`, `values` and `deviceId`). */
export function messageFromJson<T extends HostMessage | DeviceMessage>(json: JsonFields): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = BYTES_FIELDS.has(k) ? unhex(v as string) : v;
  return out as T;
}

// --- protobuf wire format by hand, for payloads protobufjs would never produce -----------------

/** Varint of `value` (< 2^32), padded with continuation bytes to `length` bytes if given. */
function varint(value: number, length = 0): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    out.push(v & 0x7f);
    v >>>= 7;
  } while (v !== 0);
  while (out.length < length) out.push(0);
  for (let i = 0; i < out.length - 1; i++) out[i]! |= 0x80;
  return out;
}
const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const vfield = (field: number, value: number, length = 0) => [...key(field, 0), ...varint(value, length)];
const lfield = (field: number, body: number[], lengthBytes = 0) => [...key(field, 2), ...varint(body.length, lengthBytes), ...body];
const f32 = (field: number, value: number) => [...key(field, 5), value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
const f64 = (field: number, lo: number, hi: number) => [...key(field, 1), ...f32(0, lo).slice(1), ...f32(0, hi).slice(1)];
const ascii = (s: string) => [...Buffer.from(s, 'ascii')];

// HostMessage / DeviceMessage field numbers of the bodies used below. Every one-byte key of
// HostMessage (fields 1..15) is a known body and so is 16 (SetBaud), so unknown ones are 17 and
// above (two-byte keys).
const HOST_ECHO = 2;
const HOST_UNUSED = 20;
const DEVICE_HELLO = 1;

// --- the cases -----------------------------------------------------------------------------------

// A two-variable program: one clause `x0 = 1 or x1 = 1` over 1-bit variables.
const PROGRAM_ID = 0x5a;
const WIDTHS = Uint8Array.of(0x11);
// In the wire encoding (docs/validator-program.md): `x0 in {1}` as LIT (base 1, mask 1), 60 01;
// `x1 in {1}` with EC as IN0 (base 0, mask 0b10), 72 02 01.
const WORDS = encodeProgramWords([
  encodeWord({ op: Opcode.IN, x: 0, base: 1, mask: 1 }),
  encodeWord({ op: Opcode.IN, x: 1, base: 0, mask: 0b10, endCons: true }),
]);
const PROGRAM_CRC = crc32(Uint8Array.from([...WIDTHS, ...WORDS]));

interface HostCase {
  name: string; note: string; msg?: HostMessage; raw?: number[]; expect?: HostMessage; reply: JsonFields;
  then?: JsonFields[]; layer?: 'validator' | 'search' | 'uart';
}

function hostCases(): HostCase[] {
  const seq255 = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
  // 245 non-zero data bytes make a 253-byte payload without a zero byte: a full COBS group.
  const noZeros = Uint8Array.from({ length: 245 }, (_, i) => 1 + (i % 255));
  return [
    { name: 'hello', note: 'handshake at protocol version 3', msg: { kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION },
      reply: { kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION } },
    { name: 'hello-other-version', note: 'a version the device does not speak (version 1: 8-byte program words): it answers with its own, the host then refuses',
      msg: { kind: 'hello', seq: 2, protocolVersion: 1 }, reply: { kind: 'hello', seq: 2, protocolVersion: PROTOCOL_VERSION } },
    { name: 'echo-empty', note: 'all fields zero: the body is an empty nested message', msg: { kind: 'echo', seq: 0, data: new Uint8Array() },
      reply: { kind: 'echo', seq: 0, data: '' } },
    { name: 'echo-small', note: 'plain echo', msg: { kind: 'echo', seq: 3, data: Uint8Array.of(1, 2, 3) },
      reply: { kind: 'echo', seq: 3, data: '010203' } },
    { name: 'echo-zeros', note: 'zero bytes in the data exercise COBS', msg: { kind: 'echo', seq: 4, data: Uint8Array.of(0, 0, 0x11, 0, 0) },
      reply: { kind: 'echo', seq: 4, data: '0000110000' } },
    { name: 'echo-two-byte-lengths', note: '200 bytes of data: two-byte length varints', msg: { kind: 'echo', seq: 5, data: seq255 },
      reply: { kind: 'echo', seq: 5, data: hex(seq255) } },
    { name: 'echo-full-cobs-group', note: 'no zero bytes for more than 254 bytes: a full COBS group', msg: { kind: 'echo', seq: 6, data: noZeros },
      reply: { kind: 'echo', seq: 6, data: hex(noZeros) } },
    { name: 'echo-seq-max', note: 'seq 2^32-1: a five-byte varint', msg: { kind: 'echo', seq: 0xffffffff, data: Uint8Array.of(0xee) },
      reply: { kind: 'echo', seq: 0xffffffff, data: 'ee' } },
    { name: 'counters', note: 'counters request', msg: { kind: 'counters', seq: 7 }, reply: { kind: 'counters', seq: 7 } },
    { name: 'reset', note: 'reset: drops any program, answered with Ack', msg: { kind: 'reset', seq: 8 }, reply: { kind: 'ack', seq: 8 } },
    // Decoder corner cases, all Echo so that the reply proves what the device decoded.
    { name: 'echo-fields-reversed', note: 'data before seq',
      raw: lfield(HOST_ECHO, [...lfield(2, [0xab, 0xcd]), ...vfield(1, 10)]),
      expect: { kind: 'echo', seq: 10, data: Uint8Array.of(0xab, 0xcd) }, reply: { kind: 'echo', seq: 10, data: 'abcd' } },
    { name: 'echo-explicit-zero', note: 'seq 0 and empty data written out instead of omitted',
      raw: lfield(HOST_ECHO, [...vfield(1, 0), ...lfield(2, [])]),
      expect: { kind: 'echo', seq: 0, data: new Uint8Array() }, reply: { kind: 'echo', seq: 0, data: '' } },
    { name: 'echo-unknown-fields', note: 'unknown fields of wire types 0, 1, 2 and 5 inside the Echo, between its fields',
      raw: lfield(HOST_ECHO, [
        ...vfield(3, 0xffffffff), ...vfield(1, 11), ...f64(4, 0x00000001, 0x80000000), ...lfield(5, ascii('skip me')),
        ...f32(6, 0xdeadbeef), ...lfield(2, [0x00, 0x42]), ...vfield(7, 1),
      ]),
      expect: { kind: 'echo', seq: 11, data: Uint8Array.of(0x00, 0x42) }, reply: { kind: 'echo', seq: 11, data: '0042' } },
    { name: 'echo-unknown-top-level', note: 'unknown fields (20..23: two-byte keys) of wire types 0, 1, 2 and 5 around the body in HostMessage',
      raw: [...vfield(20, 3), ...f32(21, 7), ...lfield(HOST_ECHO, [...vfield(1, 12), ...lfield(2, [0x5a])]), ...f64(22, 1, 2), ...lfield(23, [1, 2, 3])],
      expect: { kind: 'echo', seq: 12, data: Uint8Array.of(0x5a) }, reply: { kind: 'echo', seq: 12, data: '5a' } },
    { name: 'echo-unknown-two-byte-key', note: 'unknown field 100 (a two-byte key) of wire type 0 and 2',
      raw: lfield(HOST_ECHO, [...vfield(100, 5), ...vfield(1, 13), ...lfield(101, [9, 9]), ...lfield(2, [0x13])]),
      expect: { kind: 'echo', seq: 13, data: Uint8Array.of(0x13) }, reply: { kind: 'echo', seq: 13, data: '13' } },
    { name: 'echo-packed-repeated', note: 'an unknown packed repeated field (varints 1, 300, 70000) inside the Echo',
      raw: lfield(HOST_ECHO, [...vfield(1, 14), ...lfield(8, [...varint(1), ...varint(300), ...varint(70000)]), ...lfield(2, [0x14])]),
      expect: { kind: 'echo', seq: 14, data: Uint8Array.of(0x14) }, reply: { kind: 'echo', seq: 14, data: '14' } },
    { name: 'echo-overlong-varints', note: 'seq as a 10-byte varint, lengths as 2- and 5-byte varints',
      raw: lfield(HOST_ECHO, [...vfield(1, 15, 10), ...lfield(2, [0x77, 0x88], 5)], 2),
      expect: { kind: 'echo', seq: 15, data: Uint8Array.of(0x77, 0x88) }, reply: { kind: 'echo', seq: 15, data: '7788' } },
    { name: 'echo-varint-over-32-bits', note: 'a 10-byte varint with bits above 31 set: the value is taken mod 2^32 (16)',
      raw: lfield(HOST_ECHO, [...key(1, 0), 0x90, 0x80, 0x80, 0x80, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x01, ...lfield(2, [0x16])]),
      expect: { kind: 'echo', seq: 16, data: Uint8Array.of(0x16) }, reply: { kind: 'echo', seq: 16, data: '16' } },
    { name: 'echo-seq-twice', note: 'a scalar field repeated: the last value wins (17)',
      raw: lfield(HOST_ECHO, [...vfield(1, 99), ...lfield(2, [0x17]), ...vfield(1, 17)]),
      expect: { kind: 'echo', seq: 17, data: Uint8Array.of(0x17) }, reply: { kind: 'echo', seq: 17, data: '17' } },
    // Errors the device must answer with an Error frame.
    { name: 'unknown-message', note: 'HostMessage field 20 is no known body (the device may echo seq 18 or send 0)',
      raw: lfield(HOST_UNUSED, [...vfield(1, 18)]), reply: { kind: 'error', code: ErrorCode.UNKNOWN_MESSAGE } },
    { name: 'empty-payload', note: 'a HostMessage with no body at all', raw: [],
      reply: { kind: 'error', seq: 0, code: ErrorCode.UNKNOWN_MESSAGE } },
    { name: 'truncated-body', note: 'the Echo length runs past the end of the payload', raw: [...key(HOST_ECHO, 2), 5, ...vfield(1, 19)],
      reply: { kind: 'error', code: ErrorCode.DECODE } },
    { name: 'candidate-no-program', note: 'a candidate while no program is loaded (after reset)',
      msg: { kind: 'candidate', seq: 20, programId: PROGRAM_ID, values: Uint8Array.of(0) },
      reply: { kind: 'error', seq: 20, code: ErrorCode.NO_PROGRAM } },
    // Program load and two verdicts: the clause x0 = 1 or x1 = 1.
    { layer: 'validator', name: 'program-begin', note: 'two variables, two words, one constraint',
      msg: { kind: 'programBegin', seq: 21, programId: PROGRAM_ID, numVars: 2, numWords: 2, numConstraints: 1 },
      reply: { kind: 'ack', seq: 21 } },
    { layer: 'validator', name: 'program-widths', note: 'widths: 1 bit each, two per byte, low nibble first',
      msg: { kind: 'programChunk', seq: 22, chunkKind: ChunkKind.WIDTHS, offset: 0, data: WIDTHS }, reply: { kind: 'ack', seq: 22 } },
    { layer: 'validator', name: 'program-words', note: 'the two words in the wire encoding: LIT x0 base 1; IN0 x1 mask 0b10 with EC',
      msg: { kind: 'programChunk', seq: 23, chunkKind: ChunkKind.WORDS, offset: 0, data: WORDS }, reply: { kind: 'ack', seq: 23 } },
    { layer: 'validator', name: 'program-end', note: 'CRC-32 of widths then words', msg: { kind: 'programEnd', seq: 24, crc: PROGRAM_CRC },
      reply: { kind: 'ack', seq: 24 } },
    { layer: 'validator', name: 'candidate-violating', note: 'x0 = 0, x1 = 0 violates constraint 0',
      msg: { kind: 'candidate', seq: 25, programId: PROGRAM_ID, values: Uint8Array.of(0b00) },
      reply: { kind: 'verdict', seq: 25, programId: PROGRAM_ID, ok: false, violatedCount: 1, violated: [0], digest: crc32(Uint8Array.of(0)) } },
    { layer: 'validator', name: 'candidate-satisfying', note: 'x0 = 0, x1 = 1 satisfies the clause',
      msg: { kind: 'candidate', seq: 26, programId: PROGRAM_ID, values: Uint8Array.of(0b10) },
      reply: { kind: 'verdict', seq: 26, programId: PROGRAM_ID, ok: true, violatedCount: 0, violated: [], digest: crc32(Uint8Array.of(2)) } },
    { layer: 'validator', name: 'candidate-wrong-length', note: 'two bytes for a one-byte candidate',
      msg: { kind: 'candidate', seq: 27, programId: PROGRAM_ID, values: Uint8Array.of(0, 0) },
      reply: { kind: 'error', seq: 27, code: ErrorCode.CANDIDATE_LENGTH, arg: 1 } },
    { layer: 'validator', name: 'candidate-wrong-program', note: 'a candidate for another program',
      msg: { kind: 'candidate', seq: 28, programId: PROGRAM_ID + 1, values: Uint8Array.of(0) },
      reply: { kind: 'error', seq: 28, code: ErrorCode.WRONG_PROGRAM, arg: PROGRAM_ID } },
    // SetBaud (a two-byte body key): a divider of 1 is below any device's minimum, so the rate stays
    // (arg: the device's min_divider, 0 on the simulator's byte link).
    { name: 'set-baud-below-minimum', note: 'SetBaud to 1 cycle per bit: ERROR_BAUD, the rate does not change',
      msg: { kind: 'setBaud', seq: 29, divider: 1 }, reply: { kind: 'error', seq: 29, code: ErrorCode.BAUD } },
    ...reloadCases(),
    ...searchCases(),
    { layer: 'uart', name: 'set-baud', note: 'SetBaud to 4 cycles per bit (3 Mbaud at 12 MHz): Ack at the old rate, then the device switches; the host follows after the Ack',
      msg: { kind: 'setBaud', seq: 60, divider: 4 }, reply: { kind: 'ack', seq: 60 } },
  ];
}

// The golden program loaded again: a malformed words section refused, then chunks that split a
// word and overlap what the device has (a chunk sent again after a lost reply), the same id left
// loaded for the search vectors.
function reloadCases(): HostCase[] {
  const layer = 'validator' as const;
  const begin = (seq: number): HostCase => ({ layer, name: `program-begin-${seq}`, note: 'the golden program again',
    msg: { kind: 'programBegin', seq, programId: PROGRAM_ID, numVars: 2, numWords: 2, numConstraints: 1 }, reply: { kind: 'ack', seq } });
  const widths = (seq: number): HostCase => ({ layer, name: `program-widths-${seq}`, note: 'the width table',
    msg: { kind: 'programChunk', seq, chunkKind: ChunkKind.WIDTHS, offset: 0, data: WIDTHS }, reply: { kind: 'ack', seq } });
  return [
    begin(30), widths(31),
    { layer, name: 'program-words-malformed', note: 'a header byte with the unused wire opcode 2: ERROR_BAD_OPCODE, arg the word index 0; the load ends',
      msg: { kind: 'programChunk', seq: 32, chunkKind: ChunkKind.WORDS, offset: 0, data: Uint8Array.of(0x22) },
      reply: { kind: 'error', seq: 32, code: ErrorCode.BAD_OPCODE, arg: 0 } },
    begin(33), widths(34),
    { layer, name: 'program-words-split', note: 'the first 4 word bytes: the second word stops after its mask',
      msg: { kind: 'programChunk', seq: 35, chunkKind: ChunkKind.WORDS, offset: 0, data: WORDS.subarray(0, 4) }, reply: { kind: 'ack', seq: 35 } },
    { layer, name: 'program-words-overlap', note: 'all the word bytes from offset 0 again: the 4 the device has are dropped, the last is taken',
      msg: { kind: 'programChunk', seq: 36, chunkKind: ChunkKind.WORDS, offset: 0, data: WORDS }, reply: { kind: 'ack', seq: 36 } },
    { layer, name: 'program-end-again', note: 'the CRC covers each byte once, as sent', msg: { kind: 'programEnd', seq: 37, crc: PROGRAM_CRC },
      reply: { kind: 'ack', seq: 37 } },
    { layer, name: 'candidate-after-reload', note: 'x0 = 1, x1 = 0 satisfies the clause',
      msg: { kind: 'candidate', seq: 38, programId: PROGRAM_ID, values: Uint8Array.of(0b01) },
      reply: { kind: 'verdict', seq: 38, programId: PROGRAM_ID, ok: true, violatedCount: 0, violated: [], digest: crc32(Uint8Array.of(1)) } },
  ];
}

// Search tables of the golden program's clause `x0 = 1 or x1 = 1` (docs/search.md, "Tables"):
// two boolean variables (value slots 0, 1 and 2, 3), one clause of the literals (x0, 1) and (x1, 1),
// in the wire form ("Wire form"): VARS 01 01 (both of size 2); CLAUSES 0x03 0x10, the bits (LSB
// first) 1 (a new length) 00000001 (length - 1 = 1), then per literal the sign 0 and the
// variable in 1 bit: 0 0, 0 1; 3 bits of padding.
const SEARCH_SIZES = { numVars: 2, numValues: 4, numClauses: 1, numLiterals: 2 };
const SEARCH_STREAM = encodeSearchStream({ ...SEARCH_SIZES, sections: {
  vars: Uint32Array.of(0 | (1 << 24), 2 | (1 << 24)), clauses: Uint32Array.of(0 | (1 << 24)),
  literals: Uint32Array.of(1 | (0 << 8), 1 | (1 << 8)), values: Uint32Array.of(0, 0, 1, 1, 2), occurrences: Uint32Array.of(0, 0),
} });
const SEARCH_CRC = crc32(SEARCH_STREAM.clauses, crc32(SEARCH_STREAM.vars));
const SEARCH_START_SEQ = 57;

function searchCases(): HostCase[] {
  const layer = 'search' as const;
  const stateError = (seq: number, arg: number) => ({ kind: 'error', seq, code: ErrorCode.SEARCH_STATE, arg });
  return [
    { layer, name: 'search-start-no-tables', note: 'SearchStart before any tables (after reset): ERROR_SEARCH_STATE 1',
      msg: { kind: 'searchStart', seq: 40, programId: PROGRAM_ID, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 },
      reply: stateError(40, 1) },
    { layer, name: 'search-prior-no-tables', note: 'a Prior before any SearchBegin: ERROR_SEARCH_STATE 1',
      msg: { kind: 'prior', seq: 41, offset: 0, data: Uint8Array.of(1, 1, 1, 1) }, reply: stateError(41, 1) },
    { layer, name: 'search-begin-over-capacity', note: '2^32-1 variables: over any device, ERROR_SEARCH_CAPACITY LIMIT_SEARCH_VARS',
      msg: { kind: 'searchBegin', seq: 42, ...SEARCH_SIZES, numVars: 0xffffffff },
      reply: { kind: 'error', seq: 42, code: ErrorCode.SEARCH_CAPACITY, arg: Limit.SEARCH_VARS } },
    { layer, name: 'search-begin', note: 'tables of the clause x0 = 1 or x1 = 1: 2 variables, 4 value slots, 1 clause, 2 literals',
      msg: { kind: 'searchBegin', seq: 43, ...SEARCH_SIZES }, reply: { kind: 'ack', seq: 43 } },
    { layer, name: 'search-start-not-ended', note: 'SearchStart before SearchEnd: ERROR_SEARCH_STATE 2',
      msg: { kind: 'searchStart', seq: 44, programId: PROGRAM_ID, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 },
      reply: stateError(44, 2) },
    { layer, name: 'search-chunk-clauses-early', note: 'CLAUSES bytes before every VARS byte arrived: ERROR_SEARCH_STATE 6',
      msg: { kind: 'searchChunk', seq: 45, section: SearchSection.CLAUSES, offset: 0, data: SEARCH_STREAM.clauses }, reply: stateError(45, 6) },
    { layer, name: 'search-chunk-outside', note: 'a VARS byte at offset 2 of 2 variables: ERROR_SEARCH_STATE 3',
      msg: { kind: 'searchChunk', seq: 46, section: SearchSection.VARS, offset: 2, data: Uint8Array.of(1) }, reply: stateError(46, 3) },
    { layer, name: 'search-chunk-unknown-section', note: 'section 7 does not exist: ERROR_SEARCH_STATE 3',
      msg: { kind: 'searchChunk', seq: 47, section: 7, offset: 0, data: Uint8Array.of(1) }, reply: stateError(47, 3) },
    { layer, name: 'search-end-bad-crc', note: 'SearchEnd whose CRC matches nothing sent: ERROR_SEARCH_CRC',
      msg: { kind: 'searchEnd', seq: 48, crc: 0x12345678 }, reply: { kind: 'error', seq: 48, code: ErrorCode.SEARCH_CRC } },
    { layer, name: 'search-begin-again', note: 'SearchBegin again: the tables start over',
      msg: { kind: 'searchBegin', seq: 49, ...SEARCH_SIZES }, reply: { kind: 'ack', seq: 49 } },
    { layer, name: 'search-chunk-vars-first', note: 'VARS byte 0 (x0 has 2 values): the decode point moves to 1',
      msg: { kind: 'searchChunk', seq: 50, section: SearchSection.VARS, offset: 0, data: SEARCH_STREAM.vars.subarray(0, 1) }, reply: { kind: 'ack', seq: 50 } },
    { layer, name: 'search-chunk-vars-overlap', note: 'VARS bytes 0..1 (sent again after a lost reply, longer): byte 0 is ignored, byte 1 taken',
      msg: { kind: 'searchChunk', seq: 51, section: SearchSection.VARS, offset: 0, data: SEARCH_STREAM.vars }, reply: { kind: 'ack', seq: 51 } },
    { layer, name: 'search-chunk-vars-repeat', note: 'VARS byte 1 again: wholly before the decode point, acknowledged, changes nothing',
      msg: { kind: 'searchChunk', seq: 52, section: SearchSection.VARS, offset: 1, data: SEARCH_STREAM.vars.subarray(1) }, reply: { kind: 'ack', seq: 52 } },
    { layer, name: 'search-chunk-clauses-gap', note: 'CLAUSES from byte 1 while the decode point is 0: ERROR_SEARCH_STATE 6',
      msg: { kind: 'searchChunk', seq: 53, section: SearchSection.CLAUSES, offset: 1, data: SEARCH_STREAM.clauses.subarray(1) }, reply: stateError(53, 6) },
    { layer, name: 'search-chunk-clauses', note: 'the clause stream: 03 10 (see above)',
      msg: { kind: 'searchChunk', seq: 54, section: SearchSection.CLAUSES, offset: 0, data: SEARCH_STREAM.clauses }, reply: { kind: 'ack', seq: 54 } },
    { layer, name: 'search-end', note: 'CRC-32 of the VARS stream then the CLAUSES stream, each byte once; the device builds VALUES and OCCURRENCES, then acknowledges',
      msg: { kind: 'searchEnd', seq: 55, crc: SEARCH_CRC }, reply: { kind: 'ack', seq: 55 } },
    { layer, name: 'search-prior', note: 'prior 0 (never) on value 0 of both variables: the only start state is x0 = x1 = 1',
      msg: { kind: 'prior', seq: 56, offset: 0, data: Uint8Array.of(0, 255, 0, 255) }, reply: { kind: 'ack', seq: 56 } },
    { layer, name: 'search-start', note: 'one solution wanted: x0 = x1 = 1 (packed 0x03), proven against the golden program',
      msg: { kind: 'searchStart', seq: SEARCH_START_SEQ, programId: PROGRAM_ID, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 },
      reply: { kind: 'ack', seq: SEARCH_START_SEQ },
      then: [{ kind: 'solution', seq: SEARCH_START_SEQ, programId: PROGRAM_ID, index: 1, digest: crc32(Uint8Array.of(3)), offset: 0, total: 1, values: '03' }] },
    { layer, name: 'search-status', note: 'after max_solutions: ready (2), one solution sent',
      msg: { kind: 'searchStatus', seq: 58 },
      reply: { kind: 'searchStatus', seq: 58, state: 2, solutions: 1, searchSeq: SEARCH_START_SEQ } },
    { layer, name: 'search-stop', note: 'SearchStop on a finished search: answered with the final SearchStatus',
      msg: { kind: 'searchStop', seq: 59 },
      reply: { kind: 'searchStatus', seq: 59, state: 2, solutions: 1, searchSeq: SEARCH_START_SEQ } },
  ];
}

function deviceCases(): { name: string; note: string; msg?: DeviceMessage; raw?: number[]; expect?: DeviceMessage }[] {
  return [
    { name: 'hello-reply', note: 'a HelloReply with every field set but search (a device without a search engine)', msg: {
      kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION, deviceId: Uint8Array.from(ascii('hilsolve-sim')), build: 3, maxPayload: 1024,
      window: 8, clockHz: 12_000_000, baud: 3_000_000, maxVars: 1024, maxDomain: 256, maxWords: 4096, maxConstraints: 2048,
      maxViolations: 8, engines: 1, search: [], minDivider: 0, divider: 0 } },
    { name: 'hello-reply-min-divider', note: 'a board\'s HelloReply: 115,200 baud after reset, SetBaud down to 4 cycles per bit, 104 in use (fields 16 and 17, two-byte keys)', msg: {
      kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION, deviceId: Uint8Array.from(ascii('hilsolve-up5k')), build: 1, maxPayload: 512,
      window: 4, clockHz: 12_000_000, baud: 115_384, maxVars: 1024, maxDomain: 256, maxWords: 16384, maxConstraints: 16384,
      maxViolations: 8, engines: 1, search: [], minDivider: 4, divider: 104 } },
    { name: 'hello-reply-search', note: 'a HelloReply of a device with search: [chains, max_vars, max_values, max_clauses, max_literals], packed', msg: {
      kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION, deviceId: Uint8Array.from(ascii('hilsolve-sim')), build: 4, maxPayload: 1024,
      window: 8, clockHz: 12_000_000, baud: 3_000_000, maxVars: 1024, maxDomain: 256, maxWords: 4096, maxConstraints: 2048,
      maxViolations: 8, engines: 1, search: [1, 1024, 8192, 16384, 65536], minDivider: 0, divider: 0 } },
    { name: 'hello-reply-search-unpacked', note: 'HelloReply.search as separate varint fields: decoders must accept this too',
      raw: lfield(DEVICE_HELLO, [...vfield(1, 1), ...vfield(2, PROTOCOL_VERSION), ...vfield(5, 512), ...vfield(6, 4),
        ...vfield(15, 1), ...vfield(15, 64), ...vfield(15, 256), ...vfield(15, 512), ...vfield(15, 2048)]),
      expect: {
        kind: 'hello', seq: 1, protocolVersion: PROTOCOL_VERSION, deviceId: new Uint8Array(), build: 0, maxPayload: 512, window: 4, clockHz: 0, baud: 0,
        maxVars: 0, maxDomain: 0, maxWords: 0, maxConstraints: 0, maxViolations: 0, engines: 0, search: [1, 64, 256, 512, 2048], minDivider: 0, divider: 0 } },
    { name: 'solution', note: 'one part of a Solution: bytes 0..2 of a 5-byte assignment', msg: {
      kind: 'solution', seq: 57, programId: 0x5a, index: 3, digest: 0xcafef00d, flips: 1234, cycles: 56789, restarts: 2,
      offset: 0, total: 5, values: Uint8Array.of(0x12, 0x00, 0x34) } },
    { name: 'search-status', note: 'a SearchStatus with every field set (64-bit counters as lo/hi)', msg: {
      kind: 'searchStatus', seq: 60, state: 3, flipsLo: 0x89abcdef, flipsHi: 1, restarts: 77, solutions: 5, rejects: 2, unsat: 3,
      bestUnsat: 1, cyclesLo: 0xfedcba98, cyclesHi: 2, searchSeq: 57 } },
    { name: 'error-baud', note: 'ERROR_BAUD: a SetBaud divider below the minimum of 4',
      msg: { kind: 'error', seq: 14, code: ErrorCode.BAUD, arg: 4 } },
    { name: 'error-search-table', note: 'ERROR_SEARCH_TABLE arg 1: a literal on a variable past num_vars (the tables are dropped)',
      msg: { kind: 'error', seq: 15, code: ErrorCode.SEARCH_TABLE, arg: 1 } },
    { name: 'error-search-capacity', note: 'ERROR_SEARCH_CAPACITY naming LIMIT_SEARCH_CLAUSES',
      msg: { kind: 'error', seq: 13, code: ErrorCode.SEARCH_CAPACITY, arg: Limit.SEARCH_CLAUSES } },
    { name: 'verdict-packed', note: 'violated as a packed repeated field (what encoders write)', msg: {
      kind: 'verdict', seq: 9, programId: 1, ok: false, violatedCount: 3, violated: [2, 130, 1000], digest: 0x89abcdef, cycles: 40 } },
    { name: 'verdict-unpacked', note: 'violated as separate fields: decoders must accept this too',
      raw: lfield(8, [...vfield(1, 9), ...vfield(2, 1), ...vfield(4, 3), ...vfield(5, 2), ...vfield(5, 130), ...vfield(5, 1000), ...f32(6, 0x89abcdef), ...vfield(7, 40)]),
      expect: { kind: 'verdict', seq: 9, programId: 1, ok: false, violatedCount: 3, violated: [2, 130, 1000], digest: 0x89abcdef, cycles: 40 } },
    { name: 'verdict-ok', note: 'a proven candidate: ok, no violations', msg: {
      kind: 'verdict', seq: 10, programId: 1, ok: true, violatedCount: 0, violated: [], digest: 0x01020304, cycles: 2 } },
    { name: 'error', note: 'an Error frame', msg: { kind: 'error', seq: 11, code: ErrorCode.CAPACITY, arg: 2 } },
    { name: 'ack', note: 'an Ack', msg: { kind: 'ack', seq: 12 } },
  ];
}

/** An Echo payload of exactly `length` bytes. */
function echoOfPayloadLength(length: number): Uint8Array {
  for (let n = length; n >= 0; n--) {
    const payload = encodeHost({ kind: 'echo', seq: 31, data: new Uint8Array(n).fill(0x31) });
    if (payload.length === length) return payload;
  }
  throw new Error(`no Echo payload has ${length} bytes`);
}

function badFrames(): { name: string; note: string; frame: Uint8Array; frameError: FrameErrorKind; reply: JsonFields }[] {
  const echo = encodeFrame(encodeHost({ kind: 'echo', seq: 30, data: Uint8Array.of(1, 2, 3, 4) }));
  const badCrc = Uint8Array.from(echo);
  badCrc[badCrc.length - 2]! ^= 0x01; // last CRC byte (it is non-zero here)
  const tooLong = encodeFrame(echoOfPayloadLength(PAYLOAD_LIMIT + 1));
  const frameError = { kind: 'error', seq: 0, code: ErrorCode.FRAME };
  return [
    { name: 'frame-bad-crc', note: 'an Echo frame with one bit of the CRC flipped', frame: badCrc, frameError: 'crc',
      reply: { kind: 'error', seq: 0, code: ErrorCode.CRC } },
    { name: 'frame-bad-cobs', note: 'a COBS code byte that points past the delimiter', frame: Uint8Array.of(0x09, 0x12, 0x02, 0x08, 0x01, 0x00),
      frameError: 'cobs', reply: frameError },
    { name: 'frame-short', note: 'three bytes: too short to hold a CRC', frame: Uint8Array.of(0x04, 0x12, 0x01, 0x02, 0x00),
      frameError: 'short', reply: frameError },
    { name: 'frame-too-long', note: `an Echo payload of ${PAYLOAD_LIMIT + 1} bytes, one more than any device accepts`, frame: tooLong,
      frameError: 'too-long', reply: frameError },
  ];
}

function sameMessage(a: object, b: object): boolean {
  return JSON.stringify(Object.entries(messageToJson(a as HostMessage)).sort()) === JSON.stringify(Object.entries(messageToJson(b as HostMessage)).sort());
}

export function buildVectors(): GoldenFile {
  const vectors: GoldenVector[] = [];
  for (const c of hostCases()) {
    const payload = c.msg ? encodeHost(c.msg) : Uint8Array.from(c.raw!);
    const message = c.msg ?? c.expect;
    if (message && !sameMessage(decodeHost(payload), message)) throw new Error(`${c.name}: protobufjs decodes it differently`);
    vectors.push({
      name: c.name, direction: 'host', note: c.note,
      ...(message ? { message: messageToJson(message) } : {}),
      payload: hex(payload), frame: hex(encodeFrame(payload)), reply: c.reply, ...(c.then ? { then: c.then } : {}), layer: c.layer ?? 'link',
    });
  }
  for (const c of badFrames()) {
    vectors.push({ name: c.name, direction: 'host', note: c.note, frame: hex(c.frame), frameError: c.frameError, reply: c.reply, layer: 'link' });
  }
  for (const c of deviceCases()) {
    const msg = (c.msg ?? c.expect)!;
    const payload = c.msg ? encodeDevice(c.msg) : Uint8Array.from(c.raw!);
    if (!sameMessage(decodeDevice(payload), msg)) throw new Error(`${c.name}: protobufjs decodes it differently`);
    vectors.push({ name: c.name, direction: 'device', note: c.note, message: messageToJson(msg), payload: hex(payload), frame: hex(encodeFrame(payload)) });
  }
  return {
    about: 'Golden vectors of the hilsolve serial link (docs/link-protocol.md). Generated by proto/golden/generate.ts; do not edit.',
    protocolVersion: PROTOCOL_VERSION,
    minMaxPayload: MIN_MAX_PAYLOAD,
    payloadLimit: PAYLOAD_LIMIT,
    vectors,
  };
}

export function renderVectors(): string {
  return `${JSON.stringify(buildVectors(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(VECTORS_PATH, renderVectors());
  process.stdout.write(`wrote ${VECTORS_PATH}\n`);
}
