// Bounds propagation on `sum a_t * i_t op k` in index space (network.ts has moved the constant
// and turned >=, >, < into <=). For <=: the smallest possible sum must not exceed k, and each
// term's index is bounded by k minus the smallest sum of the others; `=` applies this both ways
// until neither moves. `!=` waits for all but one variable to be fixed, then removes the one
// index that would make the sum equal k. All arithmetic is on integers below 2^53 (indices
// below 256, coefficients below 2^15, at most 2^16 terms), so every bound is exact.

import type { Engine, Prop } from './engine.ts';
import type { LinearSpec } from './network.ts';
import { EV_BND, EV_FIX } from './store.ts';

export class LinearProp implements Prop {
  readonly cons: number;
  readonly priority = 0;

  constructor(private readonly e: Engine, private readonly s: LinearSpec) {
    this.cons = s.cons;
  }

  subscriptions(): [number, number][] {
    const mask = this.s.op === '!=' ? EV_FIX : EV_BND;
    return this.s.vars.map((v) => [v, mask]);
  }

  run(): boolean {
    const { op, k } = this.s;
    if (op === '!=') return this.notEqual();
    if (op === '<=') return this.atMost(k, 1);
    for (;;) {
      const before = this.e.changes;
      if (!this.atMost(k, 1) || !this.atMost(-k, -1)) return false;
      if (this.e.changes === before) return true;
    }
  }

  /** Enforce sum (sign * a_t) i_t <= bound. */
  private atMost(bound: number, sign: number): boolean {
    const { e } = this;
    const { vars, coefs } = this.s;
    let minSum = 0;
    for (let t = 0; t < vars.length; t++) {
      const a = sign * coefs[t]!;
      minSum += a > 0 ? a * e.lo[vars[t]!]! : a * e.hi[vars[t]!]!;
    }
    if (minSum > bound) return false;
    for (let t = 0; t < vars.length; t++) {
      const v = vars[t]!;
      const a = sign * coefs[t]!;
      const own = a > 0 ? a * e.lo[v]! : a * e.hi[v]!;
      // a * i <= slack
      const slack = bound - minSum + own;
      if (a > 0) {
        if (a * e.hi[v]! > slack && !e.atMost(v, floorDiv(slack, a))) return false;
      } else if (a * e.lo[v]! > slack && !e.atLeast(v, ceilDiv(slack, a))) {
        return false;
      }
    }
    return true;
  }

  private notEqual(): boolean {
    const { e } = this;
    const { vars, coefs, k } = this.s;
    let open = -1;
    let rest = k;
    for (let t = 0; t < vars.length; t++) {
      const v = vars[t]!;
      if (e.count[v] === 1) rest -= coefs[t]! * e.lo[v]!;
      else if (open >= 0) return true;
      else open = t;
    }
    if (open < 0) return rest !== 0;
    const a = coefs[open]!;
    return rest % a !== 0 || e.prune(vars[open]!, rest / a);
  }
}

/** floor(n / d) for integers, d > 0, exact. */
function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  while (q * d > n) q--;
  while ((q + 1) * d <= n) q++;
  return q;
}

/** ceil(n / d) for integers, d < 0 (i >= n / d when d * i <= n), exact. */
function ceilDiv(n: number, d: number): number {
  let q = Math.ceil(n / d);
  while (q * d > n) q++;
  while ((q - 1) * d <= n) q--;
  return q;
}
