// Clauses under two watched literals, for domains of any size: a literal is `x in S` (an index
// set of x's span); it is false when the domain of x misses S, true when the domain lies inside
// S. Each clause watches two of its literals, kept at its positions 0 and 1; when a domain
// changes, only the clauses watching that variable are visited, and backtracking costs nothing
// (the invariant of MiniSat: a watched literal may be false only while the other is true).
// Literals are numbered once (the same variable and set share one number), so pure CNF costs
// two literals per variable. Every literal of a clause is on a different variable.
//
// The engine owns the domains; this file only reads them and narrows through the engine.

import type { Engine } from './engine.ts';
import { IntStack } from './store.ts';

export class ClauseDb {
  private readonly litVar = new IntStack();
  private readonly litSetOff = new IntStack();
  private readonly sets = new IntStack();
  private readonly litIds = new Map<number | string, number>();
  private readonly lits = new IntStack();
  private readonly start: number[] = [];
  private readonly len: number[] = [];
  private readonly cons: number[] = [];
  /** Per variable: the clauses watching one of its literals. */
  readonly watches: number[][];

  constructor(private readonly e: Engine) {
    this.watches = Array.from({ length: e.numVars }, () => []);
  }

  get size(): number {
    return this.start.length;
  }

  /** The number of the literal `v in set` (set: a mask of v's span). */
  literal(v: number, set: ArrayLike<number>): number {
    const nw = this.e.nw[v]!;
    let key: number | string;
    if (nw === 1) key = v * 4_294_967_296 + (set[0]! >>> 0);
    else {
      key = `${v}`;
      for (let k = 0; k < nw; k++) key += `,${set[k]! | 0}`;
    }
    let id = this.litIds.get(key);
    if (id !== undefined) return id;
    id = this.litVar.length;
    this.litIds.set(key, id);
    this.litVar.push(v);
    this.litSetOff.push(this.sets.length);
    for (let k = 0; k < nw; k++) this.sets.push(set[k]! | 0);
    return id;
  }

  /** The literal `v != i`. */
  notEqual(v: number, i: number): number {
    const nw = this.e.nw[v]!;
    const set = new Int32Array(nw);
    for (let k = 0; k < nw; k++) set[k] = -1;
    const span = this.e.span[v]!;
    if (span & 31) set[nw - 1] = (1 << (span & 31)) - 1;
    set[i >>> 5]! &= ~(1 << (i & 31));
    return this.literal(v, set);
  }

  /**
   * Adds a clause of at least two literals on distinct variables, watching its first two. The
   * engine then visits every variable once (initial propagation), which repairs the watches.
   */
  addInitial(cons: number, literals: readonly number[]): void {
    const c = this.store(cons, literals);
    this.watches[this.litVar.data[literals[0]!]!]!.push(c);
    this.watches[this.litVar.data[literals[1]!]!]!.push(c);
  }

  /**
   * Adds a clause at the root, after the root is propagated: literals false at the root drop
   * out, a literal true at the root makes it redundant. false when no literal can hold; a single
   * literal narrows its variable (the caller propagates).
   */
  addAtRoot(cons: number, literals: readonly number[]): boolean {
    if (this.e.level !== 0) throw new RangeError('ClauseDb.addAtRoot: not at the root');
    const live: number[] = [];
    for (const l of literals) {
      if (this.isTrue(l)) return true;
      if (!this.isFalse(l)) live.push(l);
    }
    if (live.length === 0) return false;
    if (live.length === 1) return this.e.keepLiteral(this.litVar.data[live[0]!]!, this.sets.data, this.litSetOff.data[live[0]!]!, cons);
    this.addInitial(cons, live);
    return true;
  }

  private store(cons: number, literals: readonly number[]): number {
    const c = this.start.length;
    this.start.push(this.lits.length);
    this.len.push(literals.length);
    this.cons.push(cons);
    for (const l of literals) this.lits.push(l);
    return c;
  }

  isFalse(l: number): boolean {
    const e = this.e;
    const v = this.litVar.data[l]!;
    const o = e.off[v]!;
    const so = this.litSetOff.data[l]!;
    const s = this.sets.data;
    for (let k = 0, nw = e.nw[v]!; k < nw; k++) if ((e.bits[o + k]! & s[so + k]!) !== 0) return false;
    return true;
  }

  isTrue(l: number): boolean {
    const e = this.e;
    const v = this.litVar.data[l]!;
    const o = e.off[v]!;
    const so = this.litSetOff.data[l]!;
    const s = this.sets.data;
    for (let k = 0, nw = e.nw[v]!; k < nw; k++) if ((e.bits[o + k]! & ~s[so + k]!) !== 0) return false;
    return true;
  }

  /** Visit the clauses watching v after its domain changed; false on a conflict (engine.failure set). */
  propagateVar(v: number): boolean {
    const ws = this.watches[v]!;
    const n = ws.length;
    const L = this.lits.data;
    const LV = this.litVar.data;
    let i = 0;
    let j = 0;
    while (i < n) {
      const c = ws[i++]!;
      const b = this.start[c]!;
      let l0 = L[b]!;
      let l1 = L[b + 1]!;
      if (LV[l0] === v) {
        L[b] = l1;
        L[b + 1] = l0;
        const t = l0; l0 = l1; l1 = t;
      }
      if (!this.isFalse(l1) || this.isTrue(l0)) { ws[j++] = c; continue; }
      let moved = false;
      for (let p = b + 2, end = b + this.len[c]!; p < end; p++) {
        const l = L[p]!;
        if (this.isFalse(l)) continue;
        L[b + 1] = l;
        L[p] = l1;
        this.watches[LV[l]!]!.push(c);
        moved = true;
        break;
      }
      if (moved) continue;
      ws[j++] = c;
      if (this.isFalse(l0)) {
        while (i < n) ws[j++] = ws[i++]!;
        ws.length = j;
        this.e.failure = this.cons[c]!;
        return false;
      }
      // Unit: l0 must hold.
      if (!this.e.keepLiteral(LV[l0]!, this.sets.data, this.litSetOff.data[l0]!, this.cons[c]!)) {
        while (i < n) ws[j++] = ws[i++]!;
        ws.length = j;
        return false;
      }
    }
    ws.length = j;
    return true;
  }
}
