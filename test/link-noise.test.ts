// Issue 12 item 7: program and search-table loads under link noise (bit flips, drops and
// duplicates of 1e-3 each way, through the fault proxy in front of the real simulator). A load
// re-sends only the chunks whose reply was lost (the device drops the bytes of a chunk it already
// has, so a chunk is simply sent again) instead of starting again from its begin message on every lost frame; the counts of chunks
// re-sent are checked against what a reload per fault would cost.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { prepareProgram } from '../src/check/program-checker.ts';
import { DeviceTimeoutError } from '../src/link/errors.ts';
import { startFaultProxy, type FaultProxy } from '../src/link/fault-proxy.ts';
import type { LoadStats } from '../src/link/load-stats.ts';
import { SearchClient } from '../src/link/search-client.ts';
import { DeviceSession } from '../src/link/session.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { MESSAGE_OVERHEAD, ValidatorClient, programImage } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { packIndices, unpackIndices } from '../src/model/pack.ts';
import { parseCnf } from '../src/model/parse-cnf.ts';
import { Prng } from '../src/model/prng.ts';
import type { Program } from '../src/model/program.ts';
import { compileSearchTables, searchImageBytes } from '../src/model/search-tables.ts';
import { uniformPrior } from '../src/model/search-prior.ts';
import type { Model } from '../src/model/types.ts';
import { plantedCnf } from './helpers/problems.ts';
import { randomIndices } from './helpers/random-model.ts';

const NOISE = { flip: 1e-3, drop: 1e-3, dup: 1e-3 };

let sim: RunningSimulator;
let proxy: FaultProxy;
let session: DeviceSession;

beforeAll(async () => {
  sim = await startSimulator();
  proxy = await startFaultProxy({ device: sim.path, listen: 'tcp://127.0.0.1:0', toDevice: NOISE, toHost: NOISE, seed: Number(process.env.LINK_NOISE_SEED ?? 12) });
  session = await DeviceSession.open(proxy.url, { timeoutMs: 300, retries: 20, heartbeatMs: 0 });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await proxy?.close();
  await sim?.stop();
});

/** Chunks a load sends on a clean link (all at the largest size). */
function fullLoadChunks(program: Program): number {
  const chunk = session.info.maxPayload - MESSAGE_OVERHEAD;
  const image = programImage(program);
  return Math.ceil(image.widths.length / chunk) + Math.ceil(image.words.length / chunk);
}

function report(what: string, stats: LoadStats, full: number): void {
  console.log(`${what}: ${JSON.stringify(stats)}; a clean load sends ${full} chunks`);
}

/** Loads, then checks 150 candidates against the reference checker. */
async function loadAndValidate(client: ValidatorClient, model: Model, program: Program, id: number, seed: number): Promise<void> {
  await client.loadProgram(program, id);
  const rng = new Prng(seed);
  const candidates = Array.from({ length: 150 }, () => packIndices(program.widths, randomIndices(rng, model, 0.1)));
  const checker = prepareProgram(program);
  const k = session.info.maxViolations;
  let i = 0;
  for await (const v of client.validate(candidates)) {
    const want = checker.check(candidates[i++]!);
    expect({ ok: v.ok, count: v.violatedCount, violated: v.violated, programId: v.programId })
      .toEqual({ ok: want.ok, count: want.count, violated: want.violated.slice(0, k), programId: id });
  }
  expect(i).toBe(150);
}

/**
 * At most one start more than a clean load: a lost reply costs a re-send of that chunk (after
 * which chunks are halved for a while, so more of them go), never the load from its begin again.
 */
function expectSelective(stats: LoadStats): void {
  expect(stats.starts).toBeLessThanOrEqual(2);
  expect(stats.restarts.length).toBe(stats.starts - 1);
}

describe('loads under link noise (flips, drops, duplicates 1e-3 each way)', () => {
  it('loads uf50-218 and validates candidates correctly', async () => {
    const model = parseCnf(readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8'));
    const program = compile(model);
    const client = new ValidatorClient(session);
    await loadAndValidate(client, model, program, 1, 1);
    const full = fullLoadChunks(program);
    report(`uf50-218 (${program.words.length} words)`, client.lastLoad, full);
    expectSelective(client.lastLoad);
  }, 300_000);

  it('loads a program of thousands of words and validates candidates correctly', async () => {
    const model = parseCnf(plantedCnf(400, 1700, 7).text);
    const program = compile(model);
    expect(program.words.length).toBeGreaterThan(4000);
    const client = new ValidatorClient(session);
    await loadAndValidate(client, model, program, 2, 2);
    const full = fullLoadChunks(program);
    report(`planted 400x1700 (${program.words.length} words)`, client.lastLoad, full);
    expect(client.lastLoad.chunksResent).toBeGreaterThan(0); // the noise did hit
    expectSelective(client.lastLoad);
  }, 300_000);

  it('loads search tables and the search finds a solution the checker accepts', async () => {
    const model = parseCnf(readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8'));
    const program = compile(model);
    const validator = new ValidatorClient(session);
    await validator.loadProgram(program, 3);
    const tables = compileSearchTables(model);
    const search = new SearchClient(session);
    try {
      await search.loadTables(tables);
      const chunk = session.info.maxPayload - MESSAGE_OVERHEAD;
      const full = searchImageBytes(tables).reduce((n, s) => n + Math.ceil(s.bytes.length / chunk), 0);
      report(`search tables of uf50-218 (${tables.numClauses} clauses)`, search.lastLoad, full);
      // A lost reply costs one send of that chunk again, never the load: the device ignores what it
      // already took, so no start over from SearchBegin and no counter reads.
      expect(search.lastLoad).toMatchObject({ starts: 1 });
      expect(search.lastLoad.chunksSent).toBeGreaterThanOrEqual(full + search.lastLoad.chunksResent);
      await search.sendPrior(uniformPrior(tables, model));
      // Solutions travel through the noise too: a damaged one is dropped, so ask for several.
      // SearchStart is not retried by the client (src/solve/search-loop.ts starts again after a
      // lost one, with a new seed); under this noise its Ack is lost now and then, so do the same.
      const startOnce = (seed: number) => search.start({ programId: 3, seed, flipBudget: 20_000, noise: 40, maxSolutions: 20, candidateBytes: program.candidateBytes });
      let run;
      for (let attempt = 0; ; attempt++) {
        try {
          run = await startOnce(5 + attempt);
          break;
        } catch (err) {
          if (!(err instanceof DeviceTimeoutError) || attempt >= 4) throw err;
        }
      }
      let found = null;
      const deadline = Date.now() + 60_000;
      while (!found && Date.now() < deadline) found = await run.next(500);
      expect(found).not.toBeNull();
      expect(checkModel(model, unpackIndices(program.widths, found!.values)).ok).toBe(true);
      await search.stop();
    } finally {
      search.dispose();
    }
  }, 300_000);
});
