// The wire encoding of program words (docs/validator-program.md, "Wire encoding"): round trips
// of random words of every opcode and form, the exact bytes of each form, the sizes that matter
// (a SAT literal in 2 or 3 bytes), and every malformed section refused with the device's reason.

import { describe, expect, it } from 'vitest';
import {
  decodeProgramWords, encodeProgramWords, encodeWord, MAX_WIRE_WORD_BYTES, Opcode, WireDecodeError, WireOp,
} from '../src/model/isa.ts';
import { Prng } from '../src/model/prng.ts';
import { randomWord, randomWords } from './helpers/random-words.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytesOf = (...words: bigint[]) => hex(encodeProgramWords(words));

function refusal(bytes: number[], numWords: number): { reason: string; word: number; offset: number } {
  try {
    decodeProgramWords(Uint8Array.from(bytes), numWords);
  } catch (err) {
    if (!(err instanceof WireDecodeError)) throw err;
    return { reason: err.reason, word: err.word, offset: err.offset };
  }
  throw new Error('decoded');
}

describe('wire encoding of program words', () => {
  it('round-trips random words of every opcode and form, concatenated, at most 11 bytes a word', () => {
    const rng = new Prng(1);
    for (let round = 0; round < 200; round++) {
      const words = randomWords(rng, 1 + rng.int(40));
      const bytes = encodeProgramWords(words);
      expect(decodeProgramWords(bytes, words.length)).toEqual(words);
      for (const w of words) expect(encodeProgramWords([w]).length).toBeLessThanOrEqual(MAX_WIRE_WORD_BYTES);
    }
    // Every form is used: the header's high nibble is the wire opcode (CMP: 8 + cop).
    const seen = new Set<number>();
    for (let i = 0; i < 800; i++) seen.add(encodeProgramWords([randomWord(rng)])[0]! >> 4);
    expect([...seen].sort((a, b) => a - b)).toEqual([WireOp.TRUE, WireOp.IN, WireOp.ACC, WireOp.LCMP, WireOp.ADIFF, WireOp.LIT, WireOp.IN0,
      ...Array.from({ length: 8 }, (_, cop) => WireOp.CMP + cop)]);
  });

  it('encodes each form as documented', () => {
    // header = wire op << 4 | NEG ET EC MODE
    expect(bytesOf(encodeWord({ op: Opcode.TRUE, endCons: true }))).toBe('02');
    // LIT: varint(x << 1 | base): x = 3, base 1 -> 7; x = 200, base 0 -> 400 = 0x90 0x03
    expect(bytesOf(encodeWord({ op: Opcode.IN, x: 3, base: 1, mask: 1, neg: true }))).toBe('6807');
    expect(bytesOf(encodeWord({ op: Opcode.IN, x: 200, base: 0, mask: 1, endCons: true }))).toBe('629003');
    // Operands lowest field first. IN0: mask, x; IN: mask, base, x
    expect(bytesOf(encodeWord({ op: Opcode.IN, x: 1, base: 0, mask: 0b111, dnf: true }))).toBe('710701');
    expect(bytesOf(encodeWord({ op: Opcode.IN, x: 1, base: 5, mask: 1, endTerm: true }))).toBe('14010501');
    expect(bytesOf(encodeWord({ op: Opcode.IN, x: 0, base: 2, mask: 0xffff_ffff }))).toBe('10ffffffff0f0200');
    // CMP: header 8 + cop; zigzag(c), y, x: c = 0 -> 0; c = -1 -> zigzag 1
    expect(bytesOf(encodeWord({ op: Opcode.CMP, x: 4, y: 9, cop: 1, imm: 0, endCons: true }))).toBe('92000904');
    expect(bytesOf(encodeWord({ op: Opcode.CMP, x: 4, y: 9, cop: 2, imm: -1 }))).toBe('a0010904');
    // ACC: zigzag(coef), x << 1 | CLR: coef 3 -> 6; x 2 with CLR -> 5
    expect(bytesOf(encodeWord({ op: Opcode.ACC, x: 2, clr: true, imm: 3 }))).toBe('300605');
    // LCMP: zigzag(k), cop: k = -2 -> 3
    expect(bytesOf(encodeWord({ op: Opcode.LCMP, cop: 3, imm: -2, endCons: true }))).toBe('420303');
    expect(bytesOf(encodeWord({ op: Opcode.LCMP, cop: 0, imm: -2147483648 }))).toBe('40ffffffff0f00');
    // ADIFF: off, x
    expect(bytesOf(encodeWord({ op: Opcode.ADIFF, x: 130, imm: 0 }))).toBe('50008201');
  });

  it('refuses words that have no encoding', () => {
    expect(() => encodeProgramWords([6n << 60n])).toThrow(/invalid opcode or nonzero unused bits/);
    expect(() => encodeProgramWords([encodeWord({ op: Opcode.TRUE }) | 1n])).toThrow(/nonzero unused bits/);
    expect(() => encodeProgramWords([1n << 64n])).toThrow(/not a 64-bit value/);
  });

  it('refuses every malformed section with the reason, word and offset the device reports', () => {
    const good = [0x02, 0x62, 0x07]; // TRUE EC; LIT x3 base 1
    expect(decodeProgramWords(Uint8Array.from(good), 2)).toHaveLength(2);
    // the invalid wire opcode 2
    expect(refusal([...good, 0x20], 3)).toEqual({ reason: 'malformed', word: 2, offset: 3 });
    expect(refusal([...good, 0x2f, 0x00], 3)).toEqual({ reason: 'malformed', word: 2, offset: 3 });
    // a varint over its field: LIT has 17 bits (3 bytes, the last at most 0x07)
    expect(decodeProgramWords(Uint8Array.of(0x60, 0xff, 0xff, 0x07), 1)).toEqual([encodeWord({ op: Opcode.IN, x: 65535, base: 1, mask: 1 })]);
    expect(refusal([0x60, 0xff, 0xff, 0x08], 1)).toEqual({ reason: 'malformed', word: 0, offset: 0 });
    // over-long: a continuation on the byte that holds the field's top bit (then nothing may follow)
    expect(refusal([0x60, 0x81, 0x80, 0x80, 0x00], 1).reason).toBe('malformed');
    expect(refusal([0x60, 0x81, 0x80, 0x80], 1).reason).toBe('malformed');
    expect(refusal([0x90, 0x00, 0x00, 0xff, 0xff, 0x83], 1).reason).toBe('malformed'); // CMP x: 16 bits
    expect(decodeProgramWords(Uint8Array.of(0x90, 0x00, 0x00, 0xff, 0xff, 0x03), 1)).toHaveLength(1);
    // not minimal: a last byte of 0 after the first
    expect(refusal([0x02, 0x60, 0x81, 0x00], 2)).toEqual({ reason: 'malformed', word: 1, offset: 1 });
    // an 8-bit field: ADIFF's offset 255 = 0xff 0x01; 256 does not fit
    expect(decodeProgramWords(Uint8Array.of(0x50, 0xff, 0x01, 0x00), 1)).toHaveLength(1);
    expect(refusal([0x50, 0x80, 0x02, 0x00], 1).reason).toBe('malformed');
    // a 3-bit field (LCMP's cop): 7 fits, 8 does not
    expect(decodeProgramWords(Uint8Array.of(0x40, 0x00, 0x07), 1)).toHaveLength(1);
    expect(refusal([0x40, 0x00, 0x08], 1).reason).toBe('malformed');
    // 32-bit fields: the fifth byte at most 0x0f
    expect(refusal([0x70, 0xff, 0xff, 0xff, 0xff, 0x10, 0x00], 1).reason).toBe('malformed');
    // more words than announced, and too few or a word cut short
    expect(refusal(good, 1)).toEqual({ reason: 'extra', word: 1, offset: 1 });
    expect(refusal(good, 3)).toEqual({ reason: 'truncated', word: 2, offset: 3 });
    expect(refusal([0x02, 0x62], 2)).toEqual({ reason: 'truncated', word: 1, offset: 2 });
    expect(refusal([0x90, 0x01, 0x82], 1)).toEqual({ reason: 'truncated', word: 0, offset: 3 });
  });

  it('costs a SAT literal 2 bytes below variable 64 and 3 below 8192', () => {
    const lit = (x: number) => encodeProgramWords([encodeWord({ op: Opcode.IN, x, base: 1, mask: 1 })]).length;
    expect([lit(0), lit(63), lit(64), lit(8191), lit(8192), lit(65535)]).toEqual([2, 2, 3, 3, 4, 4]);
  });
});
