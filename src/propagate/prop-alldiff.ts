// allDifferent by Régin's matching algorithm (generalised arc consistency), which subsumes value
// elimination (a fixed variable's value leaves the others), hidden singles (a value only one
// variable can take, when there are as many values as variables) and Hall sets (k variables
// sharing k values keep the others off them).
//
// Nodes are the constraint's variables (with offsets: node k takes global value
// valueId[k][index]). A maximum matching of nodes to values is kept between calls (not trailed:
// after a pop it is still a matching, and after narrowing only its lost edges are repaired by
// augmenting paths). Fewer matched nodes than nodes: failure. Otherwise, in the graph with
// unmatched edges node -> value and matched edges value -> node, an unmatched edge (k, v)
// belongs to some maximum matching iff k and v share a strongly connected component or v
// reaches a free value; every other edge is removed. SCCs by an iterative Tarjan (no recursion
// depth limit), in O(nodes + values + edges) per call.
//
// A variable twice (different offsets) is two nodes: a relaxation, still sound, and exact once
// everything is fixed; the propagator then repeats until no domain changes.

import type { Engine, Prop } from './engine.ts';
import type { AllDiffSpec } from './network.ts';
import { EV_DOM } from './store.ts';

export class AllDifferentProp implements Prop {
  readonly cons: number;
  readonly priority = 1;
  private readonly n: number;
  private readonly repeats: boolean;
  /** Node -> matched index of its variable (-1: none); value -> matched node. */
  private readonly matchIdx: Int32Array;
  private readonly matchVal: Int32Array;
  private readonly valNode: Int32Array;
  // scratch
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly prevNode: Int32Array;
  private readonly prevIdx: Int32Array;
  private readonly queue: Int32Array;
  private readonly order: Int32Array;
  private readonly low: Int32Array;
  private readonly scc: Int32Array;
  private readonly iter: Int32Array;
  private readonly onStack: Uint8Array;
  private readonly stack: Int32Array;
  private readonly call: Int32Array;
  private readonly popped: Int32Array;
  private readonly reach: Uint8Array;
  private readonly removal: Int32Array;

  constructor(private readonly e: Engine, private readonly s: AllDiffSpec) {
    this.cons = s.cons;
    const n = s.vars.length;
    const m = s.numValues;
    this.n = n;
    this.repeats = new Set(s.vars).size !== n;
    this.matchIdx = new Int32Array(n).fill(-1);
    this.matchVal = new Int32Array(n).fill(-1);
    this.valNode = new Int32Array(m).fill(-1);
    this.seen = new Int32Array(m);
    this.prevNode = new Int32Array(m);
    this.prevIdx = new Int32Array(m);
    this.queue = new Int32Array(n);
    const total = n + m;
    this.order = new Int32Array(total);
    this.low = new Int32Array(total);
    this.scc = new Int32Array(total);
    this.iter = new Int32Array(total);
    this.onStack = new Uint8Array(total);
    this.stack = new Int32Array(total);
    this.call = new Int32Array(total);
    this.popped = new Int32Array(total);
    this.reach = new Uint8Array(total);
    this.removal = new Int32Array(Math.max(1, ...s.vars.map((v) => e.nw[v]!)));
  }

  subscriptions(): [number, number][] {
    return [...new Set(this.s.vars)].map((v) => [v, EV_DOM]);
  }

  run(): boolean {
    for (;;) {
      const before = this.e.changes;
      if (!this.match() || !this.filter()) return false;
      if (!this.repeats || this.e.changes === before) return true;
    }
  }

  /** Repair the matching; false when some node cannot be matched. */
  private match(): boolean {
    const { e, n } = this;
    const vars = this.s.vars;
    for (let k = 0; k < n; k++) {
      const i = this.matchIdx[k]!;
      if (i >= 0 && !e.has(vars[k]!, i)) {
        this.valNode[this.matchVal[k]!] = -1;
        this.matchIdx[k] = -1;
        this.matchVal[k] = -1;
      }
    }
    for (let k = 0; k < n; k++) if (this.matchIdx[k]! < 0 && !this.augment(k)) return false;
    return true;
  }

