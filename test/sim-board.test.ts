// The board's configuration in the simulator: hilsolve_top with the parameters of the board top
// (hdl/rtl/hilsolve_icebreaker.v: no device search, its validator sizes), built by
// `make -C hdl/sim BOARD=1` and served on a pseudo-terminal. Its handshake offers no search and
// reports the board's capacities, search messages get ERROR_UNKNOWN_MESSAGE, and a one-shot solve
// on it runs in validate mode (mode search is refused before anything is loaded).

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/link/codec.ts';
import { RawDevice } from './helpers/raw-device.ts';
import { FIXTURES, REPO_ROOT } from './helpers/run-cli.ts';

/** A parameter the board top gives hilsolve_top, read from the Verilog (`.NAME(value)`). */
function boardParameter(name: string): number {
  const source = readFileSync(`${REPO_ROOT}hdl/rtl/hilsolve_icebreaker.v`, 'utf8');
  const m = new RegExp(`\\.${name}\\(([0-9_]+)\\)`).exec(source);
  if (!m) throw new Error(`hilsolve_icebreaker.v sets no ${name}`);
  return Number(m[1]!.replace(/_/g, ''));
}

let sim: ChildProcessWithoutNullStreams;
let path: string;

beforeAll(async () => {
  mkdirSync(`${REPO_ROOT}build/sim`, { recursive: true });
  const make = spawnSync('flock', [`${REPO_ROOT}build/sim/.build-lock-board`, 'make', '--no-print-directory', '-C',
    `${REPO_ROOT}hdl/sim`, 'BOARD=1', 'all', 'print-binary'], { encoding: 'utf8', timeout: 900_000 });
  expect(make.status, `${make.stdout}\n${make.stderr}`).toBe(0);
  const binary = make.stdout.trim().split('\n').pop()!;
  expect(binary).toMatch(/build\/sim\/board-cpb8\/hilsolve-sim$/);
  sim = spawn(binary, ['--pty', '--watch-stdin']);
  path = await new Promise<string>((resolve, reject) => {
    let out = '';
    sim.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /pty (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    sim.once('exit', (code) => reject(new Error(`board simulator exited (${code}) before serving: ${out}`)));
  });
}, 900_000);

afterAll(() => {
  sim?.kill('SIGTERM');
});

describe('the board configuration (no device search) in the simulator', () => {
  it('offers no search in its handshake, reports the board validator sizes and refuses search messages', async () => {
    const dev = await RawDevice.open(path);
    try {
      const hello = await dev.request({ kind: 'hello', seq: 3, protocolVersion: 3 });
      expect(hello).toMatchObject({
        kind: 'hello', seq: 3, search: [],
        maxVars: boardParameter('V_MAX_VARS'),
        maxWords: boardParameter('V_MAX_WORDS'),
        maxConstraints: boardParameter('V_MAX_CONSTRAINTS'),
      });
      const refusals = [
        { kind: 'searchBegin', seq: 7, numVars: 20, numValues: 40, numClauses: 91, numLiterals: 273 },
        { kind: 'searchStart', seq: 8, programId: 1, seed: 1, flipBudget: 0, noise: 30, maxSolutions: 1 },
        { kind: 'searchStatus', seq: 9 },
      ] as const;
      for (const msg of refusals) {
        expect(await dev.request(msg)).toEqual({ kind: 'error', seq: msg.seq, code: ErrorCode.UNKNOWN_MESSAGE, arg: 0 });
      }
      // The link still answers after them.
      expect(await dev.request({ kind: 'echo', seq: 10, data: Uint8Array.from([1, 2, 3]) }))
        .toEqual({ kind: 'echo', seq: 10, data: Uint8Array.from([1, 2, 3]) });
    } finally {
      await dev.close();
    }
  });

  const solve = (...args: string[]) => spawnSync(process.execPath,
    [`${REPO_ROOT}bin/hilsolve.js`, 'solve', `${FIXTURES}uf20-91.cnf`, '--output', 'dimacs', ...args],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HILSOLVE_DEVICE: path } });

  it('refuses mode search on it, saying the device has no search engine', () => {
    const run = solve('--mode', 'search');
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('no search engine');
  });

  it('solves in validate mode on it (mode auto)', () => {
    const run = solve('--no-tree', '--seed', '1');
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^s SATISFIABLE$/m);
    const values = (run.stdout.match(/^v .*$/gm) ?? []).join(' ').split(/\s+/).filter((t) => /^-?[0-9]+$/.test(t)).map(Number);
    // Every clause of the instance holds under the printed assignment.
    const truth = new Set(values.filter((v) => v !== 0));
    const clauses = readFileSync(`${FIXTURES}uf20-91.cnf`, 'utf8').split('\n')
      .filter((l) => /^\s*-?[0-9]/.test(l)).map((l) => l.trim().split(/\s+/).map(Number).filter((v) => v !== 0))
      .filter((c) => c.length > 0);
    expect(clauses.length).toBe(91);
    for (const c of clauses) expect(c.some((lit) => truth.has(lit)), c.join(' ')).toBe(true);
  });
});
