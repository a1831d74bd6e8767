// The golden model of the RTL constraint engine: executes validator program words on a packed
// candidate exactly as docs/validator-program.md specifies, bit for bit. The words are validated
// and decoded once (prepareProgram), as the device does at program load, so that checking many
// candidates costs only the execution loop.

import { decodeWord, Opcode } from '../model/isa.ts';
import { packedLength } from '../model/pack.ts';
import type { Program } from '../model/program.ts';
import type { CheckResult } from './types.ts';

const FLAG_NEG = 1;
const FLAG_ET = 2;
const FLAG_EC = 4;
const FLAG_DNF = 8;

export interface PreparedProgram {
  readonly program: Program;
  /** Execute the program on one packed candidate (length must be program.candidateBytes). */
  check(packed: Uint8Array): CheckResult;
}

/** Validate and decode a program; throws a RangeError naming the first word or variable at fault. */
export function prepareProgram(program: Program): PreparedProgram {
  return new Executor(program);
}

/** Execute `program` on one packed candidate. Use prepareProgram to check many candidates. */
export function checkProgram(program: Program, packed: Uint8Array): CheckResult {
  return prepareProgram(program).check(packed);
}

/**
 * Execution codes: the opcode fused with the comparison code or CLR, so that the inner loop
 * dispatches once per word.
 */
const X_TRUE = 0;
const X_IN = 1;
const X_CMP = 2; // + cop (0..5)
const X_ACC = 8;
const X_ACC_CLR = 9;
const X_LCMP = 10; // + cop (0..5)
const X_ADIFF = 16;

class Executor implements PreparedProgram {
  private readonly code: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly x: Uint16Array;
  private readonly y: Uint16Array;
  /** IN: window base. */
  private readonly base: Uint8Array;
  /** IN: mask (as int32 bits); CMP: c; ACC: coef; LCMP: k; ADIFF: offset. */
  private readonly imm: Int32Array;
  private readonly bitOffset: Uint32Array;
  private readonly widthMask: Uint16Array;
  private readonly values: Int32Array;
  /** seen[k] === generation means value k was seen in the current constraint; avoids clearing 256 bits per EC. */
  private readonly seen = new Uint32Array(256);
  private generation = 0;

