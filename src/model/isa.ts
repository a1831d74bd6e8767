// The validator instruction set: the one place on the host that knows the bit layout of a
// program word. docs/validator-program.md is the specification; hdl/rtl implements the same.

import type { CompareOp } from './types.ts';

export const Opcode = {
  TRUE: 0,
  IN: 1,
  CMP: 2,
  ACC: 3,
  LCMP: 4,
  ADIFF: 5,
} as const;
export type OpcodeName = keyof typeof Opcode;
export type OpcodeValue = (typeof Opcode)[OpcodeName];
export const OPCODE_COUNT = 6;

/** Comparison codes (`cop`), in the order of the ISA table. */
export const CMP_CODES: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

export function cmpCode(op: CompareOp): number {
  return CMP_CODES.indexOf(op);
}

/** Apply comparison code `cop` to integers a and b: `a cop b`. Throws on an invalid code. */
export function compare(cop: number, a: number, b: number): boolean {
  switch (cop) {
    case 0: return a === b;
    case 1: return a !== b;
    case 2: return a < b;
    case 3: return a <= b;
    case 4: return a > b;
    case 5: return a >= b;
    default: throw new RangeError(`invalid comparison code ${cop}`);
  }
}

/** A decoded instruction word. Fields that an opcode does not use are 0. */
export interface Instruction {
  op: number;
  neg: boolean;
  endTerm: boolean;
  endCons: boolean;
  /** false: CNF (term = OR, constraint = AND); true: DNF (term = AND, constraint = OR). */
  dnf: boolean;
  x: number;
  y: number;
  /** IN: window base index. */
  base: number;
  /** IN: 32-bit window mask, as an unsigned number. */
  mask: number;
  /** CMP / LCMP comparison code. */
  cop: number;
  /** CMP: signed 16-bit offset c. LCMP: signed 32-bit constant k. ACC: signed 16-bit coef. ADIFF: offset 0..255. */
  imm: number;
  /** ACC: clear the accumulator first. */
  clr: boolean;
}

const U64 = (1n << 64n) - 1n;

