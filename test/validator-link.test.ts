// The constraint engine through the real device path: the Verilator simulation of hilsolve_top
// on a pseudo-terminal, opened with serialport by a DeviceSession, driven by ValidatorClient.
// Every verdict is compared with the reference checker (ok, count, the first K violated indices),
// and the edge cases of capacity, empty programs and wrong candidates each have a test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { prepareProgram } from '../src/check/program-checker.ts';
import { ErrorCode, Limit } from '../src/link/codec.ts';
import { DeviceError } from '../src/link/errors.ts';
import { startFaultProxy } from '../src/link/fault-proxy.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import {
  MESSAGE_OVERHEAD, ProgramCapacityError, ProgramLoadError, ValidatorClient, type Verdict,
} from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { decodeWord, encodeWord, Opcode } from '../src/model/isa.ts';
import { packIndices } from '../src/model/pack.ts';
import type { Program } from '../src/model/program.ts';
import type { Model, Variable } from '../src/model/types.ts';
import { randomIndices, randomModel } from './helpers/random-model.ts';

let sim: RunningSimulator;
let session: DeviceSession;
let client: ValidatorClient;
let nextId = 1;

beforeAll(async () => {
  sim = await startSimulator();
  // Generous timeouts: the simulator shares the machine with other test files.
  session = await DeviceSession.open(sim.path, { timeoutMs: 5000 });
  client = new ValidatorClient(session);
});

afterAll(async () => {
  await session?.close();
  await sim?.stop();
});

function tryCompile(model: Model): Program | null {
  try {
    return compile(model);
  } catch (err) {
    if (err instanceof UnsatisfiableError) return null;
    throw err;
  }
}

/** Load `program`, validate `candidates` on the device, and list every disagreement with the checker. */
async function disagreements(program: Program, candidates: Uint8Array[]): Promise<{ problems: string[]; verdicts: Verdict[] }> {
  const id = nextId++;
  await client.loadProgram(program, id);
  const checker = prepareProgram(program);
  const verdicts: Verdict[] = [];
  for await (const v of client.validate(candidates)) verdicts.push(v);
  const problems: string[] = [];
  if (verdicts.length !== candidates.length) problems.push(`${verdicts.length} verdicts for ${candidates.length} candidates`);
  verdicts.forEach((v, i) => {
    const want = checker.check(candidates[i]!);
    const got = { ok: v.ok, count: v.violatedCount, violated: v.violated };
    const expected = { ok: want.ok, count: want.count, violated: want.violated.slice(0, session.info.maxViolations) };
    if (JSON.stringify(got) !== JSON.stringify(expected) || v.programId !== id) {
      problems.push(`candidate ${i} (${Buffer.from(candidates[i]!).toString('hex')}): device ${JSON.stringify(got)}, checker ${JSON.stringify(expected)}`);
    }
  });
  return { problems, verdicts };
}

function variable(i: number, size: number, holes = false): Variable {
  return { name: `x${i}`, min: 0, size, allowed: Array.from({ length: size }, (_, k) => !holes || k % 3 !== 1), kind: 'int' };
}

