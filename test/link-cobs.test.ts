import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CobsError, cobsDecode, cobsEncode, cobsMaxEncodedLength } from '../src/link/cobs.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const seq = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('COBS', () => {
  // The examples of Cheshire & Baker's paper (as listed on Wikipedia's COBS page).
  it.each([
    ['00', '01 01'],
    ['00 00', '01 01 01'],
    ['00 11 00', '01 02 11 01'],
    ['11 22 00 33', '03 11 22 02 33'],
    ['11 22 33 44', '05 11 22 33 44'],
    ['11 00 00 00', '02 11 01 01 01'],
  ])('encodes %s as %s', (raw, enc) => {
    expect(cobsEncode(hex(raw))).toEqual(hex(enc));
    expect(cobsDecode(hex(enc))).toEqual(hex(raw));
  });

  it('encodes 254 non-zero bytes as one full group with no trailing group', () => {
    const data = seq(1, 254);
    const enc = cobsEncode(data);
    expect(enc.length).toBe(255);
    expect(enc[0]).toBe(0xff);
    expect(cobsDecode(enc)).toEqual(data);
  });

  it('splits 255 non-zero bytes into a full group and a group of one', () => {
    const data = seq(1, 255);
    const enc = cobsEncode(data);
    expect(Array.from(enc.subarray(0, 1))).toEqual([0xff]);
    expect(Array.from(enc.subarray(255))).toEqual([0x02, 0xff]);
    expect(cobsDecode(enc)).toEqual(data);
  });

  it('encodes the empty block as a single 0x01', () => {
    expect(cobsEncode(new Uint8Array())).toEqual(hex('01'));
    expect(cobsDecode(hex('01'))).toEqual(new Uint8Array());
  });

  it('round-trips any bytes, never emits 0x00 and stays within the length bound', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (data) => {
      const enc = cobsEncode(data);
      expect(enc.includes(0)).toBe(false);
      expect(enc.length).toBeLessThanOrEqual(cobsMaxEncodedLength(data.length));
      expect(cobsDecode(enc)).toEqual(data);
    }), { numRuns: 500 });
  });

  it('refuses a zero inside a block and a code that runs past the end', () => {
    expect(() => cobsDecode(hex('03 11 00'))).toThrow(CobsError);
    expect(() => cobsDecode(hex('00'))).toThrow(CobsError);
    expect(() => cobsDecode(hex('05 11 22'))).toThrow(/runs past the end/);
  });
});
