// Arc consistency on binary constraints: comparisons `i_x op i_y + k` (index space) and binary
// tables given as support masks (network.ts).
// - `=`: each domain keeps the other's indices shifted by k (word-wise shifts of the masks).
// - `!=`: a fixed side removes its one value from the other (woken on fix only).
// - `<`, `<=`, `>`, `>=`: bounds, which for an order is arc consistency (woken on bounds only).
// - tables: an index stays while its support mask meets the other domain, both ways, repeated
//   until neither side changes.

import type { Engine, Prop } from './engine.ts';
import type { CompareSpec, Table2Spec } from './network.ts';
import { EV_BND, EV_DOM, EV_FIX } from './store.ts';

export class CompareProp implements Prop {
  readonly cons: number;
  readonly priority = 0;
  private readonly scratch: Int32Array;

  constructor(private readonly e: Engine, private readonly s: CompareSpec) {
    this.cons = s.cons;
    this.scratch = new Int32Array(Math.max(e.nw[s.x]!, e.nw[s.y]!));
  }

  subscriptions(): [number, number][] {
    const mask = this.s.op === '=' ? EV_DOM : this.s.op === '!=' ? EV_FIX : EV_BND;
    return [[this.s.x, mask], [this.s.y, mask]];
  }

  run(): boolean {
    const { e } = this;
    const { x, y, k } = this.s;
    switch (this.s.op) {
      case '=':
        return this.keepShifted(x, y, k) && this.keepShifted(y, x, -k);
      case '!=':
        if (e.count[x] === 1 && !e.prune(y, e.lo[x]! - k)) return false;
        if (e.count[y] === 1 && !e.prune(x, e.lo[y]! + k)) return false;
        return true;
      case '<':
        return e.atMost(x, e.hi[y]! + k - 1) && e.atLeast(y, e.lo[x]! - k + 1);
      case '<=':
        return e.atMost(x, e.hi[y]! + k) && e.atLeast(y, e.lo[x]! - k);
      case '>':
        return e.atLeast(x, e.lo[y]! + k + 1) && e.atMost(y, e.hi[x]! - k - 1);
      case '>=':
        return e.atLeast(x, e.lo[y]! + k) && e.atMost(y, e.hi[x]! - k);
    }
  }

  /** Keep index i of dst only when src has index i - k. */
  private keepShifted(dst: number, src: number, k: number): boolean {
    const nw = this.e.nw[dst]!;
    for (let w = 0; w < nw; w++) this.scratch[w] = window32(this.e, src, 32 * w - k);
    return this.e.keep(dst, this.scratch);
  }
}

/** The 32 bits of v's mask from bit index `start` on (bits outside the span read 0). */
function window32(e: Engine, v: number, start: number): number {
  const span = e.span[v]!;
  if (start >= span || start <= -32) return 0;
  const q = start >> 5;
  const r = start & 31;
  const o = e.off[v]!;
  const nw = e.nw[v]!;
  const low = q >= 0 && q < nw ? e.bits[o + q]! : 0;
  if (r === 0) return low;
  const high = q + 1 >= 0 && q + 1 < nw ? e.bits[o + q + 1]! : 0;
  return (low >>> r) | (high << (32 - r));
}

export class Table2Prop implements Prop {
  readonly cons: number;
  readonly priority = 0;
  private readonly removeX: Int32Array;
  private readonly removeY: Int32Array;

  constructor(private readonly e: Engine, private readonly s: Table2Spec) {
    this.cons = s.cons;
    this.removeX = new Int32Array(e.nw[s.x]!);
    this.removeY = new Int32Array(e.nw[s.y]!);
  }

  subscriptions(): [number, number][] {
    return [[this.s.x, EV_DOM], [this.s.y, EV_DOM]];
  }

  run(): boolean {
    const { x, y, supX, supY } = this.s;
    for (;;) {
      const before = this.e.changes;
      if (!this.revise(x, y, supX, this.removeX)) return false;
      if (!this.revise(y, x, supY, this.removeY)) return false;
      if (this.e.changes === before) return true;
    }
  }

  /** Remove the indices of a without support in the domain of b. */
  private revise(a: number, b: number, sup: readonly (Uint32Array | null)[], out: Int32Array): boolean {
    const e = this.e;
    const oa = e.off[a]!;
    const ob = e.off[b]!;
    const nb = e.nw[b]!;
    let any = false;
    for (let w = 0; w < e.nw[a]!; w++) {
      let rm = 0;
      for (let bits = e.bits[oa + w]!; bits !== 0; bits &= bits - 1) {
        const i = 32 * w + 31 - Math.clz32(bits & -bits);
        const s = sup[i];
        let supported = false;
        if (s) for (let k = 0; k < nb; k++) if ((s[k]! & e.bits[ob + k]!) !== 0) { supported = true; break; }
        if (!supported) rm |= 1 << (i & 31);
      }
      out[w] = rm;
      if (rm !== 0) any = true;
    }
    return !any || e.drop(a, out);
  }
}
