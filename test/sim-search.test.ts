// Device search through the real device path: the Verilator simulation of hilsolve_top on its
// pseudo-terminal, raw frames (test/helpers/raw-device.ts), no session. The search tables are
// built here from the CNF by a small helper that follows docs/search.md on its own (it does not
// use src/model/search-tables.ts) and sent in the wire form (src/model/search-wire.ts), from which
// the device builds its occurrence lists; the validator program is the host compiler's, and every
// Solution is put together from its parts and checked with the reference checkers (program and
// model) and its digest with the host CRC.
//
// Covered: HelloReply capacities; every ERROR_SEARCH_STATE arg, ERROR_SEARCH_CAPACITY per
// Limit, ERROR_SEARCH_CRC, ERROR_SEARCH_TABLE (at a chunk and at SearchEnd), chunks sent again
// (ignored up to the decode point), ERROR_NO_PROGRAM / ERROR_WRONG_PROGRAM at SearchStart; solutions up to
// max_solutions (index, seq, digest, parts of a solution longer than one frame); status counters
// while searching; rejects (states the validator refuses); SearchStop; Reset during a search;
// validate-mode candidates served while a search runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { checkProgram } from '../src/check/program-checker.ts';
import { ChunkKind, ErrorCode, type DeviceMessage, type DeviceOf, type HostMessage } from '../src/link/codec.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { programImage } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { crc32 } from '../src/model/crc32.ts';
import { unpackIndices } from '../src/model/pack.ts';
import { parseCnf } from '../src/model/parse-cnf.ts';
import { Prng } from '../src/model/prng.ts';
import type { Program } from '../src/model/program.ts';
import { encodeSearchStream, type SearchStream } from '../src/model/search-wire.ts';
import type { Model } from '../src/model/types.ts';
import { RawDevice } from './helpers/raw-device.ts';

const SEARCH_STATE = 16;
const SEARCH_CRC = 17;
const SEARCH_CAPACITY = 18;
const SEARCH_TABLE = 20;
const LIMIT_SEARCH = { vars: 5, values: 6, clauses: 7, literals: 8 } as const;
/** SearchStatus.state */
const ST = { none: 0, loading: 1, ready: 2, searching: 3 } as const;
/** Bytes per SearchChunk (fits a 512-byte frame). */
const CHUNK_BYTES = 480;
/** Program bytes per ProgramChunk (MESSAGE_OVERHEAD is 24). */
const PROGRAM_CHUNK = 488;

let sim: RunningSimulator;
let dev: RawDevice;
let seq = 1;
let hello: DeviceOf<'hello'>;

// ---------------------------------------------------------------- messages

type Msg = DeviceMessage;
type Solution = DeviceOf<'solution'>;
/** Solutions that arrived while a test waited for another reply, in order. */
const solutionParts: Solution[] = [];

/** The next reply that is not a Solution part (those are kept in solutionParts). */
async function nextReply(timeoutMs = 20_000): Promise<Msg> {
  for (;;) {
    const m = await dev.next(timeoutMs);
    if (m.kind === 'solution') solutionParts.push(m);
    else return m;
  }
}

async function request(msg: Record<string, unknown> & { kind: string }, timeoutMs = 20_000): Promise<Msg> {
  const s = seq++;
  dev.send({ ...msg, seq: s } as unknown as HostMessage);
  const reply = await nextReply(timeoutMs);
  expect((reply as { seq: number }).seq, JSON.stringify(reply)).toBe(s);
  return reply;
}

async function expectAck(msg: Record<string, unknown> & { kind: string }): Promise<void> {
  const reply = await request(msg);
  expect(reply.kind, JSON.stringify(reply)).toBe('ack');
}

async function expectError(msg: Record<string, unknown> & { kind: string }, code: number, arg = 0): Promise<void> {
  const reply = await request(msg);
  expect(reply).toMatchObject({ kind: 'error', code, arg });
}