function field(word: bigint, lo: number, width: number): number {
  return Number((word >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
}

function signed(value: number, width: number): number {
  const half = 2 ** (width - 1);
  return value >= half ? value - 2 * half : value;
}

export function decodeWord(word: bigint): Instruction {
  const op = field(word, 60, 4);
  const ins: Instruction = {
    op,
    neg: field(word, 59, 1) === 1,
    endTerm: field(word, 58, 1) === 1,
    endCons: field(word, 57, 1) === 1,
    dnf: field(word, 56, 1) === 1,
    x: 0, y: 0, base: 0, mask: 0, cop: 0, imm: 0, clr: false,
  };
  switch (op) {
    case Opcode.IN:
      ins.x = field(word, 40, 16);
      ins.base = field(word, 32, 8);
      ins.mask = field(word, 0, 32);
      break;
    case Opcode.CMP:
      ins.x = field(word, 40, 16);
      ins.y = field(word, 24, 16);
      ins.cop = field(word, 21, 3);
      ins.imm = signed(field(word, 0, 16), 16);
      break;
    case Opcode.ACC:
      ins.x = field(word, 40, 16);
      ins.clr = field(word, 39, 1) === 1;
      ins.imm = signed(field(word, 0, 16), 16);
      break;
    case Opcode.LCMP:
      ins.cop = field(word, 32, 3);
      ins.imm = signed(field(word, 0, 32), 32);
      break;
    case Opcode.ADIFF:
      ins.x = field(word, 40, 16);
      ins.imm = field(word, 0, 8);
      break;
    default:
      break;
  }
  return ins;
}

function put(value: number, lo: number, width: number): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  return (BigInt(value) & mask) << BigInt(lo);
}

/** Encode an instruction; out-of-range operands are masked to their field, so validate first. */
export function encodeWord(ins: Partial<Instruction> & { op: number }): bigint {
  let w = put(ins.op, 60, 4)
    | put(ins.neg ? 1 : 0, 59, 1)
    | put(ins.endTerm ? 1 : 0, 58, 1)
    | put(ins.endCons ? 1 : 0, 57, 1)
    | put(ins.dnf ? 1 : 0, 56, 1);
  switch (ins.op) {
    case Opcode.IN:
      w |= put(ins.x ?? 0, 40, 16) | put(ins.base ?? 0, 32, 8) | put(ins.mask ?? 0, 0, 32);
      break;
    case Opcode.CMP:
      w |= put(ins.x ?? 0, 40, 16) | put(ins.y ?? 0, 24, 16) | put(ins.cop ?? 0, 21, 3) | put(ins.imm ?? 0, 0, 16);
      break;
    case Opcode.ACC:
      w |= put(ins.x ?? 0, 40, 16) | put(ins.clr ? 1 : 0, 39, 1) | put(ins.imm ?? 0, 0, 16);
      break;
    case Opcode.LCMP:
      w |= put(ins.cop ?? 0, 32, 3) | put(ins.imm ?? 0, 0, 32);
      break;
    case Opcode.ADIFF:
      w |= put(ins.x ?? 0, 40, 16) | put(ins.imm ?? 0, 0, 8);
      break;
    default:
      break;
  }
  return w & U64;
}

/** Does this opcode produce a literal (everything but ACC)? */
export function hasLiteral(op: number): boolean {
  return op !== Opcode.ACC;
}

// ---- Wire encoding (docs/validator-program.md, "Wire encoding") ------------------------------
// The program words travel compactly: a header byte (the wire opcode in bits 7..4, the word's
// NEG, ET, EC and MODE in bits 3..0), then the opcode's operands as unsigned LEB128 varints, in
// the order of their bits in the word (lowest field first), signed ones zigzag-coded. A word has
// exactly one encoding: a varint is minimal and fits its field.

/** Wire opcodes: LIT and IN0 are short forms of IN; CMP is 8 + its comparison code; 2 is invalid. */
export const WireOp = {
  TRUE: 0, IN: 1, ACC: 3, LCMP: 4, ADIFF: 5,
  /** IN with mask 1 and base 0 or 1 (a SAT literal): varint(x << 1 | base). */
  LIT: 6,
  /** IN with base 0: varint mask, varint x. */
  IN0: 7,
  /** CMP with comparison code `cop` is wire opcode CMP + cop (8..15). */
  CMP: 8,
} as const;

/** Bits of each operand varint, per wire opcode, in wire order; null: an invalid wire opcode. */
export const WIRE_FIELDS: readonly (readonly number[] | null)[] = [
  [], // TRUE
  [32, 8, 16], // IN: mask, base, x
  null,
  [16, 17], // ACC: zigzag(coef), x << 1 | CLR
  [32, 3], // LCMP: zigzag(k), cop
  [8, 16], // ADIFF: off, x
  [17], // LIT: x << 1 | base
  [32, 16], // IN0: mask, x
  ...Array.from({ length: 8 }, () => [16, 16, 16]), // CMP + cop: zigzag(c), y, x
];

/** Most bytes one word takes on the wire (IN: header, 5 + 2 + 3 varint bytes). */
export const MAX_WIRE_WORD_BYTES = 11;

const zigzag = (v: number, width: number): number => (v < 0 ? -2 * v - 1 : 2 * v) % 2 ** width;
const unzigzag = (z: number): number => (z % 2 === 1 ? -(z + 1) / 2 : z / 2);

function pushVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/** The operand values and wire opcode of a word; throws on a word with no wire encoding. */
function wireOperands(word: bigint): { wop: number; operands: number[] } {
  if (word < 0n || word > U64) throw new RangeError(`program word ${word} is not a 64-bit value`);
  const ins = decodeWord(word);
  if (ins.op >= OPCODE_COUNT || encodeWord(ins) !== word) {
    throw new RangeError(`program word 0x${word.toString(16).padStart(16, '0')} has an invalid opcode or nonzero unused bits`);
  }
  switch (ins.op) {
    case Opcode.TRUE: return { wop: WireOp.TRUE, operands: [] };
    case Opcode.IN:
      if (ins.mask === 1 && ins.base <= 1) return { wop: WireOp.LIT, operands: [ins.x * 2 + ins.base] };
      if (ins.base === 0) return { wop: WireOp.IN0, operands: [ins.mask, ins.x] };
      return { wop: WireOp.IN, operands: [ins.mask, ins.base, ins.x] };
    case Opcode.CMP: return { wop: WireOp.CMP + ins.cop, operands: [zigzag(ins.imm, 16), ins.y, ins.x] };
    case Opcode.ACC: return { wop: WireOp.ACC, operands: [zigzag(ins.imm, 16), ins.x * 2 + (ins.clr ? 1 : 0)] };
    case Opcode.LCMP: return { wop: WireOp.LCMP, operands: [zigzag(ins.imm, 32), ins.cop] };
    default: return { wop: WireOp.ADIFF, operands: [ins.imm, ins.x] };
  }
}

/** Append one word's wire encoding to `out`. */
export function encodeWireWord(word: bigint, out: number[]): void {
  const { wop, operands } = wireOperands(word);
  out.push((wop << 4) | field(word, 56, 4));
  for (const v of operands) pushVarint(out, v);
}

/** The words section of a program load: every word's wire encoding, in order. */
export function encodeProgramWords(words: readonly bigint[]): Uint8Array {
  const out: number[] = [];
  for (const w of words) encodeWireWord(w, out);
  return Uint8Array.from(out);
}

/**
 * Why a words section does not decode, with the device's answer to it (proto/link.proto):
 * `malformed` (wire opcode 2; a varint over-long, not minimal or over its field) is
 * ERROR_BAD_OPCODE with arg `word`; `extra` (a word past num_words) is ERROR_PROGRAM_STATE with
 * arg num_words; `truncated` (the bytes end inside a word, or before num_words words) is
 * ERROR_PROGRAM_STATE at ProgramEnd with arg the bytes of the section.
 */
export class WireDecodeError extends RangeError {
  override name = 'WireDecodeError';
  constructor(readonly reason: 'malformed' | 'extra' | 'truncated', readonly word: number, readonly offset: number, detail: string) {
    super(`program words, word ${word} at byte ${offset}: ${detail}`);
  }
}

/**
 * Decode a words section exactly as the device does (hdl/rtl/validator_word_decoder.v), expecting
 * `numWords` words (any number when left out); throws WireDecodeError on the first fault.
 */
export function decodeProgramWords(bytes: Uint8Array, numWords = Infinity): bigint[] {
  const words: bigint[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const start = pos;
    const index = words.length;
    const malformed = (detail: string) => new WireDecodeError('malformed', index, start, detail);
    const header = bytes[pos++]!;
    const wop = header >> 4;
    const fields = WIRE_FIELDS[wop];
    if (!fields) throw malformed(`invalid wire opcode ${wop}`);
    const operands: number[] = [];
    for (const width of fields) {
      let value = 0;
      for (let n = 0; ; n++) {
        if (pos >= bytes.length) {
          throw new WireDecodeError('truncated', index, bytes.length, `the section ends inside the word (at ${bytes.length} bytes)`);
        }
        const b = bytes[pos++]!;
        const bits = b & 0x7f;
        if (n > 0 && b === 0) throw malformed('a varint that is not minimal (a last byte of 0)');
        if (7 * n + 7 > width && bits >= 2 ** (width - 7 * n)) throw malformed(`a varint over its ${width}-bit field`);
        if (b >= 0x80 && 7 * n + 7 >= width) throw malformed(`a varint longer than its ${width}-bit field needs`);
        value += bits * 2 ** (7 * n);
        if (b < 0x80) break;
      }
      operands.push(value);
    }
    if (index >= numWords) throw new WireDecodeError('extra', index, start, `more words than the ${numWords} announced`);
    words.push(wireWord(wop, header & 0x0f, operands));
  }
  if (words.length < numWords && numWords !== Infinity) {
    throw new WireDecodeError('truncated', words.length, bytes.length, `${words.length} of ${numWords} words (at ${bytes.length} bytes)`);
  }
  return words;
}

function wireWord(wop: number, flags: number, v: number[]): bigint {
  const f = { neg: (flags & 8) !== 0, endTerm: (flags & 4) !== 0, endCons: (flags & 2) !== 0, dnf: (flags & 1) !== 0 };
  if (wop >= WireOp.CMP) return encodeWord({ op: Opcode.CMP, ...f, imm: unzigzag(v[0]!), y: v[1], x: v[2], cop: wop - WireOp.CMP });
  switch (wop) {
    case WireOp.TRUE: return encodeWord({ op: Opcode.TRUE, ...f });
    case WireOp.IN: return encodeWord({ op: Opcode.IN, ...f, mask: v[0], base: v[1], x: v[2] });
    case WireOp.ACC: return encodeWord({ op: Opcode.ACC, ...f, imm: unzigzag(v[0]!), x: Math.floor(v[1]! / 2), clr: v[1]! % 2 === 1 });
    case WireOp.LCMP: return encodeWord({ op: Opcode.LCMP, ...f, imm: unzigzag(v[0]!), cop: v[1] });
    case WireOp.ADIFF: return encodeWord({ op: Opcode.ADIFF, ...f, imm: v[0], x: v[1] });
    case WireOp.LIT: return encodeWord({ op: Opcode.IN, ...f, x: Math.floor(v[0]! / 2), base: v[0]! % 2, mask: 1 });
    default: return encodeWord({ op: Opcode.IN, ...f, mask: v[0], base: 0, x: v[1] });
  }
}
