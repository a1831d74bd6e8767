// Literals over index sets and constant folding of comparisons, for the compiler.
//
// Sets are over the *representable* indices 0..2^w-1 of a variable (not its domain): a packed
// candidate can carry any of them, and the program's verdict must match the model's for each.

import type { Lit, WordSpec } from './compile-emit.ts';
import { compare, cmpCode, Opcode } from './isa.ts';
import type { CompareOp } from './types.ts';

/** Membership of each representable index 0..2^w-1. */
export type IndexSet = Uint8Array;

export function emptySet(width: number): IndexSet {
  return new Uint8Array(1 << width);
}

/** The indices value - min of `values` that are representable in `width` bits. */
export function valueSet(values: readonly number[], min: number, width: number): IndexSet {
  const set = emptySet(width);
  for (const v of values) {
    const i = v - min;
    if (Number.isInteger(i) && i >= 0 && i < set.length) set[i] = 1;
  }
  return set;
}

export function complement(set: IndexSet): IndexSet {
  return set.map((b) => b ^ 1);
}

/** Greedy cover by 32-index windows starting at the lowest uncovered member (optimal for points on a line). */
function windows(x: number, set: IndexSet, neg: boolean): WordSpec[] {
  const out: WordSpec[] = [];
  for (let i = 0; i < set.length; i++) {
    if (!set[i]) continue;
    let mask = 0;
    for (let d = 0; d < 32 && i + d < set.length; d++) if (set[i + d]) mask |= 1 << d;
    out.push({ op: Opcode.IN, x, base: i, mask: mask >>> 0, neg });
    i += 31;
  }
  return out;
}

/**
 * Literals whose OR is `x in set`: IN words over 32-index windows of the set, or one negated
 * IN over the complement when that takes fewer words. Constants when the set is empty or full.
 */
export function setLiterals(x: number, set: IndexSet): Lit[] {
  let members = 0;
  for (const b of set) members += b;
  if (members === 0) return [false];
  if (members === set.length) return [true];
  const positive = windows(x, set, false);
  if (positive.length === 1) return positive;
  const negative = windows(x, complement(set), true);
  return negative.length === 1 ? negative : positive;
}

/** `x = index` as one literal (for DNF terms, where a literal cannot be an OR of words). */
export function equalLiteral(x: number, width: number, index: number): Lit {
  if (index < 0 || index >= 1 << width) return false;
  if (width === 0) return true;
  return { op: Opcode.IN, x, base: index, mask: 1 };
}

/**
 * `a op k` for every integer a in [lo, hi]: the constant result when it does not depend on a,
 * else null.
 */
export function foldComparison(op: CompareOp, lo: number, hi: number, k: number): boolean | null {
  const cop = cmpCode(op);
  if (op === '=' || op === '!=') {
    const equal = lo === hi && lo === k ? true : k < lo || k > hi ? false : null;
    return equal === null ? null : op === '=' ? equal : !equal;
  }
  // The ordering comparisons are monotone in a: constant iff the two ends agree.
  const atLo = compare(cop, lo, k);
  return atLo === compare(cop, hi, k) ? atLo : null;
}
