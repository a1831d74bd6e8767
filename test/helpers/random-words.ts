// Random program words of every opcode and wire form, with every field anywhere in its range
// (and at its ends), for the wire-encoding tests of the host and of the RTL decoder.

import { encodeWord, Opcode, type Instruction } from '../../src/model/isa.ts';
import type { Prng } from '../../src/model/prng.ts';

/** A value in 0..2^bits - 1: uniform, at an end of the range, or small (a varint of 1 or 2 bytes). */
function pick(rng: Prng, bits: number): number {
  const top = 2 ** bits;
  switch (rng.int(4)) {
    case 0: return rng.int(2) === 0 ? 0 : top - 1;
    case 1: return rng.int(Math.min(top, 200));
    default: return bits > 30 ? rng.uint32() % top : rng.int(top);
  }
}

const signed = (rng: Prng, bits: number): number => {
  const u = pick(rng, bits);
  return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
};

/** One random word; `kind` 0..7 picks TRUE, IN, CMP, ACC, LCMP, ADIFF, IN as LIT, IN as IN0. */
export function randomWord(rng: Prng, kind = rng.int(8)): bigint {
  const flags: Partial<Instruction> = { neg: rng.int(2) === 1, endTerm: rng.int(2) === 1, endCons: rng.int(2) === 1, dnf: rng.int(2) === 1 };
  const x = pick(rng, 16);
  switch (kind) {
    case 0: return encodeWord({ op: Opcode.TRUE, ...flags });
    case 1: return encodeWord({ op: Opcode.IN, ...flags, x, base: 2 + rng.int(254), mask: pick(rng, 32) });
    case 2: return encodeWord({ op: Opcode.CMP, ...flags, x, y: pick(rng, 16), cop: rng.int(8), imm: signed(rng, 16) });
    case 3: return encodeWord({ op: Opcode.ACC, ...flags, x, clr: rng.int(2) === 1, imm: signed(rng, 16) });
    case 4: return encodeWord({ op: Opcode.LCMP, ...flags, cop: rng.int(8), imm: signed(rng, 32) });
    case 5: return encodeWord({ op: Opcode.ADIFF, ...flags, x, imm: pick(rng, 8) });
    case 6: return encodeWord({ op: Opcode.IN, ...flags, x, base: rng.int(2), mask: 1 });
    default: return encodeWord({ op: Opcode.IN, ...flags, x, base: rng.int(2) === 0 ? 0 : 1, mask: rng.int(2) === 0 ? pick(rng, 32) : 2 + rng.int(1000) });
  }
}

export function randomWords(rng: Prng, count: number): bigint[] {
  return Array.from({ length: count }, () => randomWord(rng));
}
