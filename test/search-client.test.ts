// The host's search client (src/link/search-client.ts) over a real DeviceSession against the fake
// device, with the software search engine of test/helpers/fake-search.ts where a search runs:
// table load (chunks, CRC, capacities), priors, Solution reassembly and its failure modes,
// status and stop, unsolicited frames, and the stream's end on a lost connection.

import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, Limit, type DeviceMessage } from '../src/link/codec.ts';
import { DeviceGoneError } from '../src/link/errors.ts';
import {
  SearchCapacityError, SearchClient, SearchRefusedError, SearchUnsupportedError, type FoundSolution, type SearchRun,
} from '../src/link/search-client.ts';
import { DeviceSession, type SessionOptions } from '../src/link/session.ts';
import { MESSAGE_OVERHEAD, ValidatorClient } from '../src/link/validator-client.ts';
import { crc32 } from '../src/model/crc32.ts';
import { unpackIndices } from '../src/model/pack.ts';
import { parseProblem } from '../src/model/parse.ts';
import { compileSearchTables, quantisePrior, searchImageBytes, searchImageCrc, uniformPrior, type SearchTables } from '../src/model/search-tables.ts';
import { prepareProblem, type PreparedProblem } from '../src/solve/prepare.ts';
import { startFakeDevice, type FakeDevice, type FakeDeviceOptions } from './helpers/fake-device.ts';
import { fakeSearch, type FakeSearchOptions } from './helpers/fake-search.ts';
import { checkCnf, plantedCnf } from './helpers/problems.ts';

const FAST: SessionOptions = { timeoutMs: 1000, retries: 3, heartbeatMs: 0, reconnectDelayMs: 20, reconnectMaxDelayMs: 100, reconnectForMs: 1500 };
const SEARCH_CAPS = [1, 4096, 16384, 65536, 262144];
const OPTIONS = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };
/** Validator capacities that hold the test problems. */
export const BIG = { maxVars: 4096, maxWords: 65536, maxConstraints: 65536 };

let devices: FakeDevice[] = [];
let sessions: DeviceSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(devices.map((d) => d.stop()));
  devices = [];
  sessions = [];
});

async function open(device: FakeDeviceOptions) {
  const dev = await startFakeDevice(device);
  devices.push(dev);
  const s = await DeviceSession.open(dev.url, FAST);
  sessions.push(s);
  return { dev, s };
}

function cnf(vars: number, clauses: number, seed: number): { problem: PreparedProblem; tables: SearchTables; clauses: number[][] } {
  const planted = plantedCnf(vars, clauses, seed);
  const problem = prepareProblem({ format: 'cnf', source: planted.text, options: OPTIONS });
  return { problem, tables: compileSearchTables(problem.model), clauses: planted.clauses };
}

/** A fake device with the software search engine for `problem`, its program loaded, its tables and a uniform prior sent. */
async function searchDevice(problem: PreparedProblem, tables: SearchTables, over: Partial<FakeSearchOptions> & { maxPayload?: number } = {}) {
  const engine = fakeSearch({ program: problem.program, maxPayload: over.maxPayload ?? 512, ...over });
  const { dev, s } = await open({ search: engine.capacities, engine: engine.engine, maxPayload: over.maxPayload ?? 512, hello: BIG });
  await new ValidatorClient(s).loadProgram(problem.program, 7);
  const client = new SearchClient(s);
  await client.loadTables(tables);
  await client.sendPrior(uniformPrior(tables, problem.model));
  return { dev, s, client, engine };
}

async function take(run: SearchRun, n: number): Promise<FoundSolution[]> {
  const out: FoundSolution[] = [];
  for await (const sol of run) {
    out.push(sol);
    if (out.length >= n) break;
  }
  return out;
}

