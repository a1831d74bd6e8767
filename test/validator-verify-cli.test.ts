// `hilsolve verify FILE SOLUTION --device PORT` against the simulated device: the device's
// verdict is printed beside the reference checker's, and the exit status follows them.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { FIXTURES, runCli } from './helpers/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hilsolve-verify-device-'));
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The "reference:" and "device:" lines of verify's output, without the device's identity. */
function verdictLines(stdout: string): { reference: string; device: string } {
  const reference = /^reference: (.*)$/m.exec(stdout)?.[1] ?? '';
  const device = /^device: +(.*) \(hilsolve-sim, \d+ cycles\)$/m.exec(stdout)?.[1] ?? '';
  return { reference, device };
}

describe('hilsolve verify --device', () => {
  it.each([
    ['8-queens.json', '8-queens.solution.json'],
    ['sudoku-easy.json', 'sudoku-easy.solution.json'],
    ['uf50-218.cnf', 'uf50-218.sol'],
  ])('agrees with the reference on the solution of %s', async (problem, solution) => {
    const r = await runCli(['verify', join(FIXTURES, problem), join(FIXTURES, solution), '--device', sim.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(verdictLines(r.stdout)).toEqual({ reference: 'ok', device: 'ok' });
  });

  it('prints the same violations as the reference for a wrong solution, and exits 1', async () => {
    // Queens 0 and 1 swapped onto one diagonal, queens 2 and 3 onto one column.
    const wrong = join(tmp, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ 'q[0]': 0, 'q[1]': 1, 'q[2]': 5, 'q[3]': 5, 'q[4]': 2, 'q[5]': 6, 'q[6]': 1, 'q[7]': 3 }));
    const r = await runCli(['verify', join(FIXTURES, '8-queens.json'), wrong, '--device', sim.path]);
    expect(r.code).toBe(1);
    const lines = verdictLines(r.stdout);
    expect(lines.reference).toMatch(/^violated \d+ \[#\d+/);
    expect(lines.device).toBe(lines.reference);
  });

  it('names a device that cannot be opened (exit 3) and a malformed address (exit 2)', async () => {
    const missing = await runCli(['verify', join(FIXTURES, '8-queens.json'), join(FIXTURES, '8-queens.solution.json'), '--device', join(tmp, 'no-such-port')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no-such-port/);
    const malformed = await runCli(['verify', join(FIXTURES, '8-queens.json'), join(FIXTURES, '8-queens.solution.json'), '--device', 'tcp://host-without-port']);
    expect(malformed.code).toBe(2);
    const badBaud = await runCli(['verify', join(FIXTURES, '8-queens.json'), join(FIXTURES, '8-queens.solution.json'), '--device', sim.path, '--baud', 'fast']);
    expect(badBaud.code).toBe(2);
    expect(badBaud.stderr).toMatch(/--baud must be a whole number/);
  });

  it('takes the serial bit rate of a board with --baud', async () => {
    const r = await runCli(['verify', join(FIXTURES, '8-queens.json'), join(FIXTURES, '8-queens.solution.json'), '--device', sim.path, '--baud', '115200']);
    expect(r.code).toBe(0);
    expect(verdictLines(r.stdout)).toEqual({ reference: 'ok', device: 'ok' });
  });
});
