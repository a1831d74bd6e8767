// The RTL constraint engine (hdl/rtl/validator_core.v) in its standalone Verilator testbench,
// against the reference checker: random programs from randomCompiledModel, random packed
// candidates, every verdict compared field by field (ok, count, first K violated indices, digest),
// and every program-load and candidate error with the device working again afterwards.

import { beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { prepareProgram } from '../src/check/program-checker.ts';
import { crc32 } from '../src/model/crc32.ts';
import { decodeWord, encodeProgramWords, encodeWord, Opcode } from '../src/model/isa.ts';
import { packIndices } from '../src/model/pack.ts';
import type { Program } from '../src/model/program.ts';
import { programImage } from '../src/link/validator-client.ts';
import {
  buildEngineTb, CHUNK_WIDTHS, CHUNK_WORDS, CMD, ENGINE_K, loadCommands, runEngineTb,
  type EngineCommand, type EngineReply,
} from './helpers/engine-vectors.ts';
import { randomCompiledModel, randomIndices } from './helpers/random-model.ts';

const ERR = {
  CAPACITY: 5, BAD_VARIABLE: 6, BAD_OPCODE: 7, BAD_WIDTH: 8, PROGRAM_STATE: 9, PROGRAM_CRC: 10,
  NO_PROGRAM: 11, WRONG_PROGRAM: 12, CANDIDATE_LENGTH: 13, UNKNOWN_MESSAGE: 4,
} as const;
const LIMIT = { VARS: 1, WORDS: 2, CONSTRAINTS: 3 } as const;
/** The testbench's build of validator_core uses the default capacities. */
const MAX_VARS = 1024;
const MAX_WORDS = 16384;
const MAX_CONSTRAINTS = 16384;

/** A command sequence with the reply each command must get. */
class Script {
  readonly cmds: EngineCommand[] = [];
  readonly expected = new Map<number, EngineReply>();
  /** Candidates a Reset may drop: their verdict, if any, must still be right. */
  readonly optional = new Set<number>();
  private seq = 0;
  readonly nextSeq = () => ++this.seq;

  /** A command without a reply (Reset: the link acknowledges it). */
  quiet(cmd: Omit<EngineCommand, 'seq'>): void {
    this.cmds.push({ ...cmd, seq: this.nextSeq() });
  }

  ack(cmd: Omit<EngineCommand, 'seq'>): void {
    const seq = this.nextSeq();
    this.cmds.push({ ...cmd, seq });
    this.expected.set(seq, { kind: 'ack', seq });
  }

  err(cmd: Omit<EngineCommand, 'seq'>, code: number, arg = 0): void {
    const seq = this.nextSeq();
    this.cmds.push({ ...cmd, seq });
    this.expected.set(seq, { kind: 'err', seq, code, arg });
  }

  load(program: Program, programId: number, chunk = 64): void {
    for (const c of loadCommands(program, programId, this.nextSeq, chunk)) {
      this.cmds.push(c);
      this.expected.set(c.seq, { kind: 'ack', seq: c.seq });
    }
  }

  candidate(program: Program, programId: number, packed: Uint8Array, mayBeDropped = false): void {
    const want = prepareProgram(program).check(packed);
    const seq = this.nextSeq();
    if (mayBeDropped) this.optional.add(seq);
    this.cmds.push({ op: CMD.CANDIDATE, seq, a: programId, data: packed });
    this.expected.set(seq, {
      kind: 'verdict', seq, programId, ok: want.ok, count: want.count, digest: crc32(packed),
      cycles: -1, violated: want.violated.slice(0, ENGINE_K),
    });
  }
}

/** A hand-made program: `words` as given, every variable `width` bits, constraints = EC words. */
function rawProgram(numVars: number, width: number, words: bigint[]): Program {
  const ends = words.filter((w) => decodeWord(w).endCons).length;
  const widths = new Array<number>(numVars).fill(width);
  return { numVars, widths, words, modelConstraints: ends, domainChecks: [], candidateBytes: Math.ceil((numVars * width) / 8) };
}

function randomPacked(rng: Prng, bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, () => rng.int(256));
}

