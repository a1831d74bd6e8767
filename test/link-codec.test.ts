import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChunkKind, DecodeError, ErrorCode, Limit, SearchSection, decodeDevice, decodeHost, encodeDevice, encodeHost, errorCodeName, root,
  type DeviceMessage, type HostMessage,
} from '../src/link/codec.ts';

const u32 = fc.nat({ max: 0xffffffff });
const bytes = fc.uint8Array({ maxLength: 64 });

const hostMessage: fc.Arbitrary<HostMessage> = fc.oneof(
  fc.record({ kind: fc.constant('hello' as const), seq: u32, protocolVersion: u32 }),
  fc.record({ kind: fc.constant('echo' as const), seq: u32, data: bytes }),
  fc.record({ kind: fc.constant('counters' as const), seq: u32 }),
  fc.record({ kind: fc.constant('reset' as const), seq: u32 }),
  fc.record({ kind: fc.constant('programBegin' as const), seq: u32, programId: u32, numVars: u32, numWords: u32, numConstraints: u32 }),
  fc.record({ kind: fc.constant('programChunk' as const), seq: u32, chunkKind: fc.constantFrom(0, 1), offset: u32, data: bytes }),
  fc.record({ kind: fc.constant('programEnd' as const), seq: u32, crc: u32 }),
  fc.record({ kind: fc.constant('candidate' as const), seq: u32, programId: u32, values: bytes }),
  fc.record({ kind: fc.constant('searchBegin' as const), seq: u32, numVars: u32, numValues: u32, numClauses: u32, numLiterals: u32 }),
  fc.record({ kind: fc.constant('searchChunk' as const), seq: u32, section: fc.nat({ max: 4 }), offset: u32, data: bytes }),
  fc.record({ kind: fc.constant('searchEnd' as const), seq: u32, crc: u32 }),
  fc.record({ kind: fc.constant('prior' as const), seq: u32, offset: u32, data: bytes }),
  fc.record({
    kind: fc.constant('searchStart' as const), seq: u32, programId: u32, seed: u32, flipBudget: u32, noise: fc.nat({ max: 255 }),
    maxSolutions: u32,
  }),
  fc.record({ kind: fc.constant('searchStop' as const), seq: u32 }),
  fc.record({ kind: fc.constant('searchStatus' as const), seq: u32 }),
  fc.record({ kind: fc.constant('setBaud' as const), seq: u32, divider: u32 }),
);

const deviceMessage: fc.Arbitrary<DeviceMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('hello' as const), seq: u32, protocolVersion: u32, deviceId: bytes, build: u32, maxPayload: u32,
    window: u32, clockHz: u32, baud: u32, maxVars: u32, maxDomain: u32, maxWords: u32, maxConstraints: u32,
    maxViolations: u32, engines: u32, search: fc.oneof(fc.constant<number[]>([]), fc.array(u32, { minLength: 5, maxLength: 5 })),
    minDivider: u32, divider: u32,
  }),
  fc.record({ kind: fc.constant('echo' as const), seq: u32, data: bytes }),
  fc.record({
    kind: fc.constant('counters' as const), seq: u32, framesRx: u32, framesTx: u32, crcErrors: u32, frameErrors: u32,
    decodeErrors: u32, cyclesLo: u32, cyclesHi: u32, candidates: u32, busyCycles: u32,
  }),
  fc.record({ kind: fc.constant('ack' as const), seq: u32 }),
  fc.record({
    kind: fc.constant('verdict' as const), seq: u32, programId: u32, ok: fc.boolean(), violatedCount: u32,
    violated: fc.array(u32, { maxLength: 8 }), digest: u32, cycles: u32,
  }),
  fc.record({ kind: fc.constant('error' as const), seq: u32, code: fc.nat({ max: 18 }), arg: u32 }),
  fc.record({
    kind: fc.constant('solution' as const), seq: u32, programId: u32, index: u32, digest: u32, flips: u32, cycles: u32,
    restarts: u32, offset: u32, total: u32, values: bytes,
  }),
  fc.record({
    kind: fc.constant('searchStatus' as const), seq: u32, state: fc.nat({ max: 3 }), flipsLo: u32, flipsHi: u32, restarts: u32,
    solutions: u32, rejects: u32, unsat: u32, bestUnsat: u32, cyclesLo: u32, cyclesHi: u32, searchSeq: u32,
  }),
);

const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('link codec', () => {
  it('round-trips every host message', () => {
    fc.assert(fc.property(hostMessage, (m) => { expect(sorted(decodeHost(encodeHost(m)))).toEqual(sorted(m)); }), { numRuns: 1000 });
  });

  it('round-trips every device message', () => {
    fc.assert(fc.property(deviceMessage, (m) => { expect(sorted(decodeDevice(encodeDevice(m)))).toEqual(sorted(m)); }), { numRuns: 1000 });
  });

  it('fills absent fields with zero values and returns plain Uint8Arrays', () => {
    const m = decodeHost(Uint8Array.of(0x12, 0x00));
    expect(m).toEqual({ kind: 'echo', seq: 0, data: new Uint8Array() });
    expect(Object.getPrototypeOf((m as { data: Uint8Array }).data)).toBe(Uint8Array.prototype);
  });

  it('puts the body in the field of its kind, with one-byte keys', () => {
    expect(Buffer.from(encodeHost({ kind: 'echo', seq: 1, data: Uint8Array.of(0xaa) })).toString('hex')).toBe('1205080112' + '01aa');
    expect(Buffer.from(encodeHost({ kind: 'candidate', seq: 2, programId: 3, values: Uint8Array.of(5) })).toString('hex'))
      .toBe('4207080210031a0105');
    // The search bodies are HostMessage fields 9..15: still one-byte keys.
    expect(Buffer.from(encodeHost({ kind: 'searchStatus', seq: 1 })).toString('hex')).toBe('7a020801');
  });

  it('reports malformed payloads and messages without a known body as DecodeError', () => {
    expect(() => decodeDevice(Uint8Array.of(0x12, 0x05, 0x08))).toThrow(DecodeError);
    const unknown = (() => { try { decodeDevice(Uint8Array.of(0x4a, 0x00)); } catch (e) { return e; } })();
    expect(unknown).toBeInstanceOf(DecodeError);
    expect((unknown as DecodeError).reason).toBe('unknown-message');
    expect(() => decodeHost(new Uint8Array())).toThrow(/without a known body/);
  });

  it('refuses to encode an unknown kind', () => {
    expect(() => encodeHost({ kind: 'verdict' } as unknown as HostMessage)).toThrow(/unknown HostMessage kind/);
  });

  it('mirrors the enums of proto/link.proto exactly', () => {
    const check = (protoName: string, prefix: string, mirror: Record<string, number>) => {
      const values = root.lookupEnum(`hilsolve.link.${protoName}`).values;
      expect(Object.fromEntries(Object.entries(mirror).map(([k, v]) => [`${prefix}${k}`, v]))).toEqual(values);
    };
    check('ErrorCode', 'ERROR_', ErrorCode);
    check('ChunkKind', 'CHUNK_', ChunkKind);
    check('Limit', 'LIMIT_', Limit);
    check('SearchSection', 'SECTION_', SearchSection);
    expect(errorCodeName(11)).toBe('ERROR_NO_PROGRAM');
    expect(errorCodeName(99)).toBe('ERROR_99');
    expect(errorCodeName(18)).toBe('ERROR_SEARCH_CAPACITY');
  });
});
