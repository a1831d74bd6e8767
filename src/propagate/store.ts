// The trailed domain store under propagation and search: every variable's bitmask in one flat
// Int32Array (layout of domains.ts: bit i & 31 of word i >> 5 of the variable's slice), with its
// count and lowest/highest index cached, plus reversible integers for propagator state.
//
// Levels: push() opens a level, pop() restores every domain and reversible integer to what it
// was when that level was opened. A variable is saved at most once per level (a stamp per
// variable), so a search node costs what it changed, not the size of the problem. Level 0 is
// the root and is never popped.
//
// Mutators return event bits: 0 when nothing changed, else EV_DOM plus EV_BND when the lowest or
// highest index moved, EV_FIX when one index is left, EV_EMPTY when none is (a failure; the
// domain stays empty until the level is popped).

export const EV_DOM = 1;
export const EV_BND = 2;
export const EV_FIX = 4;
export const EV_EMPTY = 8;

/** A growable stack of 32-bit integers. */
export class IntStack {
  data = new Int32Array(256);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
}

export class DomainStore {
  readonly numVars: number;
  /** First word of variable v in `bits`. */
  readonly off: Int32Array;
  /** Words of variable v. */
  readonly nw: Int32Array;
  /** The variable's span (indices 0..size-1), fixed. */
  readonly span: Int32Array;
  readonly bits: Int32Array;
  readonly count: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;

  /** Current depth; 0 is the root. */
  level = 0;
  private readonly stamp: Int32Array;
  private readonly trail = new IntStack();
  private readonly revTrail = new IntStack();
  private rev = new Int32Array(64);
  private revCount = 0;
  private readonly marks: number[] = [];
  private readonly levelIds: number[] = [0];
  private levelId = 0;
  private nextLevelId = 1;

  constructor(spans: readonly number[]) {
    const n = spans.length;
    this.numVars = n;
    this.off = new Int32Array(n);
    this.nw = new Int32Array(n);
    this.span = Int32Array.from(spans);
    let words = 0;
    for (let v = 0; v < n; v++) {
      this.off[v] = words;
      this.nw[v] = (spans[v]! + 31) >>> 5;
      words += this.nw[v]!;
    }
    this.bits = new Int32Array(words);
    this.count = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.hi = new Int32Array(n).fill(-1);
    this.stamp = new Int32Array(n).fill(-1);
  }

  /** Sets a variable's mask outright (initialisation, before any level is pushed). */
  load(v: number, mask: ArrayLike<number>): void {
    const o = this.off[v]!;
    for (let k = 0; k < this.nw[v]!; k++) this.bits[o + k] = mask[k]! | 0;
    this.recount(v);
  }

  has(v: number, i: number): boolean {
    return ((this.bits[this.off[v]! + (i >>> 5)]! >>> (i & 31)) & 1) === 1;
  }

  /** The variable's mask as a fresh Uint32Array. */
  mask(v: number): Uint32Array {
    const o = this.off[v]!;
    return new Uint32Array(this.bits.subarray(o, o + this.nw[v]!));
  }

  // ---- mutators -------------------------------------------------------------------------

  /** Keep only the indices also set in src[srcOff ..]. */
  intersect(v: number, src: Int32Array | Uint32Array, srcOff: number): number {
    const o = this.off[v]!;
    const nw = this.nw[v]!;
    let k = 0;
    while (k < nw && (this.bits[o + k]! & ~src[srcOff + k]!) === 0) k++;
    if (k === nw) return 0;
    const [lo, hi] = this.save(v);
    for (; k < nw; k++) this.bits[o + k]! &= src[srcOff + k]!;
    return this.finish(v, lo, hi);
  }

  /** Remove the indices set in src[srcOff ..]. */
  subtract(v: number, src: Int32Array | Uint32Array, srcOff: number): number {
    const o = this.off[v]!;
    const nw = this.nw[v]!;
    let k = 0;
    while (k < nw && (this.bits[o + k]! & src[srcOff + k]!) === 0) k++;
    if (k === nw) return 0;
    const [lo, hi] = this.save(v);
    for (; k < nw; k++) this.bits[o + k]! &= ~src[srcOff + k]!;
    return this.finish(v, lo, hi);
  }

  remove(v: number, i: number): number {
    if (i < 0 || i >= this.span[v]! || !this.has(v, i)) return 0;
    const [lo, hi] = this.save(v);
    this.bits[this.off[v]! + (i >>> 5)]! &= ~(1 << (i & 31));
    return this.finish(v, lo, hi);
  }

  /** Keep only index i (empty when i is not in the domain). */
  assign(v: number, i: number): number {
    const inside = i >= 0 && i < this.span[v]! && this.has(v, i);
    if (inside && this.count[v] === 1) return 0;
    const [lo, hi] = this.save(v);
    const o = this.off[v]!;
    for (let k = 0; k < this.nw[v]!; k++) this.bits[o + k] = 0;
    if (inside) this.bits[o + (i >>> 5)] = 1 << (i & 31);
    return this.finish(v, lo, hi);
  }

