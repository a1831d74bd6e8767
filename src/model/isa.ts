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

/** Words as little-endian bytes, 8 per word: the wire and memory layout. */
export function wordsToBytes(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, w, true));
  return out;
}

export function bytesToWords(bytes: Uint8Array): bigint[] {
  if (bytes.length % 8 !== 0) throw new RangeError(`program bytes ${bytes.length} not a multiple of 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: bigint[] = [];
  for (let i = 0; i < bytes.length; i += 8) words.push(view.getBigUint64(i, true));
  return words;
}
