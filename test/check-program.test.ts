// The program checker on hand-written programs whose verdicts are worked out by hand from
// docs/validator-program.md: every opcode, the NEG/ET/EC/MODE rules and their corner cases.

import { describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { checkProgram, prepareProgram } from '../src/check/program-checker.ts';
import { compare, decodeWord, encodeWord, Opcode, type Instruction } from '../src/model/isa.ts';
import { packIndices } from '../src/model/pack.ts';
import type { Program } from '../src/model/program.ts';
import type { CheckResult } from '../src/check/types.ts';
import { randomProgram } from './helpers/random-model.ts';

type Word = Partial<Instruction> & { op: number };
const { TRUE, IN, CMP, ACC, LCMP, ADIFF } = Opcode;
const EC = { endCons: true };
const ET = { endTerm: true };
const DNF = { dnf: true };

function program(widths: number[], words: (Word | bigint)[]): Program {
  const encoded = words.map((w) => (typeof w === 'bigint' ? w : encodeWord(w)));
  const bits = widths.reduce((a, b) => a + b, 0);
  return {
    numVars: widths.length,
    widths,
    words: encoded,
    modelConstraints: words.filter((w) => typeof w !== 'bigint' && w.endCons).length,
    domainChecks: [],
    candidateBytes: Math.ceil(bits / 8),
  };
}

function run(widths: number[], words: (Word | bigint)[], indices: number[]): number[] {
  const r = checkProgram(program(widths, words), packIndices(widths, indices));
  expect(r.count).toBe(r.violated.length);
  expect(r.ok).toBe(r.count === 0);
  return r.violated;
}

describe('TRUE', () => {
  it('is true, and false with NEG', () => {
    expect(run([], [{ op: TRUE, ...EC }], [])).toEqual([]);
    expect(run([], [{ op: TRUE, neg: true, ...EC }], [])).toEqual([0]);
  });
  it('ignores operand bits', () => {
    expect(run([], [encodeWord({ op: TRUE, ...EC }) | 0xffffn], [])).toEqual([]);
  });
});

describe('IN', () => {
  // mask bits 0, 2 and 31 over the window 10..41
  const words = (neg: boolean): Word[] => [{ op: IN, x: 0, base: 10, mask: 0x80000005, neg, ...EC }];
  it('is true exactly for base + set mask bits', () => {
    const verdict = (v: number): boolean => run([8], words(false), [v]).length === 0;
    expect([9, 10, 11, 12, 40, 41, 42, 255, 0].map(verdict)).toEqual([false, true, false, true, false, true, false, false, false]);
  });
  it('is inverted by NEG, also outside the window', () => {
    const verdict = (v: number): boolean => run([8], words(true), [v]).length === 0;
    expect([9, 10, 11, 12, 41, 42].map(verdict)).toEqual([true, false, true, false, false, true]);
  });
  it('works on a 0-bit variable (always index 0)', () => {
    expect(run([0], [{ op: IN, x: 0, base: 0, mask: 1, ...EC }], [0])).toEqual([]);
    expect(run([0], [{ op: IN, x: 0, base: 1, mask: 1, ...EC }], [0])).toEqual([0]);
  });
});

describe('CMP', () => {
  // x = 5, y = 3
  const cmp = (cop: number, c: number): boolean => run([4, 4], [{ op: CMP, x: 0, y: 1, cop, imm: c, ...EC }], [5, 3]).length === 0;
  it('compares v_x with v_y + c for every code', () => {
    expect([cmp(0, 2), cmp(0, 1), cmp(1, 2), cmp(1, 3)]).toEqual([true, false, false, true]);
    expect([cmp(2, 3), cmp(2, 2), cmp(3, 2), cmp(3, 1)]).toEqual([true, false, true, false]);
    expect([cmp(4, 1), cmp(4, 2), cmp(5, 2), cmp(5, 3)]).toEqual([true, false, true, false]);
  });
  it('takes c as signed 16 bits', () => {
    expect(cmp(4, -32768)).toBe(true);
    expect(cmp(2, 32767)).toBe(true);
    expect(run([8, 8], [{ op: CMP, x: 0, y: 1, cop: 0, imm: -250, ...EC }], [5, 255])).toEqual([]);
  });
  it('may compare a variable with itself', () => {
    expect(run([3], [{ op: CMP, x: 0, y: 0, cop: 3, imm: 0, ...EC }], [6])).toEqual([]);
    expect(run([3], [{ op: CMP, x: 0, y: 0, cop: 2, imm: 0, ...EC }], [6])).toEqual([0]);
  });
});

describe('ACC and LCMP', () => {
  it('sums coef * v and compares the accumulator', () => {
    // acc = 3*7 - 2*4 = 13
    const words = (cop: number, k: number): Word[] => [
      { op: ACC, x: 0, clr: true, imm: 3 },
      { op: ACC, x: 1, imm: -2 },
      { op: LCMP, cop, imm: k, ...EC },
    ];
    const ok = (cop: number, k: number): boolean => run([3, 3], words(cop, k), [7, 4]).length === 0;
    expect([ok(0, 13), ok(0, 12), ok(1, 13), ok(2, 14), ok(2, 13), ok(3, 13), ok(4, 12), ok(4, 13), ok(5, 13), ok(5, 14)])
      .toEqual([true, false, false, true, false, true, true, false, true, false]);
  });
  it('carries the accumulator across constraints when ACC has no CLR', () => {
    const words: Word[] = [
      { op: ACC, x: 0, clr: true, imm: 1 },
      { op: LCMP, cop: 0, imm: 7, ...EC }, // acc = 7
      { op: ACC, x: 1, imm: 10 },
      { op: LCMP, cop: 0, imm: 47, ...EC }, // acc = 7 + 40
      { op: ACC, x: 1, clr: true, imm: 1 },
      { op: LCMP, cop: 0, imm: 4, ...EC }, // cleared: acc = 4
    ];
    expect(run([3, 3], words, [7, 4])).toEqual([]);
    expect(run([3, 3], words, [6, 4])).toEqual([0, 1]);
  });
  it('wraps the accumulator at 32 bits', () => {
    // 300 * 32767 * 255 = 2,506,675,500 wraps to 2,506,675,500 - 2^32 = -1,788,291,796
    const words: Word[] = [{ op: ACC, x: 0, clr: true, imm: 32767 }];
    for (let i = 1; i < 300; i++) words.push({ op: ACC, x: 0, imm: 32767 });
    words.push({ op: LCMP, cop: 0, imm: -1_788_291_796, ...EC });
    expect(run([8], words, [255])).toEqual([]);
  });
  it('takes k as signed 32 bits and coef as signed 16 bits', () => {
    const words: Word[] = [{ op: ACC, x: 0, clr: true, imm: -32768 }, { op: LCMP, cop: 0, imm: -32768 * 200, ...EC }];
    expect(run([8], words, [200])).toEqual([]);
  });
  it('is not a literal: NEG on ACC does nothing and the term keeps its value', () => {
    const words: Word[] = [
      { op: TRUE, neg: true }, // term = 0
      { op: ACC, x: 0, clr: true, imm: 1, neg: true }, // no literal
      { op: TRUE, neg: true, ...EC }, // term = 0 or 0
    ];
    expect(run([1], words, [1])).toEqual([0]);
  });
});

describe('ADIFF', () => {
  it('is false when (v + off) mod 256 was seen in the same constraint', () => {
    const words = (offs: number[]): Word[] => offs.map((imm, i) => ({ op: ADIFF, x: i, imm, ...(i === offs.length - 1 ? EC : ET) }));
    expect(run([8, 8, 8], words([0, 0, 0]), [1, 2, 3])).toEqual([]);
    expect(run([8, 8, 8], words([0, 0, 0]), [1, 2, 1])).toEqual([0]);
    expect(run([8, 8, 8], words([0, 1, 2]), [3, 2, 1])).toEqual([0]); // all three are 3
    expect(run([8, 8], words([10, 0]), [250, 4])).toEqual([0]); // 260 mod 256 = 4
  });
  it('keeps seen across ET and clears it at EC', () => {
    const words: Word[] = [
      { op: ADIFF, x: 0, imm: 0, ...ET },
      { op: ADIFF, x: 1, imm: 0, ...EC },
      { op: ADIFF, x: 2, imm: 0, ...EC }, // fresh constraint: nothing seen
    ];
    expect(run([4, 4, 4], words, [5, 5, 5])).toEqual([0]);
    expect(run([4, 4, 4], words, [5, 6, 5])).toEqual([]);
  });
  it('marks the value even when the literal is false or negated', () => {
    const words: Word[] = [
      { op: ADIFF, x: 0, imm: 0, neg: true, ...ET }, // first sight: L = 1, negated 0
      { op: TRUE, ...ET },
      { op: ADIFF, x: 1, imm: 0, ...EC },
    ];
    expect(run([4, 4], words, [5, 5])).toEqual([0]);
  });
  it('clears seen between candidates', () => {
    const p = prepareProgram(program([4, 4], [{ op: ADIFF, x: 0, ...ET }, { op: ADIFF, x: 1, ...EC }]));
    expect(p.check(packIndices([4, 4], [3, 4])).ok).toBe(true);
    expect(p.check(packIndices([4, 4], [4, 3])).ok).toBe(true);
    expect(p.check(packIndices([4, 4], [4, 4])).ok).toBe(false);
  });
});

describe('terms and constraints', () => {
  const lit = (v: boolean, flags: Partial<Instruction> = {}): Word => ({ op: TRUE, neg: !v, ...flags });

  it('CNF: AND of ORs', () => {
    // (0 or 1) and (0 or 0) -> false; (0 or 1) and (1) -> true
    expect(run([], [lit(false), lit(true, ET), lit(false), lit(false, EC)], [])).toEqual([0]);
    expect(run([], [lit(false), lit(true, ET), lit(true, EC)], [])).toEqual([]);
  });
  it('DNF: OR of ANDs', () => {
    // (1 and 0) or (1 and 1) -> true; (1 and 0) or (0) -> false
    expect(run([], [lit(true, DNF), lit(false, { dnf: true, ...ET }), lit(true, DNF), lit(true, { dnf: true, ...EC })], [])).toEqual([]);
    expect(run([], [lit(true, DNF), lit(false, { dnf: true, ...ET }), lit(false, { dnf: true, ...EC })], [])).toEqual([0]);
  });
  it('an empty term is false in CNF and true in DNF', () => {
    const acc = { op: ACC, x: 0, clr: true, imm: 1 };
    expect(run([1], [{ ...acc, ...EC }], [0])).toEqual([0]);
    expect(run([1], [{ ...acc, dnf: true, ...EC }], [0])).toEqual([]);
    // CNF: (true) and (empty) -> false; DNF: (false) or (empty) -> true
    expect(run([1], [lit(true, ET), { ...acc, ...EC }], [0])).toEqual([0]);
    expect(run([1], [lit(false, { dnf: true, ...ET }), { ...acc, dnf: true, ...EC }], [0])).toEqual([]);
  });
  it('EC with ET set behaves as EC', () => {
    expect(run([], [lit(false), lit(false, { endTerm: true, endCons: true })], [])).toEqual([0]);
    expect(run([], [lit(false), lit(true, { endTerm: true, endCons: true })], [])).toEqual([]);
  });
  it('takes MODE per word: a CNF term folded into the constraint by a DNF word', () => {
    // term 1 (CNF) = 0 starts cons = 0; term 2 = 1, folded by a DNF word: cons = 0 or 1 = 1
    expect(run([], [lit(false, ET), lit(true, { dnf: true, ...EC })], [])).toEqual([]);
    // and the other way round: cons = 1 (first term), then CNF fold: 1 and 0 = 0
    expect(run([], [lit(true, { dnf: true, ...ET }), lit(false, EC)], [])).toEqual([0]);
  });
  it('combines a term word by word with each word\'s MODE', () => {
    // term = 1; DNF word: 1 and 0 = 0; CNF word: 0 or 1 = 1
    expect(run([], [lit(true), lit(false, DNF), lit(true, EC)], [])).toEqual([]);
    // term = 0; CNF word: 0 or 1 = 1; DNF word: 1 and 0 = 0
    expect(run([], [lit(false), lit(true), lit(false, { dnf: true, ...EC })], [])).toEqual([0]);
  });
  it('ignores words after the last EC', () => {
    expect(run([], [lit(true, EC), lit(false), lit(false, ET)], [])).toEqual([]);
  });
  it('numbers constraints by EC and lists every violated one in order', () => {
    // 0: F; 1: T; 2: (F) and (T) = F; 3: F; 4: (F or T) = T
    const words = [lit(false, EC), lit(true, EC), lit(false, ET), lit(true, EC), lit(false, EC), lit(false), lit(true, EC)];
    expect(run([], words, [])).toEqual([0, 2, 3]);
  });
});

describe('program load and candidate errors', () => {
  const bad = (widths: number[], words: (Word | bigint)[]): (() => unknown) => () => prepareProgram(program(widths, words));
  it('refuses invalid opcodes, naming the word', () => {
    for (let op = 6; op < 16; op++) expect(bad([], [{ op: TRUE, ...EC }, { op, ...EC }])).toThrow(`program word 1: invalid opcode ${op}`);
  });
  it('refuses invalid comparison codes', () => {
    expect(bad([1, 1], [{ op: CMP, x: 0, y: 1, cop: 6, ...EC }])).toThrow('program word 0: invalid comparison code 6');
    expect(bad([], [{ op: LCMP, cop: 7, ...EC }])).toThrow('program word 0: invalid comparison code 7');
  });
  it('refuses variables out of range', () => {
    expect(bad([1], [{ op: IN, x: 1, mask: 1, ...EC }])).toThrow('program word 0: variable 1 out of range (1 variables)');
    expect(bad([1], [{ op: CMP, x: 0, y: 3, ...EC }])).toThrow('variable 3 out of range');
    expect(bad([1], [{ op: ACC, x: 2 }, { op: TRUE, ...EC }])).toThrow('variable 2 out of range');
    expect(bad([1], [{ op: ADIFF, x: 65535, ...EC }])).toThrow('variable 65535 out of range');
  });
  it('refuses widths over 8 and inconsistent lengths', () => {
    expect(bad([9], [])).toThrow('variable 0 has width 9');
    expect(() => prepareProgram({ ...program([8], []), candidateBytes: 2 })).toThrow('candidateBytes 2, the widths need 1');
    expect(() => prepareProgram({ ...program([8], []), numVars: 2 })).toThrow('1 widths for 2 variables');
  });
  it('refuses a candidate of the wrong length', () => {
    expect(() => checkProgram(program([8, 1], [{ op: TRUE, ...EC }]), new Uint8Array(1))).toThrow('candidate has 1 bytes, the program expects 2');
  });
  it('ignores pad bits of the candidate', () => {
    const p = program([3], [{ op: IN, x: 0, base: 0, mask: 0b100000, ...EC }]);
    expect(checkProgram(p, Uint8Array.of(0b11111101)).ok).toBe(true); // index 5
  });
});

/** The execution rules of docs/validator-program.md transcribed literally, word by word. */
function specInterpreter(p: Program, v: number[]): CheckResult {
  let term = false;
  let cons = false;
  let tfresh = true;
  let cfresh = true;
  let acc = 0;
  let seen = new Set<number>();
  const violated: number[] = [];
  let cidx = 0;
  for (const word of p.words) {
    const w = decodeWord(word);
    let L: boolean | null = null;
    switch (w.op) {
      case TRUE: L = true; break;
      case IN: L = v[w.x]! >= w.base && v[w.x]! < w.base + 32 && ((w.mask >>> (v[w.x]! - w.base)) & 1) === 1; break;
      case CMP: L = compare(w.cop, v[w.x]!, v[w.y]! + w.imm); break;
      case ACC: acc = Number(BigInt.asIntN(32, BigInt((w.clr ? 0 : acc) + w.imm * v[w.x]!))); break;
      case LCMP: L = compare(w.cop, acc, w.imm); break;
      case ADIFF: {
        const k = (v[w.x]! + w.imm) % 256;
        L = !seen.has(k);
        seen.add(k);
        break;
      }
    }
    if (L !== null) {
      L = L !== w.neg;
      term = tfresh ? L : w.dnf ? term && L : term || L;
      tfresh = false;
    }
    if (w.endTerm || w.endCons) {
      const t = tfresh ? w.dnf : term;
      cons = cfresh ? t : w.dnf ? cons || t : cons && t;
      cfresh = false;
      tfresh = true;
    }
    if (w.endCons) {
      if (!cons) violated.push(cidx);
      cidx++;
      cfresh = true;
      seen = new Set();
    }
  }
  return { ok: violated.length === 0, violated, count: violated.length };
}

describe('random programs', () => {
  it('every opcode and flag combination executes as the specification says', () => {
    const rng = new Prng(7);
    const combos = new Set<string>();
    for (let n = 0; n < 3000; n++) {
      // now and then a long program, so that ACC without CLR can wrap the accumulator
      const p = randomProgram(rng, n % 50 === 0 ? { variables: 1 + rng.int(3), words: 600 + rng.int(600), accumulate: true } : {});
      for (const word of p.words) {
        const w = decodeWord(word);
        combos.add(`${w.op}:${+w.neg}${+w.endTerm}${+w.endCons}${+w.dnf}`);
      }
      const executor = prepareProgram(p);
      for (let k = 0; k < 4; k++) {
        const indices = p.widths.map((w) => rng.int(1 << w));
        expect(executor.check(packIndices(p.widths, indices))).toEqual(specInterpreter(p, indices));
      }
    }
    expect(combos.size).toBe(6 * 16);
  });
});
