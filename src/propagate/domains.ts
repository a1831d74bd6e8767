// Domain bitmasks, the currency of src/propagate/: one Uint32Array per variable, bit (i & 31) of
// word (i >> 5) set when index i (value min + i) is still possible. A mask has exactly
// ceil(size / 32) words and no bit at or past `size`. Pure helpers, no I/O.

import type { Model } from '../model/types.ts';

/** One variable's possible indices. */
export type DomainMask = Uint32Array;

/** One mask per variable of a model, in variable order. */
export type Domains = DomainMask[];

/** Words of a mask for a domain of `size` indices. */
export function wordsFor(size: number): number {
  return (size + 31) >>> 5;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Index of the lowest set bit of a nonzero 32-bit word. */
export function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The model's own domains: every allowed index of every variable. */
export function modelDomains(model: Model): Domains {
  return model.variables.map((v) => {
    const mask = new Uint32Array(wordsFor(v.size));
    v.allowed.forEach((a, i) => { if (a) mask[i >>> 5]! |= 1 << (i & 31); });
    return mask;
  });
}

export function maskHas(mask: DomainMask, i: number): boolean {
  return i >= 0 && (i >>> 5) < mask.length && ((mask[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

export function maskCount(mask: DomainMask): number {
  let n = 0;
  for (const w of mask) n += popcount32(w);
  return n;
}

/** The indices in a mask, ascending. */
export function maskIndices(mask: DomainMask): number[] {
  const out: number[] = [];
  for (let w = 0; w < mask.length; w++) {
    for (let bits = mask[w]!; bits !== 0; bits &= bits - 1) out.push(32 * w + lowBit(bits));
  }
  return out;
}

/** A mask holding exactly the given indices (those outside 0..size-1 are ignored). */
export function maskOf(size: number, indices: Iterable<number>): DomainMask {
  const mask = new Uint32Array(wordsFor(size));
  for (const i of indices) if (Number.isInteger(i) && i >= 0 && i < size) mask[i >>> 5]! |= 1 << (i & 31);
  return mask;
}

/** Copies of the masks (the caller may then change them freely). */
export function copyDomains(domains: readonly DomainMask[]): Domains {
  return domains.map((m) => m.slice());
}

/** Whether every mask of `inner` is a subset of the same variable's mask in `outer`. */
export function isSubdomain(inner: readonly DomainMask[], outer: readonly DomainMask[]): boolean {
  return inner.every((m, v) => m.every((w, k) => (w & ~outer[v]![k]!) === 0));
}

/**
 * The model with its variables' `allowed` arrays replaced by the masks (same variables, same
 * constraints, shared by reference): what the sampler, the compiler and the device should see
 * for a narrowed (sub-)problem. Throws RangeError when a mask has the wrong length.
 */
export function narrowedModel(model: Model, domains: readonly DomainMask[]): Model {
  if (domains.length !== model.variables.length) throw new RangeError(`narrowedModel: ${domains.length} masks for ${model.variables.length} variables`);
  const variables = model.variables.map((v, i) => {
    const mask = domains[i]!;
    if (mask.length !== wordsFor(v.size)) throw new RangeError(`narrowedModel: mask of ${v.name} has ${mask.length} words, not ${wordsFor(v.size)}`);
    return { ...v, allowed: v.allowed.map((_, k) => maskHas(mask, k)) };
  });
  return { ...model, variables };
}
