// Host-side pieces of the validator client that need no device: the program image (width table
// layout, words in their wire encoding, CRC) and the capacity check against a device's advertised limits.

import { describe, expect, it } from 'vitest';
import { Limit } from '../src/link/codec.ts';
import type { DeviceInfo } from '../src/link/session.ts';
import { capacityProblem, MESSAGE_OVERHEAD, programImage } from '../src/link/validator-client.ts';
import { crc32 } from '../src/model/crc32.ts';
import { encodeWord, Opcode } from '../src/model/isa.ts';
import type { Program } from '../src/model/program.ts';

function program(numVars: number, width: number, words: number, domainChecks: number[] = []): Program {
  return {
    numVars, widths: new Array<number>(numVars).fill(width),
    words: Array.from({ length: words }, () => encodeWord({ op: Opcode.TRUE, endCons: true })),
    modelConstraints: words - domainChecks.length, domainChecks, candidateBytes: Math.ceil((numVars * width) / 8),
  };
}

const device: DeviceInfo = {
  target: 'test', deviceId: 'hilsolve-test', protocolVersion: 3, build: 1, window: 4, clockHz: 12_000_000,
  baud: 115_200, maxViolations: 8, engines: 1,
  maxVars: 1024, maxWords: 16384, maxConstraints: 16384, maxPayload: 512, maxDomain: 256,
};

describe('programImage', () => {
  it('packs two widths a byte, low nibble first, pads an odd count with 0, and CRCs widths then words', () => {
    const p: Program = { ...program(3, 0, 2), widths: [8, 1, 5] };
    const image = programImage(p);
    expect([...image.widths]).toEqual([0x18, 0x05]);
    expect([...image.words]).toEqual([0x02, 0x02]); // TRUE with EC: one header byte each on the wire
    expect(image.crc).toBe(crc32(Uint8Array.of(0x18, 0x05, ...image.words)));
  });

  it('has no width bytes and no word bytes for an empty program', () => {
    const image = programImage(program(0, 0, 0));
    expect(image.widths).toHaveLength(0);
    expect(image.words).toHaveLength(0);
    expect(image.crc).toBe(0);
  });
});

describe('capacityProblem', () => {
  it('accepts a program exactly at every limit', () => {
    expect(capacityProblem(program(1024, 1, 16384), device)).toBeNull();
    expect(capacityProblem(program(512 - MESSAGE_OVERHEAD, 8, 1), device)).toBeNull();
  });

  it.each([
    [program(1025, 1, 1), Limit.VARS, /1025 variables, the device allows 1024 \(LIMIT_VARS\)/],
    [program(1, 1, 16385), Limit.WORDS, /16385 program words, the device allows 16384 \(LIMIT_WORDS\)/],
    [{ ...program(1, 1, 10), modelConstraints: 16385 }, Limit.CONSTRAINTS, /16385 constraints.*LIMIT_CONSTRAINTS/],
    [program(512 - MESSAGE_OVERHEAD + 1, 8, 1), Limit.PAYLOAD, /489 bytes per candidate, the device allows 488 \(LIMIT_PAYLOAD\)/],
  ])('names the first limit a program is over (%#)', (p, limit, message) => {
    const problem = capacityProblem(p, device);
    expect(problem).toMatchObject({ name: 'ProgramCapacityError', limit });
    expect(problem?.message).toMatch(message);
  });
});