  /** Remove every index below i. */
  removeBelow(v: number, i: number): number {
    if (this.lo[v]! >= i) return 0;
    const [lo, hi] = this.save(v);
    const o = this.off[v]!;
    const nw = this.nw[v]!;
    for (let k = 0; k < nw; k++) {
      const base = 32 * k;
      if (base + 32 <= i) this.bits[o + k] = 0;
      else if (base < i) this.bits[o + k]! &= ~0 << (i - base);
      else break;
    }
    return this.finish(v, lo, hi);
  }

  /** Remove every index above i. */
  removeAbove(v: number, i: number): number {
    if (this.hi[v]! <= i) return 0;
    const [lo, hi] = this.save(v);
    const o = this.off[v]!;
    for (let k = this.nw[v]! - 1; k >= 0; k--) {
      const base = 32 * k;
      if (base > i) this.bits[o + k] = 0;
      else if (base + 31 > i) this.bits[o + k]! &= ~(~0 << (i - base + 1));
      else break;
    }
    return this.finish(v, lo, hi);
  }

  // ---- reversible integers ----------------------------------------------------------------

  /** Allocates n reversible integers (initially 0); returns the first slot. */
  allocRev(n: number): number {
    const first = this.revCount;
    this.revCount += n;
    if (this.revCount > this.rev.length) {
      const grown = new Int32Array(Math.max(this.revCount, 2 * this.rev.length));
      grown.set(this.rev);
      this.rev = grown;
    }
    return first;
  }

  getRev(slot: number): number {
    return this.rev[slot]!;
  }

  setRev(slot: number, value: number): void {
    if (this.rev[slot] === value) return;
    if (this.level > 0) {
      this.revTrail.push(this.rev[slot]!);
      this.revTrail.push(slot);
    }
    this.rev[slot] = value;
  }

  // ---- levels ---------------------------------------------------------------------------

  push(): void {
    this.marks.push(this.trail.length, this.revTrail.length);
    this.level++;
    this.levelId = this.nextLevelId++;
    this.levelIds.push(this.levelId);
  }

  pop(): void {
    if (this.level === 0) throw new RangeError('DomainStore.pop: at the root');
    const revMark = this.marks.pop()!;
    const mark = this.marks.pop()!;
    const t = this.trail.data;
    let top = this.trail.length;
    while (top > mark) {
      const v = t[--top]!;
      this.hi[v] = t[--top]!;
      this.lo[v] = t[--top]!;
      this.count[v] = t[--top]!;
      const o = this.off[v]!;
      for (let k = this.nw[v]! - 1; k >= 0; k--) this.bits[o + k] = t[--top]!;
    }
    this.trail.length = mark;
    const r = this.revTrail.data;
    for (let i = this.revTrail.length; i > revMark; i -= 2) this.rev[r[i - 1]!] = r[i - 2]!;
    this.revTrail.length = revMark;
    this.levelIds.pop();
    this.level--;
    this.levelId = this.levelIds[this.level]!;
  }

  /**
   * The masks as they were when level `level` (1..this.level) was opened, that is after the
   * propagation of the levels below it, without popping anything.
   */
  masksAtLevel(level: number): Uint32Array[] {
    if (!Number.isInteger(level) || level < 1 || level > this.level) throw new RangeError(`masksAtLevel: no level ${level}`);
    const bits = this.bits.slice();
    const mark = this.marks[2 * (level - 1)]!;
    const t = this.trail.data;
    let top = this.trail.length;
    while (top > mark) {
      const v = t[--top]!;
      top -= 3;
      const o = this.off[v]!;
      for (let k = this.nw[v]! - 1; k >= 0; k--) bits[o + k] = t[--top]!;
    }
    return Array.from({ length: this.numVars }, (_, v) => new Uint32Array(bits.subarray(this.off[v]!, this.off[v]! + this.nw[v]!)));
  }

  // ---- internals ------------------------------------------------------------------------

  private save(v: number): [number, number] {
    const lo = this.lo[v]!;
    const hi = this.hi[v]!;
    if (this.level > 0 && this.stamp[v] !== this.levelId) {
      this.stamp[v] = this.levelId;
      const o = this.off[v]!;
      for (let k = 0; k < this.nw[v]!; k++) this.trail.push(this.bits[o + k]!);
      this.trail.push(this.count[v]!);
      this.trail.push(lo);
      this.trail.push(hi);
      this.trail.push(v);
    }
    return [lo, hi];
  }

  private finish(v: number, lo: number, hi: number): number {
    this.recount(v);
    const n = this.count[v]!;
    if (n === 0) return EV_DOM | EV_EMPTY;
    let ev = EV_DOM;
    if (this.lo[v] !== lo || this.hi[v] !== hi) ev |= EV_BND;
    if (n === 1) ev |= EV_FIX;
    return ev;
  }

  private recount(v: number): void {
    const o = this.off[v]!;
    const nw = this.nw[v]!;
    let n = 0;
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < nw; k++) {
      let x = this.bits[o + k]!;
      if (x === 0) continue;
      if (lo < 0) lo = 32 * k + 31 - Math.clz32(x & -x);
      hi = 32 * k + 31 - Math.clz32(x);
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    this.count[v] = n;
    this.lo[v] = lo;
    this.hi[v] = hi;
  }
}