/**
 * Random (program, candidate) cases as commands plus the reply each command must get. `wide`:
 * 20..59 variables and 24..79 constraints, so violated indices above 16 occur (the engine's
 * index registers and the verdict's packed indices in more than one varint byte of 7 bits).
 */
function randomCases(seed: number, programs: number, candidatesPerProgram: number, wide = false) {
  const rng = new Prng(seed);
  const cmds: EngineCommand[] = [];
  const expected = new Map<number, EngineReply>();
  const opcodes = new Map<string, number>();
  let seq = 0;
  const nextSeq = () => ++seq;
  for (let made = 0; made < programs; made++) {
    // Small models with in-domain candidates are often satisfied; larger ones rarely.
    let small = false;
    const { model, program } = randomCompiledModel(rng, () => {
      small = rng.int(2) === 0;
      return wide ? { variables: 20 + rng.int(40), constraints: 24 + rng.int(56) }
        : small ? { variables: 1 + rng.int(4), constraints: 1 + rng.int(2) } : { variables: 1 + rng.int(12), constraints: 1 + rng.int(8) };
    });
    for (const w of program.words) {
      const ins = decodeWord(w);
      const key = `${ins.op}${ins.neg ? 'n' : ''}${ins.dnf ? 'd' : ''}`;
      opcodes.set(key, (opcodes.get(key) ?? 0) + 1);
    }
    const programId = 1 + rng.int(0xfffffffe);
    for (const c of loadCommands(program, programId, nextSeq, 1 + rng.int(40))) {
      cmds.push(c);
      expected.set(c.seq, { kind: 'ack', seq: c.seq });
    }
    const checker = prepareProgram(program);
    for (let k = 0; k < candidatesPerProgram; k++) {
      const packed = packIndices(program.widths, randomIndices(rng, model, wide ? 0.01 : small ? 0.05 : 0.3));
      const want = checker.check(packed);
      const s = nextSeq();
      cmds.push({ op: CMD.CANDIDATE, seq: s, a: programId, data: packed });
      expected.set(s, {
        kind: 'verdict', seq: s, programId, ok: want.ok, count: want.count, digest: crc32(packed),
        cycles: -1, violated: want.violated.slice(0, ENGINE_K),
      });
    }
  }
  return { cmds, expected, opcodes };
}