  /** Breadth-first search for an augmenting path from the free node `root`. */
  private augment(root: number): boolean {
    const { e } = this;
    const vars = this.s.vars;
    const stamp = ++this.stamp;
    let head = 0;
    let tail = 0;
    this.queue[tail++] = root;
    while (head < tail) {
      const k = this.queue[head++]!;
      const v = vars[k]!;
      const o = e.off[v]!;
      const ids = this.s.valueId[k]!;
      for (let w = 0; w < e.nw[v]!; w++) {
        for (let bits = e.bits[o + w]!; bits !== 0; bits &= bits - 1) {
          const i = 32 * w + 31 - Math.clz32(bits & -bits);
          const val = ids[i]!;
          if (this.seen[val] === stamp) continue;
          this.seen[val] = stamp;
          this.prevNode[val] = k;
          this.prevIdx[val] = i;
          const owner = this.valNode[val]!;
          if (owner >= 0) { this.queue[tail++] = owner; continue; }
          // Free value: flip the path back to the root.
          let cur = val;
          for (;;) {
            const node = this.prevNode[cur]!;
            const old = this.matchVal[node]!;
            this.matchVal[node] = cur;
            this.matchIdx[node] = this.prevIdx[cur]!;
            this.valNode[cur] = node;
            if (node === root) return true;
            cur = old;
          }
        }
      }
    }
    return false;
  }

  /** Remove the edges that belong to no maximum matching. */
  private filter(): boolean {
    const { e, n } = this;
    const vars = this.s.vars;
    const total = n + this.s.numValues;
    this.order.fill(-1, 0, total);
    let counter = 0;
    let sp = 0;
    let poppedCount = 0;
    let sccCount = 0;
    const open = (u: number, cp: number): number => {
      this.order[u] = this.low[u] = counter++;
      this.iter[u] = 0;
      this.stack[sp++] = u;
      this.onStack[u] = 1;
      this.call[cp] = u;
      return cp + 1;
    };
    for (let s0 = 0; s0 < n; s0++) {
      if (this.order[s0]! >= 0) continue;
      let cp = open(s0, 0);
      while (cp > 0) {
        const u = this.call[cp - 1]!;
        const w = this.next(u);
        if (w >= 0) {
          if (this.order[w]! < 0) cp = open(w, cp);
          else if (this.onStack[w] && this.order[w]! < this.low[u]!) this.low[u] = this.order[w]!;
          continue;
        }
        if (this.low[u] === this.order[u]) {
          let x: number;
          do {
            x = this.stack[--sp]!;
            this.onStack[x] = 0;
            this.scc[x] = sccCount;
            this.popped[poppedCount++] = x;
          } while (x !== u);
          sccCount++;
        }
        cp--;
        if (cp > 0) {
          const p = this.call[cp - 1]!;
          if (this.low[u]! < this.low[p]!) this.low[p] = this.low[u]!;
        }
      }
    }
    // Components complete in reverse topological order: a component reaches a free value when it
    // holds one or has an edge into a component (finished before it) that does.
    this.reach.fill(0, 0, sccCount);
    for (let q = 0; q < poppedCount; q++) {
      const u = this.popped[q]!;
      const c = this.scc[u]!;
      if (this.reach[c]) continue;
      if (u >= n) {
        const owner = this.valNode[u - n]!;
        if (owner < 0 || (this.scc[owner] !== c && this.reach[this.scc[owner]!])) this.reach[c] = 1;
        continue;
      }
      this.forEachEdge(u, (val) => {
        const t = this.scc[n + val]!;
        if (t !== c && this.reach[t]) this.reach[c] = 1;
      });
    }
    for (let k = 0; k < n; k++) {
      const v = vars[k]!;
      const o = e.off[v]!;
      const ids = this.s.valueId[k]!;
      const c = this.scc[k]!;
      let any = false;
      for (let w = 0; w < e.nw[v]!; w++) {
        let rm = 0;
        for (let bits = e.bits[o + w]!; bits !== 0; bits &= bits - 1) {
          const i = 32 * w + 31 - Math.clz32(bits & -bits);
          if (i === this.matchIdx[k]) continue;
          const t = this.scc[n + ids[i]!]!;
          if (t !== c && !this.reach[t]) rm |= 1 << (i & 31);
        }
        this.removal[w] = rm;
        if (rm !== 0) any = true;
      }
      if (any && !e.drop(v, this.removal)) return false;
    }
    return true;
  }

  /** The next successor of node u in Tarjan's walk, or -1. */
  private next(u: number): number {
    const { n } = this;
    if (u >= n) {
      if (this.iter[u]! > 0) return -1;
      this.iter[u] = 1;
      return this.valNode[u - n]!;
    }
    const v = this.s.vars[u]!;
    const span = this.e.span[v]!;
    const ids = this.s.valueId[u]!;
    for (let i = this.iter[u]!; i < span; i++) {
      if (i === this.matchIdx[u] || !this.e.has(v, i)) continue;
      this.iter[u] = i + 1;
      return n + ids[i]!;
    }
    this.iter[u] = span;
    return -1;
  }

  /** Calls f with the value of every unmatched edge of node u. */
  private forEachEdge(u: number, f: (val: number) => void): void {
    const v = this.s.vars[u]!;
    const ids = this.s.valueId[u]!;
    for (let i = 0; i < this.e.span[v]!; i++) if (i !== this.matchIdx[u] && this.e.has(v, i)) f(ids[i]!);
  }
}
