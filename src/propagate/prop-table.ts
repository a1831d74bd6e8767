// Tables of arity 3 or more on distinct variables (network.ts), tuples in index space.
// - Allowed: simple tabular reduction (Ullmann's STR). The live tuples are a sparse set over a
//   permutation of the tuples whose size is a reversible integer: a tuple that leaves the
//   domains is swapped past the end, and popping a level restores the count and with it the
//   set. Every index that no live tuple uses is removed (generalised arc consistency); repeated
//   until no domain changes.
// - Forbidden: forward checking. A tuple whose other positions are all fixed to its values
//   removes its value from the one open position; all positions fixed to it is a failure.

import type { Engine, Prop } from './engine.ts';
import type { TableSpec } from './network.ts';
import { EV_DOM, EV_FIX } from './store.ts';

export class TableProp implements Prop {
  readonly cons: number;
  readonly priority = 1;
  private readonly perm: Int32Array;
  private readonly liveSlot: number;
  private readonly arity: number;
  private readonly support: Int32Array[];

  constructor(private readonly e: Engine, private readonly s: TableSpec) {
    this.cons = s.cons;
    this.arity = s.vars.length;
    const count = s.tuples.length / this.arity;
    this.perm = Int32Array.from({ length: count }, (_, i) => i);
    this.liveSlot = e.allocRev(1);
    e.setRev(this.liveSlot, count);
    this.support = s.vars.map((v) => new Int32Array(e.nw[v]!));
  }

  subscriptions(): [number, number][] {
    return this.s.vars.map((v) => [v, EV_DOM]);
  }

  run(): boolean {
    const { e, arity, perm, support } = this;
    const { vars, tuples } = this.s;
    for (;;) {
      for (const sup of support) sup.fill(0);
      let live = e.getRev(this.liveSlot);
      let i = 0;
      while (i < live) {
        const base = perm[i]! * arity;
        let valid = true;
        for (let p = 0; p < arity; p++) {
          if (!e.has(vars[p]!, tuples[base + p]!)) { valid = false; break; }
        }
        if (valid) {
          for (let p = 0; p < arity; p++) {
            const idx = tuples[base + p]!;
            support[p]![idx >>> 5]! |= 1 << (idx & 31);
          }
          i++;
        } else {
          live--;
          const t = perm[i]!;
          perm[i] = perm[live]!;
          perm[live] = t;
        }
      }
      e.setRev(this.liveSlot, live);
      if (live === 0) return false;
      const before = e.changes;
      for (let p = 0; p < arity; p++) if (!e.keep(vars[p]!, support[p]!)) return false;
      if (e.changes === before) return true;
    }
  }
}

export class NegativeTableProp implements Prop {
  readonly cons: number;
  readonly priority = 0;
  private readonly arity: number;

  constructor(private readonly e: Engine, private readonly s: TableSpec) {
    this.cons = s.cons;
    this.arity = s.vars.length;
  }

  subscriptions(): [number, number][] {
    return this.s.vars.map((v) => [v, EV_FIX]);
  }

  run(): boolean {
    const { e, arity } = this;
    const { vars, tuples } = this.s;
    for (;;) {
      const before = e.changes;
      for (let base = 0; base < tuples.length; base += arity) {
        let open = -1;
        let dead = false;
        for (let p = 0; p < arity && !dead; p++) {
          const v = vars[p]!;
          const idx = tuples[base + p]!;
          if (!e.has(v, idx)) dead = true;
          else if (e.count[v]! > 1) {
            if (open >= 0) dead = true;
            else open = p;
          }
        }
        if (dead) continue;
        if (open < 0) return false;
        if (!e.prune(vars[open]!, tuples[base + open]!)) return false;
      }
      if (e.changes === before) return true;
    }
  }
}
