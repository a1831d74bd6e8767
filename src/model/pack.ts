// Candidate packing: values <-> indices <-> the packed bit stream the device receives.
// Layout (docs/validator-program.md, "Candidate encoding"): variable i's index in w_i bits,
// variables in order, each LSB first; bit k of the stream is bit k mod 8 of byte floor(k / 8).

import { InputError } from './errors.ts';
import type { Assignment, Model } from './types.ts';

/** Bits that carry an index below `size`: ceil(log2 size), 0 for size 1. */
export function bitWidth(size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`domain size ${size} is not a positive integer`);
  return size === 1 ? 0 : 32 - Math.clz32(size - 1);
}

/** Bytes of a packed candidate with these widths: ceil(sum(widths) / 8). */
export function packedLength(widths: readonly number[]): number {
  let bits = 0;
  for (const w of widths) bits += w;
  return (bits + 7) >> 3;
}

/** Pack indices into the bit stream; pad bits are zero. Each index must fit its width. */
export function packIndices(widths: readonly number[], indices: readonly number[]): Uint8Array {
  if (indices.length !== widths.length) {
    throw new RangeError(`packIndices: ${indices.length} indices for ${widths.length} variables`);
  }
  const out = new Uint8Array(packedLength(widths));
  let bit = 0;
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= 1 << w) {
      throw new RangeError(`packIndices: index ${v} of variable ${i} does not fit in ${w} bits`);
    }
    for (let b = 0; b < w; b++, bit++) {
      if ((v >> b) & 1) out[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return out;
}

/** Unpack the bit stream into one index per variable; pad bits are ignored. */
export function unpackIndices(widths: readonly number[], bytes: Uint8Array): number[] {
  const need = packedLength(widths);
  if (bytes.length !== need) {
    throw new RangeError(`unpackIndices: ${bytes.length} bytes, the widths need ${need}`);
  }
  const out = new Array<number>(widths.length);
  let bit = 0;
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    let v = 0;
    for (let b = 0; b < w; b++, bit++) v |= ((bytes[bit >> 3]! >> (bit & 7)) & 1) << b;
    out[i] = v;
  }
  return out;
}

/**
 * Values to indices (index = value - min). A value in a hole or past the domain's end is kept
 * as long as its index is representable in the variable's width: the domain checks of the
 * program report it. A value that cannot be represented at all is an InputError naming it.
 */
export function valuesToIndices(model: Model, values: Assignment): number[] {
  const vars = model.variables;
  if (values.length !== vars.length) {
    throw new InputError(`assignment has ${values.length} values, the problem has ${vars.length} variables`);
  }
  return vars.map((v, i) => {
    const value = values[i]!;
    const index = value - v.min;
    if (!Number.isInteger(value) || index < 0 || index >= 2 ** bitWidth(v.size)) {
      throw new InputError(`variable ${v.name}: value ${value} is outside its domain ${v.min}..${v.min + v.size - 1}`);
    }
    return index;
  });
}

/** Indices to values (value = min + index). */
export function indicesToValues(model: Model, indices: readonly number[]): Assignment {
  const vars = model.variables;
  if (indices.length !== vars.length) {
    throw new RangeError(`indicesToValues: ${indices.length} indices for ${vars.length} variables`);
  }
  return vars.map((v, i) => v.min + indices[i]!);
}