/** Every command got exactly its expected reply (verdict cycles are not predicted); those in `optional` may get none. */
function compareReplies(replies: EngineReply[], expected: Map<number, EngineReply>, optional: ReadonlySet<number> = new Set()) {
  const disagreements: string[] = [];
  const seen = new Set<number>();
  for (const r of replies) {
    const want = expected.get(r.seq);
    if (seen.has(r.seq)) disagreements.push(`seq ${r.seq}: second reply`);
    seen.add(r.seq);
    const got = r.kind === 'verdict' ? { ...r, cycles: -1 } : r;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      disagreements.push(`seq ${r.seq}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  for (const s of expected.keys()) if (!seen.has(s) && !optional.has(s)) disagreements.push(`seq ${s}: no reply`);
  return disagreements;
}

describe('engine testbench', () => {
  let tb1 = '';
  let tb3 = '';
  beforeAll(() => {
    tb1 = buildEngineTb(1);
    tb3 = buildEngineTb(3);
  });

  it('agrees with the reference checker on random programs and candidates (1 lane, stalled handshakes)', () => {
    const { cmds, expected, opcodes } = randomCases(1, 300, 10);
    const { replies } = runEngineTb(tb1, cmds, 30, 7);
    expect(compareReplies(replies, expected)).toEqual([]);
    const verdicts = replies.filter((r) => r.kind === 'verdict');
    expect(verdicts).toHaveLength(3000);
    expect(verdicts.filter((v) => v.ok).length).toBeGreaterThan(300);
    expect(verdicts.filter((v) => !v.ok).length).toBeGreaterThan(300);
    // The cases cover every opcode, with and without NEG, and DNF constraints.
    for (const op of Object.values(Opcode)) expect([...opcodes.keys()].some((k) => k.startsWith(String(op)))).toBe(true);
    expect([...opcodes.keys()].some((k) => k.includes('n'))).toBe(true);
    expect([...opcodes.keys()].some((k) => k.includes('d'))).toBe(true);
  });

  it('agrees with the reference checker with 3 lanes checking candidates in parallel', () => {
    const { cmds, expected } = randomCases(2, 200, 12);
    expect(compareReplies(runEngineTb(tb3, cmds, 0).replies, expected)).toEqual([]);
    expect(compareReplies(runEngineTb(tb3, cmds, 40, 3).replies, expected)).toEqual([]);
  });

  it('agrees with the reference checker on wide programs, violated indices above 16 included', () => {
    const { cmds, expected } = randomCases(3, 40, 10, true);
    expect(compareReplies(runEngineTb(tb1, cmds, 30, 5).replies, expected)).toEqual([]);
    const indices = [...expected.values()].flatMap((r) => (r.kind === 'verdict' ? r.violated : []));
    expect(indices.filter((i) => i > 16).length).toBeGreaterThan(100);
    expect(Math.max(...indices)).toBeGreaterThan(40);
  });

  it('refuses every bad program load and bad candidate with the right code and arg, then works again', () => {
    const rng = new Prng(11);
    const good = rawProgram(6, 3, [
      encodeWord({ op: Opcode.IN, x: 0, base: 0, mask: 0b1010, endCons: true }),
      encodeWord({ op: Opcode.CMP, x: 1, y: 2, cop: 2, imm: -1, endCons: true }),
      encodeWord({ op: Opcode.ADIFF, x: 3 }), encodeWord({ op: Opcode.ADIFF, x: 4 }),
      encodeWord({ op: Opcode.ADIFF, x: 5, endCons: true }),
    ]);
    const image = programImage(good);
    const s = new Script();
    const recover = (id: number) => {
      s.load(good, id);
      s.candidate(good, id, randomPacked(rng, good.candidateBytes));
    };
    const begin = (id: number, p: Program, extra: Partial<EngineCommand> = {}) => ({
      op: CMD.BEGIN, a: id, b: p.numVars, c: p.words.length, d: p.modelConstraints, ...extra,
    });
    const widths = (offset: number, data: Uint8Array) => ({ op: CMD.CHUNK, a: CHUNK_WIDTHS, b: offset, data });
    const words = (offset: number, data: Uint8Array) => ({ op: CMD.CHUNK, a: CHUNK_WORDS, b: offset, data });

    s.err({ op: CMD.CANDIDATE, a: 5, data: new Uint8Array(3) }, ERR.NO_PROGRAM);
    s.err({ op: 7 }, ERR.UNKNOWN_MESSAGE);
    s.err(begin(0, good), ERR.PROGRAM_STATE);
    s.err(begin(9, good, { b: MAX_VARS + 1 }), ERR.CAPACITY, LIMIT.VARS);
    s.err(begin(9, good, { c: MAX_WORDS + 1 }), ERR.CAPACITY, LIMIT.WORDS);
    s.err(begin(9, good, { d: MAX_CONSTRAINTS + 1 }), ERR.CAPACITY, LIMIT.CONSTRAINTS);
    s.err(widths(0, image.widths), ERR.PROGRAM_STATE);          // no load in progress
    s.err({ op: CMD.END, a: image.crc }, ERR.PROGRAM_STATE);
    recover(21);

    // widths: a width over 8 names its variable; order and bounds of chunks
    s.ack(begin(22, good));
    s.err(widths(0, Uint8Array.of(0x33, 0x93, 0x33)), ERR.BAD_WIDTH, 3);
    s.err(widths(0, image.widths), ERR.PROGRAM_STATE);          // the error ended the load
    s.ack(begin(22, good));
    s.err(widths(1, image.widths.subarray(1)), ERR.PROGRAM_STATE, 0);
    s.ack(begin(22, good));
    s.ack(widths(0, image.widths.subarray(0, 1)));
    s.err(words(0, image.words), ERR.PROGRAM_STATE, 1);       // words before all widths
    s.ack(begin(22, good));
    s.err(widths(0, Uint8Array.of(...image.widths, 0x33)), ERR.PROGRAM_STATE, 3);
    s.ack(begin(22, good));
    s.err({ op: CMD.CHUNK, a: 2, b: 0, data: image.widths }, ERR.PROGRAM_STATE);
    recover(23);

    // words (in the wire encoding, 3 + 4 + 3 + 3 + 3 bytes): malformed encodings, bad opcode,
    // bad comparison code, variables out of range, order and bounds
    expect(image.words).toHaveLength(16);
    const wire = (words: bigint[]) => [...encodeProgramWords(words)];
    const withWord = (i: number, w: bigint) => Uint8Array.from(wire(good.words.map((g, j) => (j === i ? w : g))));
    const withBytes = (i: number, bytes: number[]) => Uint8Array.from([...wire(good.words.slice(0, i)), ...bytes, ...wire(good.words.slice(i + 1))]);
    const badWords: [Uint8Array, number, number][] = [
      [withBytes(2, [0x22]), ERR.BAD_OPCODE, 2],                     // wire opcode 2
      [withBytes(2, [0x2e, 0x01]), ERR.BAD_OPCODE, 2],               // wire opcode 2 with flags
      [withBytes(2, [0x50, 0x83, 0x00, 0x03]), ERR.BAD_OPCODE, 2],   // not minimal: off = 3 in two bytes
      [withBytes(2, [0x50, 0x80, 0x02, 0x03]), ERR.BAD_OPCODE, 2],   // ADIFF offset 256: over its 8 bits
      [withBytes(2, [0x50, 0x80, 0x80, 0x80, 0x00]), ERR.BAD_OPCODE, 2], // over-long offset
      [withBytes(2, [0x50, 0x00, 0xff, 0xff, 0x04]), ERR.BAD_OPCODE, 2], // x over its 16 bits
      [withWord(2, encodeWord({ op: Opcode.CMP, x: 1, y: 2, cop: 7, imm: -300, endCons: true })), ERR.BAD_OPCODE, 2],
      [withWord(2, encodeWord({ op: Opcode.CMP, x: 1, y: 2, cop: 6, endCons: true })), ERR.BAD_OPCODE, 2],
      [withWord(2, encodeWord({ op: Opcode.LCMP, cop: 7, endCons: true })), ERR.BAD_OPCODE, 2],
      [withWord(2, encodeWord({ op: Opcode.IN, x: 6, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(2, encodeWord({ op: Opcode.IN, x: 6, base: 1, mask: 1, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(2, encodeWord({ op: Opcode.IN, x: 6, base: 9, mask: 3, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(2, encodeWord({ op: Opcode.CMP, x: 1, y: 6, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(2, encodeWord({ op: Opcode.ACC, x: 0xffff, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(2, encodeWord({ op: Opcode.ADIFF, x: 7, endCons: true })), ERR.BAD_VARIABLE, 2],
      [withWord(0, encodeWord({ op: Opcode.ADIFF, x: 7, endCons: true })), ERR.BAD_VARIABLE, 0],
    ];
    for (const [bytes, code, arg] of badWords) {
      s.ack(begin(24, good));
      s.ack(widths(0, image.widths));
      s.err(words(0, bytes), code, arg);
      s.err({ op: CMD.END, a: image.crc }, ERR.PROGRAM_STATE);      // the error ended the load
    }
    // Chunks may split words anywhere and overlap what the device has (the bytes it has are
    // dropped, the rest taken), but must not leave a gap.
    s.ack(begin(24, good));
    s.ack(widths(0, image.widths));
    s.ack(widths(0, image.widths));                                 // all of it again: dropped
    s.ack(words(0, image.words.subarray(0, 5)));                    // word 1 stops after x
    s.ack(words(5, image.words.subarray(5, 6)));
    s.ack(words(2, image.words.subarray(2, 13)));                   // 2..5 dropped, 6..12 taken
    s.err(words(14, image.words.subarray(14)), ERR.PROGRAM_STATE, 13); // a gap: refused, the load ends
    s.ack(begin(24, good));
    s.ack(widths(0, image.widths));
    s.ack(words(0, image.words.subarray(0, 13)));
    s.ack(words(12, image.words.subarray(12)));
    s.ack(words(0, image.words));                                   // the whole section again
    s.ack({ op: CMD.END, a: image.crc });                           // the CRC covers each byte once
    s.candidate(good, 24, randomPacked(rng, good.candidateBytes));
    // More words than ProgramBegin announced: arg is num_words.
    s.ack(begin(24, good));
    s.ack(widths(0, image.widths));
    s.err(words(0, Uint8Array.of(...image.words, 0x02)), ERR.PROGRAM_STATE, 5);
    recover(25);

    // end: missing bytes, wrong constraint count, wrong CRC
    s.ack(begin(26, good));
    s.ack(widths(0, image.widths));
    s.ack(words(0, image.words.subarray(0, 10)));                   // three whole words of five
    s.err({ op: CMD.END, a: image.crc }, ERR.PROGRAM_STATE, 10);
    s.ack(begin(26, good));
    s.ack(widths(0, image.widths));
    s.ack(words(0, image.words.subarray(0, 11)));                   // the fourth word cut short
    s.err({ op: CMD.END, a: image.crc }, ERR.PROGRAM_STATE, 11);
    s.ack(begin(26, good, { d: good.modelConstraints + 1 }));
    s.ack(widths(0, image.widths));
    s.ack(words(0, image.words));
    s.err({ op: CMD.END, a: image.crc }, ERR.PROGRAM_STATE, good.modelConstraints);
    s.ack(begin(26, good));
    s.ack(widths(0, image.widths));
    s.ack(words(0, image.words));
    s.err({ op: CMD.END, a: image.crc ^ 1 }, ERR.PROGRAM_CRC);
    s.err({ op: CMD.CANDIDATE, a: 26, data: new Uint8Array(good.candidateBytes) }, ERR.NO_PROGRAM);
    recover(27);

    // candidates: wrong program, wrong length; Reset drops the program
    s.err({ op: CMD.CANDIDATE, a: 28, data: new Uint8Array(good.candidateBytes) }, ERR.WRONG_PROGRAM, 27);
    s.err({ op: CMD.CANDIDATE, a: 27, data: new Uint8Array(good.candidateBytes + 1) }, ERR.CANDIDATE_LENGTH, good.candidateBytes);
    s.err({ op: CMD.CANDIDATE, a: 27, data: new Uint8Array(0) }, ERR.CANDIDATE_LENGTH, good.candidateBytes);
    s.candidate(good, 27, randomPacked(rng, good.candidateBytes));
    s.ack({ op: CMD.BEGIN, a: 28, b: 1, c: 0, d: 0 });          // waits for that verdict
    s.quiet({ op: CMD.RESET });
    s.err({ op: CMD.CANDIDATE, a: 27, data: new Uint8Array(good.candidateBytes) }, ERR.NO_PROGRAM);
    recover(29);
    // Reset with candidates in the slots and in execution: they may get no verdict, the device
    // has no program afterwards, and the next load works.
    for (let k = 0; k < 3; k++) s.candidate(good, 29, randomPacked(rng, good.candidateBytes), true);
    s.quiet({ op: CMD.RESET });
    s.err({ op: CMD.CANDIDATE, a: 29, data: new Uint8Array(good.candidateBytes) }, ERR.NO_PROGRAM);
    recover(30);

    const { replies } = runEngineTb(tb1, s.cmds, 20, 5);
    expect(compareReplies(replies, s.expected, s.optional)).toEqual([]);
  });

  it('runs a program exactly at capacity, refuses one word over and keeps working', () => {
    const rng = new Prng(12);
    // MAX_VARS variables of 8 bits (the largest domain), MAX_WORDS words, every word a constraint.
    const words = Array.from({ length: MAX_WORDS }, (_, i) => {
      const x = rng.int(MAX_VARS);
      switch (i % 4) {
        case 0: return encodeWord({ op: Opcode.IN, x, base: rng.int(256), mask: rng.uint32(), endCons: true });
        case 1: return encodeWord({ op: Opcode.CMP, x, y: rng.int(MAX_VARS), cop: rng.int(6), imm: rng.int(512) - 256, endCons: true });
        case 2: return encodeWord({ op: Opcode.ADIFF, x, imm: rng.int(256), neg: true, endCons: true });
        default: return encodeWord({ op: Opcode.TRUE, neg: rng.int(2) === 1, endCons: true });
      }
    });
    const full = rawProgram(MAX_VARS, 8, words);
    const over = rawProgram(MAX_VARS, 8, [...words, encodeWord({ op: Opcode.TRUE, endCons: true })]);
    const s = new Script();
    s.load(full, 1, 1000);
    for (let k = 0; k < 3; k++) s.candidate(full, 1, randomPacked(rng, full.candidateBytes));
    s.err({ op: CMD.BEGIN, a: 2, b: MAX_VARS, c: over.words.length, d: MAX_CONSTRAINTS }, ERR.CAPACITY, LIMIT.WORDS);
    s.err({ op: CMD.CANDIDATE, a: 1, data: new Uint8Array(full.candidateBytes) }, ERR.NO_PROGRAM);
    s.load(full, 3, 1000);
    s.candidate(full, 3, randomPacked(rng, full.candidateBytes));
    const { replies } = runEngineTb(tb1, s.cmds);
    expect(compareReplies(replies, s.expected)).toEqual([]);
    // One word per cycle plus the pipeline.
    const first = replies.find((r) => r.kind === 'verdict');
    expect(first?.kind === 'verdict' && first.cycles).toBeLessThan(MAX_WORDS + 300);
  });

  it('checks an empty program (no constraints at all) and zero-variable candidates', () => {
    const s = new Script();
    const empty = rawProgram(0, 0, []);
    s.load(empty, 4);
    s.candidate(empty, 4, new Uint8Array(0));
    const noConstraints = rawProgram(5, 8, []);
    s.load(noConstraints, 5);
    s.candidate(noConstraints, 5, Uint8Array.of(1, 2, 3, 4, 5));
    const { replies } = runEngineTb(tb3, s.cmds);
    expect(compareReplies(replies, s.expected)).toEqual([]);
    expect(replies.filter((r) => r.kind === 'verdict' && r.ok)).toHaveLength(2);
  });

  it('loads a new program only after the candidates of the old one have their verdicts', () => {
    const rng = new Prng(13);
    const s = new Script();
    const programs = Array.from({ length: 6 }, () => randomCompiledModel(rng, () => ({ variables: 10, constraints: 8 })).program);
    programs.forEach((p, i) => {
      s.load(p, 100 + i, 7);
      for (let k = 0; k < 7; k++) s.candidate(p, 100 + i, randomPacked(rng, p.candidateBytes).map((b, j, a) => (j === a.length - 1 ? 0 : b)));
      if (i > 0) s.err({ op: CMD.CANDIDATE, a: 99 + i, data: new Uint8Array(p.candidateBytes) }, ERR.WRONG_PROGRAM, 100 + i);
    });
    for (const [tb, stall] of [[tb1, 0], [tb3, 0], [tb3, 35]] as const) {
      expect(compareReplies(runEngineTb(tb, s.cmds, stall, 9).replies, s.expected)).toEqual([]);
    }
  });

  it('keeps the ADIFF seen set exact across generation sweeps', () => {
    // Every all-different constraint (CNF, one term per ADIFF word) takes one generation of the
    // seen-set tags, so 4095 of them plus the candidate's own make 4096 per candidate: 16
    // candidates wrap the 16-bit generation. Constraint 0 alone uses slots 0..7; its slot 0 is
    // marked only by every 16th candidate, so without the sweeps its old tag would match again
    // and report a violation. The other constraints use slots 8..15 and never collide.
    const words: bigint[] = [
      encodeWord({ op: Opcode.ADIFF, x: 0, endTerm: true }), encodeWord({ op: Opcode.ADIFF, x: 1, imm: 4, endCons: true }),
    ];
    for (let c = 1; c < 4095; c++) {
      words.push(encodeWord({ op: Opcode.ADIFF, x: 2, imm: 8, endTerm: true }), encodeWord({ op: Opcode.ADIFF, x: 3, imm: 12, endCons: true }));
    }
    const p = rawProgram(4, 2, words);
    const s = new Script();
    s.load(p, 7, 512);
    for (let k = 0; k < 40; k++) s.candidate(p, 7, Uint8Array.of(k % 16 === 0 ? 0b11100100 : 0b11100101));
    const { replies } = runEngineTb(tb1, s.cmds);
    expect(compareReplies(replies, s.expected)).toEqual([]);
    expect(replies.filter((r) => r.kind === 'verdict' && r.ok)).toHaveLength(40);
  });
});