describe('constraint engine on the simulated device', () => {
  it('advertises the engine capacities', () => {
    // The simulator's capacities (hdl/README.md); the board's are 1024 / 16384 / 16384.
    expect(session.info).toMatchObject({ maxVars: 16384, maxDomain: 256, maxWords: 1 << 20, maxConstraints: 1 << 20, maxViolations: 8, engines: 1 });
  });

  it('agrees with the reference checker on 20,000 random programs and candidates', async () => {
    const rng = new Prng(2024);
    const opcodes = new Set<string>();
    let cases = 0;
    let ok = 0;
    const problems: string[] = [];
    while (cases < 20_000) {
      // Small models with candidates inside the domains satisfy now and then; larger ones rarely.
      const small = rng.int(2) === 0;
      const model = randomModel(rng, small ? { variables: 1 + rng.int(4), constraints: 1 + rng.int(2) } : { variables: 2 + rng.int(14), constraints: 1 + rng.int(10) });
      const program = tryCompile(model);
      if (!program) continue;
      for (const w of program.words) {
        const ins = decodeWord(w);
        opcodes.add(`${ins.op}${ins.neg ? 'n' : ''}${ins.dnf ? 'd' : ''}`);
      }
      const candidates = Array.from({ length: 100 }, () => packIndices(program.widths, randomIndices(rng, model, small ? 0.05 : 0.3)));
      const result = await disagreements(program, candidates);
      problems.push(...result.problems);
      ok += result.verdicts.filter((v) => v.ok).length;
      cases += candidates.length;
    }
    expect(problems).toEqual([]);
    for (const op of Object.values(Opcode)) expect([...opcodes].some((k) => k.startsWith(String(op)))).toBe(true);
    expect([...opcodes].some((k) => k.includes('n'))).toBe(true);
    expect([...opcodes].some((k) => k.includes('d'))).toBe(true);
    expect(ok).toBeGreaterThan(cases / 10);
    expect(ok).toBeLessThan(cases * 0.9);
  }, 600_000);

  it('checks the largest variable count and the largest domain the device advertises', async () => {
    const rng = new Prng(7);
    const { maxVars, maxDomain, maxPayload } = session.info;
    // As many booleans as the device takes and a frame carries (on the simulator the frame is
    // the limit), then as many maxDomain-valued variables as one frame carries
    const wide = Math.floor(maxPayload - MESSAGE_OVERHEAD);
    for (const [count, size] of [[Math.min(maxVars, 8 * wide), 2], [wide, maxDomain]] as const) {
      const variables = Array.from({ length: count }, (_, i) => variable(i, size, i % 5 === 0));
      const constraints: Model['constraints'] = Array.from({ length: 40 }, () => ({
        type: 'compare', x: rng.int(count), op: '!=', y: rng.int(count), c: rng.int(3) - 1,
      }));
      constraints.push({ type: 'allDifferent', vars: [0, count - 1, count >> 1], offsets: [0, 0, 0] });
      const model: Model = { format: 'json', variables, constraints, meta: {} };
      const program = compile(model);
      expect(program.numVars).toBe(count);
      const candidates = Array.from({ length: 30 }, () => packIndices(program.widths, randomIndices(rng, model, 0.2)));
      expect((await disagreements(program, candidates)).problems).toEqual([]);
    }
    // Both at once do not fit a frame: refused on the host, naming the limit.
    const tooWide = compile({ format: 'json', variables: Array.from({ length: maxVars }, (_, i) => variable(i, maxDomain)), constraints: [], meta: {} });
    await expect(client.loadProgram(tooWide, nextId++)).rejects.toMatchObject({ name: 'ProgramCapacityError', limit: Limit.PAYLOAD });
  }, 120_000);

  it('checks programs without constraints: no words at all, and domain checks only', async () => {
    const rng = new Prng(8);
    for (const holes of [false, true]) {
      // Sizes that are powers of two leave nothing to check unless there are holes.
      const model: Model = { format: 'json', variables: Array.from({ length: 9 }, (_, i) => variable(i, 1 << i, holes)), constraints: [], meta: {} };
      const program = compile(model);
      expect(program.words.length === 0).toBe(!holes);
      const candidates = Array.from({ length: 50 }, () => packIndices(program.widths, randomIndices(rng, model, 0.5)));
      const { problems, verdicts } = await disagreements(program, candidates);
      expect(problems).toEqual([]);
      if (!holes) expect(verdicts.every((v) => v.ok)).toBe(true);
    }
  });

  it('runs a program of 16K words (the board\'s capacity), refuses one word over the device\'s and keeps working', async () => {
    const rng = new Prng(9);
    // The simulator holds 1M words; loading that many (8 MB, a chunk per round trip) takes far too
    // long for a test even on the simulator's byte link (minutes at bit level), so the
    // program is the board's full size and the refusal is checked at the device's own limit.
    const { maxWords: deviceWords, maxVars: deviceVars, maxPayload } = session.info;
    const maxWords = Math.min(deviceWords, 16384);
    const maxVars = Math.min(deviceVars, 1024, 8 * (maxPayload - MESSAGE_OVERHEAD));
    const words = Array.from({ length: maxWords }, (_, i) => encodeWord(i % 3 === 0
      ? { op: Opcode.CMP, x: rng.int(maxVars), y: rng.int(maxVars), cop: rng.int(6), imm: rng.int(3) - 1, endCons: i % 6 === 0 }
      : { op: Opcode.IN, x: rng.int(maxVars), base: 0, mask: 1 + rng.int(3), endTerm: true, endCons: i % 6 === 0 }));
    const program = (w: bigint[]): Program => ({
      numVars: maxVars, widths: new Array<number>(maxVars).fill(1), words: w,
      modelConstraints: w.filter((x) => decodeWord(x).endCons).length, domainChecks: [], candidateBytes: maxVars / 8,
    });
    const full = program(words);
    const over = program(Array.from({ length: deviceWords + 1 }, () => encodeWord({ op: Opcode.TRUE, endCons: true })));
    const candidates = Array.from({ length: 5 }, () => Uint8Array.from({ length: maxVars / 8 }, () => rng.int(256)));
    const { problems, verdicts } = await disagreements(full, candidates);
    expect(problems).toEqual([]);
    expect(verdicts[0]!.cycles).toBeGreaterThanOrEqual(maxWords);

    // The host refuses it before sending; the device refuses it too when asked directly.
    await expect(client.loadProgram(over, nextId++)).rejects.toBeInstanceOf(ProgramCapacityError);
    const refusal = await session.request({ kind: 'programBegin', programId: 77, numVars: maxVars, numWords: deviceWords + 1, numConstraints: 1 })
      .catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(DeviceError);
    expect(refusal).toMatchObject({ code: ErrorCode.CAPACITY, arg: Limit.WORDS });
    expect((await disagreements(full, candidates)).problems).toEqual([]);
  }, 120_000);

  it('refuses a program with a bad word, naming the word, and keeps working', async () => {
    const good: Program = {
      numVars: 2, widths: [2, 2], words: [encodeWord({ op: Opcode.CMP, x: 0, y: 1, cop: 1, endCons: true })],
      modelConstraints: 1, domainChecks: [], candidateBytes: 1,
    };
    const bad = { ...good, words: [good.words[0]!, encodeWord({ op: Opcode.IN, x: 2, mask: 1, endCons: true })], modelConstraints: 2 };
    const err = await client.loadProgram(bad, nextId++).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgramLoadError);
    expect(err).toMatchObject({ code: ErrorCode.BAD_VARIABLE, arg: 1 });
    expect((err as Error).message).toMatch(/word 1 names a variable outside 0\.\.1/);
    expect((await disagreements(good, [Uint8Array.of(0b0101), Uint8Array.of(0b0110)])).problems).toEqual([]);
  });

  it('refuses a candidate for another program or of the wrong length, and keeps working', async () => {
    const model = randomModel(new Prng(10), { variables: 6, constraints: 4 });
    const program = tryCompile(model) ?? compile({ ...model, constraints: [] });
    const id = nextId++;
    await client.loadProgram(program, id);
    const values = new Uint8Array(program.candidateBytes);
    await expect(session.sendCandidate({ programId: id + 1000, values })).rejects.toMatchObject({ code: ErrorCode.WRONG_PROGRAM, arg: id });
    await expect(session.sendCandidate({ programId: id, values: new Uint8Array(program.candidateBytes + 1) }))
      .rejects.toMatchObject({ code: ErrorCode.CANDIDATE_LENGTH, arg: program.candidateBytes });
    const verdicts: Verdict[] = [];
    await expect(async () => { for await (const v of client.validate([new Uint8Array(program.candidateBytes + 2)])) verdicts.push(v); })
      .rejects.toThrow(/candidate has .* bytes, the program takes/);
    expect((await disagreements(program, [values, values.map(() => 0xff)])).problems).toEqual([]);
  });

  it('loads programs and validates candidates correctly through line noise', async () => {
    const noise = { drop: 3e-4, flip: 2e-4 };
    // A simulator of its own: the proxy opens the device itself, and a port has one owner.
    const own = await startSimulator();
    const proxy = await startFaultProxy({ device: own.path, listen: 'tcp://127.0.0.1:0', toDevice: noise, toHost: noise, seed: 3 });
    const noisy = await DeviceSession.open(proxy.url, { timeoutMs: 300, retries: 20, heartbeatMs: 0 });
    try {
      const rng = new Prng(21);
      const viaNoise = new ValidatorClient(noisy);
      let checked = 0;
      for (let p = 0; p < 12; p++) {
        const model = randomModel(rng, { variables: 8, constraints: 6 });
        const program = tryCompile(model);
        if (!program) continue;
        const id = nextId++;
        await viaNoise.loadProgram(program, id);
        const candidates = Array.from({ length: 60 }, () => packIndices(program.widths, randomIndices(rng, model, 0.2)));
        const checker = prepareProgram(program);
        let i = 0;
        for await (const v of viaNoise.validate(candidates)) {
          const want = checker.check(candidates[i++]!);
          expect({ ok: v.ok, count: v.violatedCount, violated: v.violated, programId: v.programId })
            .toEqual({ ok: want.ok, count: want.count, violated: want.violated.slice(0, 8), programId: id });
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(400);
      const damage = proxy.stats();
      expect(damage.toDevice.dropped + damage.toHost.dropped + damage.toDevice.flipped + damage.toHost.flipped).toBeGreaterThan(0);
      expect(noisy.counters().retries + noisy.counters().timeouts).toBeGreaterThan(0);
    } finally {
      await noisy.close();
      await proxy.close();
      await own.stop();
    }
  }, 300_000);
});
