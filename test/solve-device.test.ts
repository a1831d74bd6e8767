// The Validator port on the real Verilator simulation: program load, verdicts equal to the
// reference checker's on sampled candidates, a second program replacing the first, capacity.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { prepareProgram } from '../src/check/program-checker.ts';
import { packIndices } from '../src/model/pack.ts';
import { openDevice, type OpenedDevice } from '../src/solve/device-validator.ts';
import { prepareProblem, type PreparedProblem } from '../src/solve/prepare.ts';
import { ProgramRejectedError, type Verdict } from '../src/solve/ports.ts';
import { plantedCnf, queensProblem } from './helpers/problems.ts';

let device: OpenedDevice;
beforeAll(async () => {
  device = await openDevice(undefined, pino({ level: 'silent' }));
});
afterAll(async () => device?.close());

const options = { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 };
const queens = prepareProblem({ format: 'json', source: JSON.stringify(queensProblem(6)), options });
const sat = prepareProblem({ format: 'cnf', source: plantedCnf(20, 80, 5).text, options });

function randomCandidates(p: PreparedProblem, n: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8);
  return Array.from({ length: n }, () => p.model.variables.map((v) => next() % v.size));
}

async function agrees(p: PreparedProblem, candidates: number[][]) {
  const verdicts: Verdict[] = [];
  for await (const v of device.validator.validate(candidates)) verdicts.push(v);
  const checker = prepareProgram(p.program);
  expect(verdicts).toHaveLength(candidates.length);
  candidates.forEach((c, i) => {
    const ref = checker.check(packIndices(p.program.widths, c));
    expect(verdicts[i].ok).toBe(ref.ok);
    expect(verdicts[i].count).toBe(ref.count);
  });
  return verdicts;
}

describe('device validator on the simulator', () => {
  it('reports the device and agrees with the reference checker', async () => {
    expect(device.simulated).toBe(true);
    expect(device.validator.deviceId).not.toBe('');
    expect(device.handshake).toMatchObject({ deviceId: device.validator.deviceId });
    await device.validator.load(queens.program);
    // The four solutions of 6-queens, then random candidates.
    const solutions = [[1, 3, 5, 0, 2, 4], [2, 5, 1, 4, 0, 3], [3, 0, 4, 1, 5, 2], [4, 2, 0, 5, 3, 1]];
    const verdicts = await agrees(queens, [...solutions, ...randomCandidates(queens, 60, 1)]);
    expect(verdicts.slice(0, 4).every((v) => v.ok)).toBe(true);
    expect(verdicts.slice(4).some((v) => !v.ok)).toBe(true);
    const before = device.validator.linkBytes();
    await agrees(queens, randomCandidates(queens, 10, 2));
    expect(device.validator.linkBytes()).toBeGreaterThan(before);
  });

  it('replaces the program on the next load, and does not resend the one it holds', async () => {
    await device.validator.load(sat.program);
    await agrees(sat, randomCandidates(sat, 64, 3));
    const before = device.validator.linkBytes();
    await device.validator.load(sat.program);
    expect(device.validator.linkBytes()).toBe(before);
    await agrees(sat, randomCandidates(sat, 16, 4));
    await device.validator.load(queens.program);
    expect(device.validator.linkBytes()).toBeGreaterThan(before + queens.program.words.length * 8);
    await agrees(queens, randomCandidates(queens, 16, 5));
  });

  it('refuses a program over the device capacity before sending it', async () => {
    const info = device.handshake as { maxVars: number };
    const big = prepareProblem({ format: 'cnf', source: `p cnf ${info.maxVars + 1} 1\n1 0\n`, options });
    await expect(device.validator.load(big.program)).rejects.toThrow(ProgramRejectedError);
  });
});