describe('search client', () => {
  it('refuses a device whose handshake offers no search engine, with SearchUnsupportedError', async () => {
    const { s } = await open({});
    expect(s.info.search).toBeUndefined();
    expect(() => new SearchClient(s)).toThrow(SearchUnsupportedError);
    expect(() => new SearchClient(s)).toThrow(/fake-device has no search engine; run the job in validate mode/);
  });

  it('reads the search capacities from the handshake', async () => {
    const { s } = await open({ search: [1, 64, 256, 512, 2048] });
    expect(s.info.search).toEqual({ chains: 1, maxVars: 64, maxValues: 256, maxClauses: 512, maxLiterals: 2048 });
    const lite = await open({ search: [1, 64, 128, 512, 2048, 1] });
    expect(lite.s.info.search).toEqual({ chains: 1, maxVars: 64, maxValues: 128, maxClauses: 512, maxLiterals: 2048, booleansOnly: true });
    const full = await open({ search: [1, 64, 128, 512, 2048, 0] });
    expect(full.s.info.search?.booleansOnly).toBeUndefined();
  });

  it('loads the tables in the wire form, in chunks that fit max_payload, each stream in order, with the image CRC', async () => {
    const { problem, tables } = cnf(300, 1200, 3);
    const { dev, engine } = await searchDevice(problem, tables, { maxPayload: 256 });
    const chunks = dev.received.filter((m) => m.kind === 'searchChunk');
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual(256 - MESSAGE_OVERHEAD);
    expect(chunks.map((c) => c.section)).toEqual([...chunks.map((c) => c.section)].sort());
    const image = searchImageBytes(tables);
    for (const { section, bytes } of image) {
      const mine = chunks.filter((c) => c.section === section);
      let at = 0;
      for (const c of mine) { expect(c.offset).toBe(at); at += c.data.length; }
      expect(Buffer.concat(mine.map((c) => c.data))).toEqual(Buffer.from(bytes));
    }
    // About 1.4 bytes a literal on the wire (300 variables: 10 bits a literal), against 12 in the stored words.
    expect(chunks.reduce((n, c) => n + c.data.length, 0)).toBeLessThan(1.5 * tables.numLiterals);
    expect(dev.received.filter((m) => m.kind === 'searchEnd')).toHaveLength(1); // the engine checked the CRC
    expect(dev.received.find((m) => m.kind === 'searchEnd')).toMatchObject({ crc: searchImageCrc(tables) });
    const t = tables.sections;
    expect(engine.sections).toEqual([t.vars, t.clauses, t.literals, t.values, t.occurrences]);
    expect(dev.received.filter((m) => m.kind === 'prior').length).toBeGreaterThan(1); // 600 slots in 256-byte frames
  });

  it('sends a chunk again when its reply is lost, whether or not it arrived: the device takes each byte once', async () => {
    const { problem, tables } = cnf(300, 1200, 4);
    const engine = fakeSearch({ program: problem.program, maxPayload: 256 });
    // Chunk 1 arrives and its reply is garbled; chunk 3 never arrives; chunk 5 arrives, reply lost.
    const { dev, s } = await open({
      search: engine.capacities, engine: engine.engine, maxPayload: 256, hello: BIG,
      fault: (m, i) => (m.kind === 'searchChunk' && (i === 1 || i === 5) ? 'garble' : m.kind === 'searchChunk' && i === 3 ? 'drop' : 'answer'),
    });
    const client = new SearchClient(s);
    await client.loadTables(tables);
    expect(client.lastLoad).toMatchObject({ starts: 1, chunksResent: 3 });
    const chunks = dev.received.filter((m) => m.kind === 'searchChunk');
    expect(chunks[2]!.offset).toBe(chunks[1]!.offset); // the same offset again
    expect(dev.received.filter((m) => m.kind === 'searchEnd')).toHaveLength(1);
    const t = tables.sections;
    expect(engine.sections).toEqual([t.vars, t.clauses, t.literals, t.values, t.occurrences]);
  });

  it('turns ERROR_SEARCH_TABLE into SearchRefusedError without retrying (the host\'s tables are at fault)', async () => {
    const { tables } = cnf(50, 218, 1);
    const { dev, s } = await open({
      search: SEARCH_CAPS,
      fault: (m) => (m.kind === 'searchEnd' ? { kind: 'error', seq: m.seq, code: ErrorCode.SEARCH_TABLE, arg: 7 } : 'answer'),
    });
    const err = await new SearchClient(s).loadTables(tables).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchRefusedError);
    expect((err as Error).message).toMatch(/ERROR_SEARCH_TABLE: the clauses do not end where SearchBegin said/);
    expect(dev.received.filter((m) => m.kind === 'searchBegin')).toHaveLength(1);
  });

  it('refuses tables over a capacity before sending anything, naming the limit', async () => {
    const { problem, tables } = cnf(50, 218, 1);
    const { dev, s } = await open({ search: [1, 4096, 16384, 100, 262144] });
    const client = new SearchClient(s);
    const err = await client.loadTables(tables).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchCapacityError);
    expect(err).toMatchObject({ limit: Limit.SEARCH_CLAUSES, needed: tables.numClauses, available: 100 });
    expect((err as Error).message).toMatch(/clauses, the device allows 100 \(LIMIT_SEARCH_CLAUSES\)/);
    expect(dev.received.some((m) => m.kind === 'searchBegin')).toBe(false);
    expect(problem.model.variables).toHaveLength(50);
  });

  it('refuses non-boolean tables on a booleans-only engine before sending anything', async () => {
    const model = parseProblem(JSON.stringify({ variables: [{ name: 'b', domain: { min: 0, max: 1 }, size: 2 }, { name: 'c', domain: { min: 0, max: 2 } }],
      constraints: [{ type: 'compare', x: 'b[0]', op: '!=', y: 'c' }] }), { format: 'json' });
    const tables = compileSearchTables(model);
    const { dev, s } = await open({ search: [1, 4096, 16384, 1000, 262144, 1] });
    const err = await new SearchClient(s).loadTables(tables).catch((e: unknown) => e);
    expect(err).toMatchObject({ limit: Limit.SEARCH_BOOLEANS, needed: 3, available: 2 });
    expect((err as Error).message).toMatch(/3 values of variable 2 .*LIMIT_SEARCH_BOOLEANS/);
    expect(dev.received.some((m) => m.kind === 'searchBegin')).toBe(false);
  });

  it('turns a device capacity refusal into SearchCapacityError and a state error into SearchRefusedError', async () => {
    const { tables } = cnf(50, 218, 1);
    const { s } = await open({
      search: SEARCH_CAPS,
      fault: (m) => (m.kind === 'searchBegin' ? { kind: 'error', seq: m.seq, code: ErrorCode.SEARCH_CAPACITY, arg: Limit.SEARCH_LITERALS } : 'answer'),
    });
    await expect(new SearchClient(s).loadTables(tables)).rejects.toThrow(/LIMIT_SEARCH_LITERALS/);
    const { s: s2 } = await open({
      search: SEARCH_CAPS,
      fault: (m) => (m.kind === 'prior' ? { kind: 'error', seq: m.seq, code: ErrorCode.SEARCH_STATE, arg: 1 } : 'answer'),
    });
    const c2 = new SearchClient(s2);
    await c2.loadTables(tables);
    const err = await c2.sendPrior(new Uint8Array(tables.numValues)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchRefusedError);
    expect((err as Error).message).toMatch(/ERROR_SEARCH_STATE: no tables loaded/);
  });

  it('starts the load again from SearchBegin after a CRC refusal', async () => {
    const { problem, tables } = cnf(50, 218, 1);
    const engine = fakeSearch({ program: problem.program });
    const { dev, s } = await open({
      search: engine.capacities,
      engine: engine.engine,
      fault: (m, i) => (m.kind === 'searchEnd' && i === 0 ? { kind: 'error', seq: m.seq, code: ErrorCode.SEARCH_CRC, arg: 0 } : 'answer'),
    });
    await new SearchClient(s).loadTables(tables);
    expect(dev.received.filter((m) => m.kind === 'searchBegin')).toHaveLength(2);
    expect(engine.sections).not.toBeNull();
  });

  it('streams proven solutions of a random CNF, each one satisfying it, and stops with the final status', async () => {
    const { problem, tables, clauses } = cnf(60, 240, 5);
    const { client } = await searchDevice(problem, tables);
    const run = await client.start({ programId: 7, seed: 11, flipBudget: 0, noise: 115, candidateBytes: problem.program.candidateBytes });
    const found = await take(run, 3);
    expect(found).toHaveLength(3);
    expect(found.map((f) => f.index)).toEqual([1, 2, 3]);
    for (const f of found) {
      expect(f.searchSeq).toBe(run.seq);
      expect(crc32(f.values)).toBe(f.digest);
      const indices = unpackIndices(problem.program.widths, f.values);
      const rendered = Object.fromEntries(problem.model.variables.map((v, i) => [v.name, indices[i] === 1]));
      expect(checkCnf(clauses, rendered)).toBe(true);
    }
    const status = await client.status();
    expect(status).toMatchObject({ state: 3, searchSeq: run.seq });
    expect(status.flips).toBeGreaterThan(0);
    const final = await client.stop();
    expect(final.searchSeq).toBe(run.seq);
    expect(final.solutions).toBeGreaterThanOrEqual(3);
    expect(run.done).toBe(true);
    expect(run.dropped).toBe(0);
  });

  it('ends the stream after a status that shows the device stopped on its own (max_solutions)', async () => {
    const { problem, tables } = cnf(40, 160, 2);
    const { client } = await searchDevice(problem, tables);
    const run = await client.start({ programId: 7, seed: 3, flipBudget: 0, noise: 115, maxSolutions: 2 });
    expect(await take(run, 2)).toHaveLength(2);
    for (let i = 0; i < 50 && !run.done; i++) {
      await client.status();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(run.done).toBe(true);
  });

  it('takes a prior while searching', async () => {
    const { problem, tables } = cnf(40, 160, 2);
    const { client, engine } = await searchDevice(problem, tables);
    const run = await client.start({ programId: 7, seed: 3, flipBudget: 50, noise: 115 });
    await take(run, 1);
    const soft = problem.model.variables.map(() => [0.2, 0.8]);
    await client.sendPrior(quantisePrior(tables, soft, problem.model));
    expect(engine.priors).toBe(2);
    expect(await take(run, 1)).toHaveLength(1);
    await client.stop();
  });

  it('drops a solution with a part missing or a wrong digest, never yields it, and counts it', async () => {
    const { s } = await open({ search: SEARCH_CAPS });
    const client = new SearchClient(s);
    const fakeTables = { numVars: 1, numValues: 2, numClauses: 1, numLiterals: 1, sections: {
      vars: Uint32Array.of(1 << 24), clauses: Uint32Array.of(0), literals: Uint32Array.of(1), values: Uint32Array.of(0, 0, 1), occurrences: Uint32Array.of(0),
    } };
    await client.loadTables(fakeTables);
    await client.sendPrior(Uint8Array.of(255, 255));
    const drops: string[] = [];
    const run = await client.start({ programId: 9, seed: 1, flipBudget: 0, noise: 0, candidateBytes: 6, onDrop: (r) => drops.push(r) });
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const part = (index: number, offset: number, len: number, digest = crc32(bytes)): DeviceMessage => ({
      kind: 'solution', seq: run.seq, programId: 9, index, digest, flips: 1, cycles: 2, restarts: 0, offset, total: 6,
      values: bytes.subarray(offset, offset + len),
    });
    const dev = devices[0]!;
    dev.push(part(1, 0, 2)); // 1: the part at 2 is lost
    dev.push(part(1, 4, 2));
    dev.push(part(2, 0, 3)); // 2: whole, in two parts
    dev.push(part(2, 3, 3));
    dev.push(part(3, 0, 6, 0x1234)); // 3: digest mismatch
    // 4 never arrives
    dev.push(part(5, 0, 6)); // 5: whole
    dev.push({ ...part(6, 0, 6), seq: run.seq + 100 } as DeviceMessage); // another search's: ignored
    const got = await take(run, 2);
    expect(got.map((g) => g.index)).toEqual([2, 5]);
    expect(got[0]!.values).toEqual(bytes);
    expect(run.dropped).toBe(3);
    expect(drops.join('\n')).toMatch(/solution 1: part at byte 4, expected 2/);
    expect(drops.join('\n')).toMatch(/solution 3: digest mismatch/);
    expect(drops.join('\n')).toMatch(/solution 4 never arrived/);
    await client.stop();
    expect(run.foreignParts).toBe(1);
    expect(s.counters().unsolicited).toBe(7);
    expect(s.counters().staleReplies).toBe(0);
  });

  it('keeps a Solution that arrives before the SearchStart\'s Ack', async () => {
    const bytes = Uint8Array.of(0xaa);
    const { s } = await open({
      search: SEARCH_CAPS,
      engine: (m, push) => {
        if (m.kind !== 'searchStart') return undefined;
        push({ kind: 'solution', seq: m.seq, programId: m.programId, index: 1, digest: crc32(bytes), flips: 0, cycles: 0, restarts: 0, offset: 0, total: 1, values: bytes });
        return { kind: 'ack', seq: m.seq };
      },
    });
    const client = new SearchClient(s);
    await client.loadTables({ numVars: 1, numValues: 2, numClauses: 0, numLiterals: 0, sections: {
      vars: Uint32Array.of(1 << 24), clauses: new Uint32Array(0), literals: new Uint32Array(0), values: Uint32Array.of(0, 0, 0), occurrences: new Uint32Array(0),
    } });
    await client.sendPrior(Uint8Array.of(255, 255));
    const run = await client.start({ programId: 1, seed: 1, flipBudget: 0, noise: 0 });
    expect((await take(run, 1))[0]!.values).toEqual(bytes);
  });

  it('ends the stream with DeviceGoneError when the connection is re-established, and forgets the tables', async () => {
    const { problem, tables } = cnf(40, 160, 2);
    const { dev, client } = await searchDevice(problem, tables);
    const run = await client.start({ programId: 7, seed: 3, flipBudget: 0, noise: 115 });
    await take(run, 1);
    dev.dropConnections();
    const err = await take(run, 1_000_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceGoneError);
    expect((err as Error).message).toMatch(/the search and its tables are gone/);
    await expect(client.start({ programId: 7, seed: 3, flipBudget: 0, noise: 115 })).rejects.toThrow(/no search tables loaded/);
  });
});