  constructor(readonly program: Program) {
    const { numVars, widths, words } = program;
    if (!Number.isInteger(numVars) || numVars < 0 || widths.length !== numVars) {
      throw new RangeError(`program: ${widths.length} widths for ${numVars} variables`);
    }
    this.bitOffset = new Uint32Array(numVars);
    this.widthMask = new Uint16Array(numVars);
    let bit = 0;
    for (let i = 0; i < numVars; i++) {
      const w = widths[i]!;
      if (!Number.isInteger(w) || w < 0 || w > 8) throw new RangeError(`program: variable ${i} has width ${w}, not 0..8`);
      this.bitOffset[i] = bit;
      this.widthMask[i] = (1 << w) - 1;
      bit += w;
    }
    if (program.candidateBytes !== packedLength(widths)) {
      throw new RangeError(`program: candidateBytes ${program.candidateBytes}, the widths need ${packedLength(widths)}`);
    }
    this.values = new Int32Array(numVars);

    const n = words.length;
    this.code = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.x = new Uint16Array(n);
    this.y = new Uint16Array(n);
    this.base = new Uint8Array(n);
    this.imm = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ins = decodeWord(words[i]!);
      if (ins.op > Opcode.ADIFF) throw new RangeError(`program word ${i}: invalid opcode ${ins.op}`);
      if ((ins.op === Opcode.CMP || ins.op === Opcode.LCMP) && ins.cop > 5) {
        throw new RangeError(`program word ${i}: invalid comparison code ${ins.cop}`);
      }
      const usesX = ins.op === Opcode.IN || ins.op === Opcode.CMP || ins.op === Opcode.ACC || ins.op === Opcode.ADIFF;
      if (usesX && ins.x >= numVars) throw new RangeError(`program word ${i}: variable ${ins.x} out of range (${numVars} variables)`);
      if (ins.op === Opcode.CMP && ins.y >= numVars) throw new RangeError(`program word ${i}: variable ${ins.y} out of range (${numVars} variables)`);
      this.code[i] = executionCode(ins.op, ins.cop, ins.clr);
      this.flags[i] = (ins.neg ? FLAG_NEG : 0) | (ins.endTerm ? FLAG_ET : 0) | (ins.endCons ? FLAG_EC : 0) | (ins.dnf ? FLAG_DNF : 0);
      this.x[i] = ins.x;
      this.y[i] = ins.y;
      this.base[i] = ins.base;
      this.imm[i] = ins.op === Opcode.IN ? ins.mask | 0 : ins.imm;
    }
  }

  check(packed: Uint8Array): CheckResult {
    if (packed.length !== this.program.candidateBytes) {
      throw new RangeError(`candidate has ${packed.length} bytes, the program expects ${this.program.candidateBytes}`);
    }
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const o = this.bitOffset[i]!;
      const k = o >> 3;
      // Past the end reads undefined, which the bit operators treat as 0.
      values[i] = ((packed[k]! | (packed[k + 1]! << 8)) >> (o & 7)) & this.widthMask[i]!;
    }
    return this.run(values);
  }

  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.seen.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  private run(v: Int32Array): CheckResult {
    const { code, flags, x, y, base, imm, seen } = this;
    const violated: number[] = [];
    let term = 0;
    let cons = 0;
    let tfresh = 1;
    let cfresh = 1;
    let acc = 0;
    let cidx = 0;
    let gen = this.nextGeneration();
    for (let i = 0; i < code.length; i++) {
      const f = flags[i]!;
      let lit = -1; // -1: the word has no literal (ACC)
      switch (code[i]) {
        case X_TRUE: lit = 1; break;
        case X_IN: {
          const d = v[x[i]!]! - base[i]!;
          lit = d >= 0 && d < 32 ? (imm[i]! >>> d) & 1 : 0;
          break;
        }
        case X_CMP + 0: lit = v[x[i]!]! === v[y[i]!]! + imm[i]! ? 1 : 0; break;
        case X_CMP + 1: lit = v[x[i]!]! !== v[y[i]!]! + imm[i]! ? 1 : 0; break;
        case X_CMP + 2: lit = v[x[i]!]! < v[y[i]!]! + imm[i]! ? 1 : 0; break;
        case X_CMP + 3: lit = v[x[i]!]! <= v[y[i]!]! + imm[i]! ? 1 : 0; break;
        case X_CMP + 4: lit = v[x[i]!]! > v[y[i]!]! + imm[i]! ? 1 : 0; break;
        case X_CMP + 5: lit = v[x[i]!]! >= v[y[i]!]! + imm[i]! ? 1 : 0; break;
        // acc is a 32-bit two's-complement register: it wraps (compiled programs never reach that).
        case X_ACC: acc = (acc + imm[i]! * v[x[i]!]!) | 0; break;
        case X_ACC_CLR: acc = imm[i]! * v[x[i]!]!; break;
        case X_LCMP + 0: lit = acc === imm[i]! ? 1 : 0; break;
        case X_LCMP + 1: lit = acc !== imm[i]! ? 1 : 0; break;
        case X_LCMP + 2: lit = acc < imm[i]! ? 1 : 0; break;
        case X_LCMP + 3: lit = acc <= imm[i]! ? 1 : 0; break;
        case X_LCMP + 4: lit = acc > imm[i]! ? 1 : 0; break;
        case X_LCMP + 5: lit = acc >= imm[i]! ? 1 : 0; break;
        default: { // X_ADIFF
          const k = (v[x[i]!]! + imm[i]!) & 255;
          lit = seen[k] === gen ? 0 : 1;
          seen[k] = gen;
          break;
        }
      }
      const dnf = f & FLAG_DNF ? 1 : 0;
      if (lit >= 0) {
        const l = lit ^ (f & FLAG_NEG);
        term = tfresh ? l : dnf ? term & l : term | l;
        tfresh = 0;
      }
      if (f & (FLAG_ET | FLAG_EC)) {
        const t = tfresh ? dnf : term;
        cons = cfresh ? t : dnf ? cons | t : cons & t;
        cfresh = 0;
        tfresh = 1;
        if (f & FLAG_EC) {
          if (cons === 0) violated.push(cidx);
          cidx++;
          cfresh = 1;
          gen = this.nextGeneration();
        }
      }
    }
    return { ok: violated.length === 0, violated, count: violated.length };
  }
}

function executionCode(op: number, cop: number, clr: boolean): number {
  switch (op) {
    case Opcode.TRUE: return X_TRUE;
    case Opcode.IN: return X_IN;
    case Opcode.CMP: return X_CMP + cop;
    case Opcode.ACC: return clr ? X_ACC_CLR : X_ACC;
    case Opcode.LCMP: return X_LCMP + cop;
    default: return X_ADIFF;
  }
}