async function status(): Promise<DeviceOf<'searchStatus'>> {
  const reply = await request({ kind: 'searchStatus' });
  expect(reply.kind).toBe('searchStatus');
  return reply as DeviceOf<'searchStatus'>;
}

/** Whole solutions from solutionParts (parts in offset order), removed from it. */
function takeSolutions(): { index: number; seq: number; programId: number; digest: number; values: Uint8Array; parts: number }[] {
  const out = [];
  while (solutionParts.length > 0) {
    const first = solutionParts[0]!;
    let got = 0;
    let n = 0;
    const values = new Uint8Array(first.total);
    while (got < first.total || n === 0) {
      const p = solutionParts.shift();
      if (!p) throw new Error('a solution ended mid-way');
      expect(p.index).toBe(first.index);
      expect(p.offset).toBe(got);
      expect(p.total).toBe(first.total);
      expect(p.digest).toBe(first.digest);
      expect(p.values.length).toBeLessThanOrEqual(hello.maxPayload - 64);
      values.set(p.values, got);
      got += p.values.length;
      n++;
    }
    out.push({ index: first.index, seq: first.seq, programId: first.programId, digest: first.digest, values, parts: n });
  }
  return out;
}

/** Wait until `count` whole solutions have arrived (or time out). */
async function waitSolutions(count: number, timeoutMs = 60_000): Promise<ReturnType<typeof takeSolutions>> {
  const deadline = Date.now() + timeoutMs;
  const complete = () => {
    let n = 0;
    let i = 0;
    while (i < solutionParts.length) {
      const total = solutionParts[i]!.total;
      let got = 0;
      let k = i;
      do got += solutionParts[k++]?.values.length ?? Infinity; while (got < total && k < solutionParts.length);
      if (got < total || !Number.isFinite(got)) break;
      n++;
      i = k;
    }
    return n;
  };
  while (complete() < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${complete()} of ${count} solutions within ${timeoutMs} ms`);
    const m = await dev.next(left);
    if (m.kind !== 'solution') throw new Error(`unexpected reply while waiting for solutions: ${JSON.stringify(m)}`);
    solutionParts.push(m);
  }
  return takeSolutions();
}

// ---------------------------------------------------------------- search tables (docs/search.md)

interface Tables { numVars: number; numValues: number; numClauses: number; numLiterals: number; sections: Uint32Array[] }

/** The five sections for a CNF over booleans (var i: slots 2i, 2i+1; x true = value 1). */
function cnfTables(numVars: number, clauses: number[][]): Tables {
  const canon: number[][] = [];
  for (const c of clauses) {
    const lits = [...new Set(c)];
    if (lits.some((l) => lits.includes(-l))) continue; // tautology
    canon.push(lits);
  }
  const word = (l: number) => ((1 | ((Math.abs(l) - 1) << 8) | (l < 0 ? 0x8000_0000 : 0)) >>> 0);
  const vars = Uint32Array.from({ length: numVars }, (_, i) => ((2 * i) | (1 << 24)) >>> 0);
  const clauseWords: number[] = [];
  const literalWords: number[] = [];
  const occ: number[][][] = Array.from({ length: 2 * numVars }, () => []);
  canon.forEach((lits, ci) => {
    clauseWords.push((literalWords.length | ((lits.length - 1) << 24)) >>> 0);
    for (const l of lits) {
      literalWords.push(word(l));
      occ[2 * (Math.abs(l) - 1) + 1]!.push([ci, l < 0 ? 1 : 0]);
    }
  });
  const values: number[] = [];
  const occurrences: number[] = [];
  for (const slot of occ) {
    values.push(occurrences.length);
    for (const [ci, neg] of slot) occurrences.push((ci! | (neg! << 31)) >>> 0);
  }
  values.push(occurrences.length);
  return {
    numVars, numValues: 2 * numVars, numClauses: canon.length, numLiterals: literalWords.length,
    sections: [vars, Uint32Array.from(clauseWords), Uint32Array.from(literalWords), Uint32Array.from(values), Uint32Array.from(occurrences)],
  };
}

function wireForm(t: Tables): SearchStream {
  const [vars, clauses, literals, values, occurrences] = t.sections as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  return encodeSearchStream({ ...t, sections: { vars, clauses, literals, values, occurrences } });
}

async function beginTables(t: Tables): Promise<void> {
  await expectAck({ kind: 'searchBegin', numVars: t.numVars, numValues: t.numValues, numClauses: t.numClauses, numLiterals: t.numLiterals });
}

/** SearchBegin, both streams of the wire form in chunks, SearchEnd; returns the CRC sent. */
async function loadTables(t: Tables): Promise<number> {
  await beginTables(t);
  const stream = wireForm(t);
  let crc = 0;
  for (const [section, bytes] of [[0, stream.vars], [1, stream.clauses]] as const) {
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      const data = bytes.subarray(offset, offset + CHUNK_BYTES);
      await expectAck({ kind: 'searchChunk', section, offset, data });
      crc = crc32(data, crc);
    }
  }
  await expectAck({ kind: 'searchEnd', crc });
  return crc;
}

async function sendPrior(numValues: number, weight = 255): Promise<void> {
  for (let off = 0; off < numValues; off += 480) {
    await expectAck({ kind: 'prior', offset: off, data: new Uint8Array(Math.min(480, numValues - off)).fill(weight) });
  }
}

async function loadProgram(program: Program, programId: number): Promise<void> {
  const image = programImage(program);
  await expectAck({
    kind: 'programBegin', programId, numVars: program.numVars, numWords: program.words.length,
    numConstraints: program.words.filter((w) => (w >> 57n) & 1n).length,
  });
  for (const [chunkKind, bytes] of [[ChunkKind.WIDTHS, image.widths], [ChunkKind.WORDS, image.words]] as const) {
    for (let offset = 0; offset < bytes.length; offset += PROGRAM_CHUNK) {
      await expectAck({ kind: 'programChunk', chunkKind, offset, data: bytes.subarray(offset, offset + PROGRAM_CHUNK) });
    }
  }
  await expectAck({ kind: 'programEnd', crc: image.crc });
}

// ---------------------------------------------------------------- problems

/** A satisfiable random 3-CNF: every clause agrees with a hidden assignment. */
function planted3Sat(numVars: number, numClauses: number, seed: number): { text: string; clauses: number[][] } {
  const rng = new Prng(seed);
  const hidden = Array.from({ length: numVars }, () => rng.int(2) === 1);
  const clauses: number[][] = [];
  while (clauses.length < numClauses) {
    const vs = new Set<number>();
    while (vs.size < 3) vs.add(1 + rng.int(numVars));
    const c = [...vs].map((v) => (rng.int(2) ? v : -v));
    if (c.some((l) => hidden[Math.abs(l) - 1] === l > 0)) clauses.push(c);
  }
  return { text: cnfText(numVars, clauses), clauses };
}

function cnfText(numVars: number, clauses: number[][]): string {
  return `p cnf ${numVars} ${clauses.length}\n${clauses.map((c) => `${c.join(' ')} 0`).join('\n')}\n`;
}

interface Problem { model: Model; program: Program; tables: Tables }

function problem(numVars: number, clauses: number[][], programClauses = clauses): Problem {
  const model = parseCnf(cnfText(numVars, programClauses));
  return { model, program: compile(model), tables: cnfTables(numVars, clauses) };
}

/** A solution is proven: the program and the model agree, and the digest is the values' CRC. */
function expectProven(p: Problem, values: Uint8Array, digest: number): void {
  expect(values.length).toBe(p.program.candidateBytes);
  expect(checkProgram(p.program, values).ok).toBe(true);
  expect(checkModel(p.model, unpackIndices(p.program.widths, values)).ok).toBe(true);
  expect(digest).toBe(crc32(values));
}

async function startSearch(programId: number, fields: { seed?: number; flipBudget?: number; noise?: number; maxSolutions?: number } = {}): Promise<number> {
  const s = seq;
  await expectAck({ kind: 'searchStart', programId, seed: fields.seed ?? 7, flipBudget: fields.flipBudget ?? 2000, noise: fields.noise ?? 40, maxSolutions: fields.maxSolutions ?? 0 });
  return s;
}

/** SearchStop; returns the final status (Solutions that came before it are kept). */
async function stopSearch(): Promise<DeviceOf<'searchStatus'>> {
  const reply = await request({ kind: 'searchStop' });
  expect(reply.kind).toBe('searchStatus');
  return reply as DeviceOf<'searchStatus'>;
}

let nextProgramId = 100;

// ---------------------------------------------------------------- tests

beforeAll(async () => {
  sim = await startSimulator();
  dev = await RawDevice.open(sim.path);
  dev.writeRaw([0]);
  hello = (await request({ kind: 'hello', protocolVersion: 3 })) as DeviceOf<'hello'>;
  await expectAck({ kind: 'reset' });
}, 120_000);

afterAll(async () => {
  await dev?.close();
  await sim?.stop();
});

describe('device search on the simulated device', () => {
  it('reports its search and validator capacities in HelloReply', () => {
    expect(hello.kind).toBe('hello');
    expect(hello.search).toEqual([1, 16384, 65536, 1 << 20, 1 << 21, 0]);
    expect(hello).toMatchObject({ maxVars: 16384, maxDomain: 256, maxWords: 1 << 20, maxConstraints: 1 << 20 });
  });

  it('refuses messages out of order with ERROR_SEARCH_STATE and the reason', async () => {
    await expectAck({ kind: 'reset' });
    expect(await status()).toMatchObject({ state: ST.none, solutions: 0 });
    // 1: no tables
    await expectError({ kind: 'searchStart', programId: 1, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 0 }, SEARCH_STATE, 1);
    await expectError({ kind: 'searchEnd', crc: 0 }, SEARCH_STATE, 1);
    await expectError({ kind: 'prior', offset: 0, data: Uint8Array.of(1) }, SEARCH_STATE, 1);
    await expectError({ kind: 'searchChunk', section: 0, offset: 0, data: new Uint8Array(4) }, SEARCH_STATE, 1);
    await expectAck({ kind: 'searchBegin', numVars: 3, numValues: 6, numClauses: 2, numLiterals: 4 });
    expect(await status()).toMatchObject({ state: ST.loading });
    // 3: unknown section, or VARS bytes past num_vars
    await expectError({ kind: 'searchChunk', section: 2, offset: 0, data: new Uint8Array(4) }, SEARCH_STATE, 3);
    await expectError({ kind: 'searchChunk', section: 0, offset: 2, data: new Uint8Array(2) }, SEARCH_STATE, 3);
    // 6: past the decode point (a gap), or clauses before every variable
    await expectError({ kind: 'searchChunk', section: 0, offset: 1, data: Uint8Array.of(1) }, SEARCH_STATE, 6);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: Uint8Array.of(1, 1) });
    await expectError({ kind: 'searchChunk', section: 1, offset: 0, data: Uint8Array.of(0) }, SEARCH_STATE, 6);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: Uint8Array.of(1, 1, 1) }); // two bytes already taken
    await expectError({ kind: 'searchChunk', section: 1, offset: 3, data: Uint8Array.of(0) }, SEARCH_STATE, 6);
    await expectError({ kind: 'prior', offset: 5, data: Uint8Array.of(1, 2) }, SEARCH_STATE, 3);
    await expectAck({ kind: 'prior', offset: 4, data: Uint8Array.of(1, 2) });
    // 2: tables not ended
    await expectError({ kind: 'searchStart', programId: 1, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 0 }, SEARCH_STATE, 2);
  });

  it('refuses a SearchBegin over its capacities with the Limit', async () => {
    const ok = { kind: 'searchBegin', numVars: 16384, numValues: 65536, numClauses: 1 << 20, numLiterals: 1 << 21 };
    await expectAck(ok);
    await expectError({ ...ok, numVars: 16385 }, SEARCH_CAPACITY, LIMIT_SEARCH.vars);
    await expectError({ ...ok, numValues: 65537 }, SEARCH_CAPACITY, LIMIT_SEARCH.values);
    await expectError({ ...ok, numClauses: (1 << 20) + 1 }, SEARCH_CAPACITY, LIMIT_SEARCH.clauses);
    await expectError({ ...ok, numLiterals: 0xffff_ffff }, SEARCH_CAPACITY, LIMIT_SEARCH.literals);
    // a refused begin leaves no tables
    expect(await status()).toMatchObject({ state: ST.none });
  });

  it('checks the table CRC at SearchEnd, and a bad one drops the tables', async () => {
    const t = cnfTables(3, [[1, 2], [-1, 3]]);
    await loadTables(t);
    expect(await status()).toMatchObject({ state: ST.ready });
    await beginTables(t);
    const { vars: data } = wireForm(t);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data });
    await expectError({ kind: 'searchEnd', crc: (crc32(data) ^ 1) >>> 0 }, SEARCH_CRC, 0);
    expect(await status()).toMatchObject({ state: ST.none });
    await expectError({ kind: 'searchEnd', crc: crc32(data) }, SEARCH_STATE, 1);
  });

  it('takes a chunk sent again only past its decode point: the CRC is the streams\' whatever was repeated', async () => {
    const p = problem(40, planted3Sat(40, 170, 9).clauses);
    const stream = wireForm(p.tables);
    await beginTables(p.tables);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars.subarray(0, 10) });
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars.subarray(0, 10) });  // wholly before
    await expectAck({ kind: 'searchChunk', section: 0, offset: 5, data: stream.vars.subarray(5) });      // 5..9 ignored
    await expectAck({ kind: 'searchChunk', section: 1, offset: 0, data: stream.clauses.subarray(0, 20) });
    await expectAck({ kind: 'searchChunk', section: 1, offset: 7, data: stream.clauses.subarray(7, 20) });
    await expectAck({ kind: 'searchChunk', section: 1, offset: 11, data: stream.clauses.subarray(11) });
    await expectAck({ kind: 'searchEnd', crc: crc32(stream.clauses, crc32(stream.vars)) });
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await sendPrior(p.tables.numValues);
    await expectAck({ kind: 'searchStart', programId: id, seed: 3, flipBudget: 0, noise: 60, maxSolutions: 1 });
    const [sol] = await waitSolutions(1);
    expect(checkModel(p.model, unpackIndices(p.program.widths, sol!.values)).ok).toBe(true);
  });

  it('refuses an inconsistent table stream with ERROR_SEARCH_TABLE and drops the tables', async () => {
    const t = cnfTables(3, [[1, 2], [-1, 3]]);
    const stream = wireForm(t);
    // 7 at a chunk: a byte after the last clause.
    await beginTables(t);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars });
    await expectError({ kind: 'searchChunk', section: 1, offset: 0, data: Uint8Array.from([...stream.clauses, 0]) }, SEARCH_TABLE, 7);
    expect(await status()).toMatchObject({ state: ST.none });
    // 1 at a chunk: a variable past num_vars (header 0: length 1; then sign 0 and 2 variable bits
    // holding 3).
    await beginTables(t);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars });
    await expectError({ kind: 'searchChunk', section: 1, offset: 0, data: Uint8Array.of(0x0c) }, SEARCH_TABLE, 1);
    // 9 at a chunk: a shifted copy (header bits 1, 1) as the first clause.
    await beginTables(t);
    await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars });
    await expectError({ kind: 'searchChunk', section: 1, offset: 0, data: Uint8Array.of(0x03) }, SEARCH_TABLE, 9);
    // 8 at SearchEnd: fewer literals than SearchBegin said; 7: fewer clauses.
    for (const [sizes, arg] of [[{ ...t, numLiterals: 5 }, 8], [{ ...t, numClauses: 3 }, 7]] as const) {
      await beginTables(sizes);
      await expectAck({ kind: 'searchChunk', section: 0, offset: 0, data: stream.vars });
      await expectAck({ kind: 'searchChunk', section: 1, offset: 0, data: stream.clauses });
      await expectError({ kind: 'searchEnd', crc: crc32(stream.clauses, crc32(stream.vars)) }, SEARCH_TABLE, arg);
      expect(await status()).toMatchObject({ state: ST.none });
    }
  });

  it('starts only with the named program loaded in the validator', async () => {
    await expectAck({ kind: 'reset' });
    const p = problem(3, [[1, 2], [-1, 3]]);
    await loadTables(p.tables);
    await expectError({ kind: 'searchStart', programId: 5, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 }, ErrorCode.NO_PROGRAM, 0);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await expectError({ kind: 'searchStart', programId: id + 1, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 }, ErrorCode.WRONG_PROGRAM, id);
  });

  it('finds proven solutions up to max_solutions, then stops', async () => {
    const { clauses } = planted3Sat(40, 150, 11);
    const p = problem(40, clauses);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    const startSeq = await startSearch(id, { maxSolutions: 3, flipBudget: 5000 });
    const sols = await waitSolutions(3);
    expect(sols.map((s) => s.index)).toEqual([1, 2, 3]);
    for (const s of sols) {
      expect(s.seq).toBe(startSeq);
      expect(s.programId).toBe(id);
      expect(s.parts).toBe(1);
      expectProven(p, s.values, s.digest);
    }
    // max_solutions reached: the search has stopped by itself
    const st = await status();
    expect(st).toMatchObject({ state: ST.ready, solutions: 3, searchSeq: startSeq });
    expect(st.flipsLo + st.flipsHi * 2 ** 32).toBeGreaterThan(0);
    expect(st.restarts).toBeGreaterThanOrEqual(3);
    expect(solutionParts).toEqual([]);
  });

  it('sends a solution longer than one frame in parts', async () => {
    // 3700 booleans: 463 packed bytes, over the 448 value bytes of one part
    const n = 3700;
    const clauses = Array.from({ length: n - 1 }, (_, i) => [i + 1, -(i + 2)]);
    const p = problem(n, clauses);
    expect(p.program.candidateBytes).toBe(463);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    await startSearch(id, { maxSolutions: 1, flipBudget: 0, noise: 20 });
    const [s] = await waitSolutions(1, 120_000);
    expect(s!.parts).toBe(2);
    expectProven(p, s!.values, s!.digest);
    expect(await status()).toMatchObject({ state: ST.ready, solutions: 1 });
  }, 180_000);

  it('counts the states the validator refuses as rejects and sends only proven ones', async () => {
    // The tables miss the unit clause (x1) that the program has: about half the states the
    // search finds are refused.
    const clauses = [[1, 2, 3], [-1, 2, 4], [2, -3, -4], [-2, 3, 5], [4, -5, 6], [1, -6, 5]];
    const p = problem(6, clauses, [...clauses, [1]]);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    await startSearch(id, { maxSolutions: 8, flipBudget: 50, seed: 3 });
    const sols = await waitSolutions(8);
    for (const s of sols) {
      expectProven(p, s.values, s.digest);
      expect(s.values[0]! & 1).toBe(1);
    }
    const st = await status();
    expect(st).toMatchObject({ state: ST.ready, solutions: 8 });
    expect(st.rejects).toBeGreaterThan(0);
  });

  it('reports counters while searching, refuses tables meanwhile, and stops on SearchStop', async () => {
    // Unsatisfiable tables: x1 and not x1 (the other clauses are satisfiable); the program
    // (which the compiler would refuse for the contradiction) has the rest.
    const p = problem(4, [[1], [-1], [2, 3], [-3, 4]], [[2, 3], [-3, 4]]);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    const startSeq = await startSearch(id, { flipBudget: 20 });
    const a = await status();
    await new Promise((r) => setTimeout(r, 300));
    const b = await status();
    expect(a.state).toBe(ST.searching);
    expect(b).toMatchObject({ state: ST.searching, solutions: 0, searchSeq: startSeq });
    expect(b.flipsLo + b.flipsHi * 2 ** 32).toBeGreaterThan(a.flipsLo + a.flipsHi * 2 ** 32);
    expect(b.cyclesLo + b.cyclesHi * 2 ** 32).toBeGreaterThan(a.cyclesLo + a.cyclesHi * 2 ** 32);
    expect(b.restarts).toBeGreaterThan(1);
    expect(b.bestUnsat).toBe(1);
    expect(b.unsat).toBeGreaterThanOrEqual(1);
    await expectError({ kind: 'searchChunk', section: 0, offset: 0, data: new Uint8Array(4) }, SEARCH_STATE, 4);
    await expectError({ kind: 'searchEnd', crc: 0 }, SEARCH_STATE, 4);
    await expectAck({ kind: 'prior', offset: 0, data: Uint8Array.of(200, 255) }); // the prior at any time
    const final = await stopSearch();
    expect(final).toMatchObject({ state: ST.ready, solutions: 0, searchSeq: startSeq });
    const again = await status();
    expect(again.flipsLo).toBe(final.flipsLo); // nothing runs after the stop
    expect(solutionParts).toEqual([]);
  });

  it('serves validate-mode candidates while a search runs', async () => {
    const { clauses } = planted3Sat(30, 120, 5);
    const p = problem(30, clauses);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    await startSearch(id, { maxSolutions: 0, flipBudget: 300 });
    const rng = new Prng(9);
    for (let i = 0; i < 20; i++) {
      const values = Uint8Array.from({ length: p.program.candidateBytes }, () => rng.int(256));
      values[values.length - 1]! &= 0x3f; // 30 bits: the pad bits are zero
      const v = await request({ kind: 'candidate', programId: id, values });
      expect(v.kind).toBe('verdict');
      expect((v as DeviceOf<'verdict'>).ok).toBe(checkProgram(p.program, values).ok);
      expect((v as DeviceOf<'verdict'>).digest).toBe(crc32(values));
    }
    const final = await stopSearch();
    expect(final.state).toBe(ST.ready);
    const sols = takeSolutions();
    expect(sols.length).toBe(final.solutions);
    expect(sols.length).toBeGreaterThan(0);
    sols.forEach((s, i) => {
      expect(s.index).toBe(i + 1);
      expectProven(p, s.values, s.digest);
    });
  });

  it('stops the search and drops the tables on Reset', async () => {
    const { clauses } = planted3Sat(30, 120, 8);
    const p = problem(30, clauses);
    const id = nextProgramId++;
    await loadProgram(p.program, id);
    await loadTables(p.tables);
    await sendPrior(p.tables.numValues);
    await startSearch(id, { maxSolutions: 0, flipBudget: 100 });
    await new Promise((r) => setTimeout(r, 200));
    await expectAck({ kind: 'reset' });
    const st = await status();
    expect(st.state).toBe(ST.none);
    const later = await status();
    expect(later.flipsLo).toBe(st.flipsLo);
    await expectError({ kind: 'searchStart', programId: id, seed: 1, flipBudget: 0, noise: 0, maxSolutions: 1 }, SEARCH_STATE, 1);
    // whatever solutions came before the Reset are whole and proven
    for (const s of takeSolutions()) expectProven(p, s.values, s.digest);
    // the device works on: the validator lost its program too
    await expectError({ kind: 'candidate', programId: id, values: new Uint8Array(p.program.candidateBytes) }, ErrorCode.NO_PROGRAM, 0);
  });
});
