import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/model/errors.ts';
import { bitWidth, indicesToValues, packedLength, packIndices, unpackIndices, valuesToIndices } from '../src/model/pack.ts';
import type { Model } from '../src/model/types.ts';

const widthsAndIndices = fc
  .array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 })
  .chain((widths) => fc.tuple(fc.constant(widths), fc.tuple(...widths.map((w) => fc.integer({ min: 0, max: (1 << w) - 1 })))));

describe('bitWidth', () => {
  it('is ceil(log2 size), 0 for size 1', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17, 255, 256].map(bitWidth)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 8, 8]);
  });
  it('refuses sizes that are not positive integers', () => {
    expect(() => bitWidth(0)).toThrow(/not a positive integer/);
    expect(() => bitWidth(2.5)).toThrow(/not a positive integer/);
  });
});

describe('packIndices / unpackIndices', () => {
  it('matches the hand-worked bit layout', () => {
    // stream bits: v0=1 -> b0; v1=5 (101) -> b1..b3; v2 has no bits; v3=0xA7 -> b4..b11; v4=2 (10) -> b12..b13
    // byte 0 = b7..b0 = 0111 1011 = 0x7B; byte 1 = 00 10 1010 = 0x2A
    const widths = [1, 3, 0, 8, 2];
    const packed = packIndices(widths, [1, 5, 0, 0xa7, 2]);
    expect([...packed]).toEqual([0x7b, 0x2a]);
    expect(unpackIndices(widths, packed)).toEqual([1, 5, 0, 0xa7, 2]);
  });

  it('a SAT candidate costs one bit per variable', () => {
    expect([...packIndices(Array(10).fill(1), [1, 0, 0, 0, 0, 0, 0, 1, 1, 1])]).toEqual([0x81, 0x03]);
  });

  it('round-trips, with the length ceil(sum/8) and zero pad bits', () => {
    fc.assert(
      fc.property(widthsAndIndices, ([widths, indices]) => {
        const packed = packIndices(widths, indices);
        const bits = widths.reduce((a, b) => a + b, 0);
        expect(packed.length).toBe(Math.ceil(bits / 8));
        expect(packed.length).toBe(packedLength(widths));
        if (bits % 8 !== 0) expect(packed[packed.length - 1]! >> (bits % 8)).toBe(0);
        expect(unpackIndices(widths, packed)).toEqual(indices);
      }),
    );
  });

  it('ignores pad bits when unpacking', () => {
    fc.assert(
      fc.property(widthsAndIndices, ([widths, indices]) => {
        const packed = packIndices(widths, indices);
        const bits = widths.reduce((a, b) => a + b, 0);
        if (bits % 8 === 0) return;
        packed[packed.length - 1]! |= 0xff << (bits % 8);
        expect(unpackIndices(widths, packed)).toEqual(indices);
      }),
    );
  });

  it('refuses indices that do not fit and byte strings of the wrong length', () => {
    expect(() => packIndices([2, 1], [4, 0])).toThrow(/index 4 of variable 0 does not fit in 2 bits/);
    expect(() => packIndices([0], [1])).toThrow(/does not fit in 0 bits/);
    expect(() => packIndices([2, 1], [1])).toThrow(/1 indices for 2 variables/);
    expect(() => unpackIndices([8, 1], new Uint8Array(1))).toThrow(/1 bytes, the widths need 2/);
  });
});

describe('valuesToIndices / indicesToValues', () => {
  const model: Model = {
    format: 'json',
    meta: {},
    variables: [
      { name: 'a', min: -3, size: 5, allowed: [true, false, true, true, true], kind: 'int' },
      { name: 'b', min: 10, size: 1, allowed: [true], kind: 'int' },
    ],
    constraints: [],
  };

  it('maps value = min + index both ways, keeping holes and representable values past the end', () => {
    expect(valuesToIndices(model, [-3, 10])).toEqual([0, 0]);
    expect(valuesToIndices(model, [-2, 10])).toEqual([1, 0]); // a hole: the domain check reports it
    expect(valuesToIndices(model, [4, 10])).toEqual([7, 0]); // past the end, still 3 bits
    expect(indicesToValues(model, [7, 0])).toEqual([4, 10]);
  });

  it('refuses values that cannot be represented, naming the variable', () => {
    expect(() => valuesToIndices(model, [5, 10])).toThrow(InputError);
    expect(() => valuesToIndices(model, [5, 10])).toThrow(/variable a: value 5 is outside its domain -3..1/);
    expect(() => valuesToIndices(model, [0, 11])).toThrow(/variable b: value 11/);
    expect(() => valuesToIndices(model, [0.5, 10])).toThrow(/variable a/);
    expect(() => valuesToIndices(model, [0])).toThrow(/1 values, the problem has 2 variables/);
  });
});
