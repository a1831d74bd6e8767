// The propagation engine: a trailed domain store (store.ts) plus the network's constraints, run
// to a common fixpoint. Clauses are visited through their watched literals (clauses.ts); every
// other constraint is a propagator woken by the events it subscribed to (any change, a bound
// moved, a variable fixed). Cheap propagators (comparisons, binary tables, linear bounds,
// forbidden tables) run before expensive ones (allDifferent, tables of arity 3 or more); unit
// propagation runs before both. Each propagator runs to its own fixpoint and is not woken by
// its own changes.
//
// Contract: every propagator is sound (it removes only values that appear in no solution of its
// constraint within the current domains) and monotone, and fails on a full assignment that
// violates its constraint; so the fixpoint reached does not depend on the order of work, and a
// solution is a fixpoint with every variable fixed. A failure at level 0 is final (rootFailed).
//
// Use in a search: push a level (decide), narrow, propagate(); pop() undoes exactly the work of
// the level. Nogoods are added at the root only (addNogood).

import { ClauseDb } from './clauses.ts';
import type { Domains } from './domains.ts';
import type { Network, PropSpec } from './network.ts';
import { AllDifferentProp } from './prop-alldiff.ts';
import { CompareProp, Table2Prop } from './prop-binary.ts';
import { LinearProp } from './prop-linear.ts';
import { NegativeTableProp, TableProp } from './prop-table.ts';
import { DomainStore, EV_EMPTY, EV_FIX } from './store.ts';

/** A propagator: run() narrows to its own fixpoint; false on failure. */
export interface Prop {
  /** The constraint it enforces (model constraint index). */
  readonly cons: number;
  /** 0 runs before 1. */
  readonly priority: 0 | 1;
  /** [variable, event mask] pairs to be woken on. */
  subscriptions(): [number, number][];
  run(): boolean;
}

export class Engine extends DomainStore {
  readonly net: Network;
  readonly clauses: ClauseDb;
  /** Constraint whose propagation failed last (-1: none, or a domain given empty). Nogoods are numbered from the model's constraint count. */
  failure = -1;
  /** The root failed: no solution within the root domains. */
  rootFailed = false;
  /** Changes made to any domain so far (propagators compare it before and after a step). */
  changes = 0;
  /** Variables with two or more indices left: unfixed[0 .. unfixedCount - 1]. */
  readonly unfixed: Int32Array;

  private readonly props: Prop[] = [];
  private readonly subs: number[][];
  private readonly inQueue: Uint8Array;
  private readonly queues: [number[], number[]] = [[], []];
  private readonly heads = [0, 0];
  private readonly varQueue: number[] = [];
  private varHead = 0;
  private readonly varQueued: Uint8Array;
  private readonly unfixedPos: Int32Array;
  private readonly unfixedSlot: number;
  private running = -1;
  private culprit = -1;
  private readonly nogoodVars: number[][] = [];

  /** Root domains: the model's, intersected with `domains` when given (one mask per variable). */
  constructor(net: Network, domains?: Domains) {
    super(net.spans);
    this.net = net;
    const n = this.numVars;
    if (domains && domains.length !== n) throw new RangeError(`Engine: ${domains.length} domain masks for ${n} variables`);
    for (let v = 0; v < n; v++) {
      const mask = net.domains[v]!.slice();
      const given = domains?.[v];
      if (given) {
        if (given.length !== mask.length) throw new RangeError(`Engine: the mask of variable ${v} has ${given.length} words, not ${mask.length}`);
        for (let k = 0; k < mask.length; k++) mask[k]! &= given[k]!;
      }
      this.load(v, mask);
      if (this.count[v] === 0) this.rootFailed = true;
    }
    this.unfixed = new Int32Array(n);
    this.unfixedPos = new Int32Array(n);
    this.unfixedSlot = this.allocRev(1);
    let unfixed = 0;
    for (let v = 0; v < n; v++) if (this.count[v]! > 1) unfixed++;
    this.rebuildUnfixedPositions(unfixed);

    this.clauses = new ClauseDb(this);
    this.subs = Array.from({ length: n }, () => []);
    this.varQueued = new Uint8Array(n);
    for (const spec of net.props) this.props.push(this.instantiate(spec));
    this.inQueue = new Uint8Array(this.props.length);
    this.props.forEach((p, id) => {
      for (const [v, mask] of p.subscriptions()) this.subs[v]!.push((id << 3) | mask);
    });
    if (net.neverHolds.length > 0) {
      this.rootFailed = true;
      this.failure = net.neverHolds[0]!;
    }
    if (this.rootFailed) return;
    for (const c of net.clauses) this.clauses.addInitial(c.cons, c.literals.map((l) => this.clauses.literal(l.var, l.set)));
    for (const u1 of net.unary) {
      if (!this.keepLiteral(u1.var, u1.mask, 0, u1.cons)) { this.rootFailed = true; return; }
    }
    // Initial propagation visits everything once.
    for (let v = 0; v < n; v++) if (this.clauses.watches[v]!.length > 0 && !this.varQueued[v]) { this.varQueued[v] = 1; this.varQueue.push(v); }
    this.props.forEach((p, id) => this.enqueue(id, p.priority));
  }

  /** Number of unfixed variables. */
  get unfixedCount(): number {
    return this.getRev(this.unfixedSlot);
  }

  /** Model constraints plus nogoods so far. */
  get constraintCount(): number {
    return this.net.model.constraints.length + this.nogoodVars.length;
  }

  /** Distinct variables of a constraint (model constraint or nogood). */
  constraintVars(cons: number): readonly number[] {
    const m = this.net.consVars.length;
    return cons < m ? this.net.consVars[cons]! : this.nogoodVars[cons - m]!;
  }

  /** Narrow to the fixpoint; false on failure (`failure` names the constraint). */
  propagate(): boolean {
    if (this.rootFailed) return false;
    this.failure = -1;
    const [q0, q1] = this.queues;
    for (;;) {
      if (this.varHead < this.varQueue.length) {
        const v = this.varQueue[this.varHead++]!;
        this.varQueued[v] = 0;
        if (!this.clauses.propagateVar(v)) return this.failed();
        continue;
      }
      let id: number;
      if (this.heads[0]! < q0.length) id = q0[this.heads[0]!++]!;
      else if (this.heads[1]! < q1.length) id = q1[this.heads[1]!++]!;
      else break;
      this.inQueue[id] = 0;
      const p = this.props[id]!;
      this.running = id;
      this.culprit = p.cons;
      const ok = p.run();
      this.running = -1;
      if (!ok) return this.failed();
    }
    this.clearQueues();
    return true;
  }

  /** Open a level and fix v to index i (a search decision); propagate() next. */
  decide(v: number, i: number): boolean {
    this.push();
    this.culprit = -1;
    return this.note(v, this.assign(v, i));
  }

  /** Remove index i of v at the current level (the other branch of a decision); propagate() next. */
  refute(v: number, i: number): boolean {
    this.culprit = -1;
    return this.note(v, this.remove(v, i));
  }

  /**
   * Record the nogood "not all of v_k = i_k" as the clause OR (v_k != i_k), at the root; false
   * when it empties the root (no solution). Variables must be distinct. propagate() next.
   */
  addNogood(vars: readonly number[], indices: readonly number[]): boolean {
    const cons = this.constraintCount;
    this.nogoodVars.push([...vars]);
    const lits = vars.map((v, k) => this.clauses.notEqual(v, indices[k]!));
    this.culprit = cons;
    if (this.clauses.addAtRoot(cons, lits)) return true;
    this.failure = cons;
    this.rootFailed = true;
    return false;
  }

  /** The current domains, one fresh mask per variable. */
  domains(): Domains {
    return Array.from({ length: this.numVars }, (_, v) => this.mask(v));
  }

  // ---- narrowing, for propagators: false on failure ----------------------------------------

  prune(v: number, i: number): boolean {
    return this.note(v, this.remove(v, i));
  }

  fix(v: number, i: number): boolean {
    return this.note(v, this.assign(v, i));
  }

  keep(v: number, src: Int32Array | Uint32Array, srcOff = 0): boolean {
    return this.note(v, this.intersect(v, src, srcOff));
  }

  drop(v: number, src: Int32Array | Uint32Array, srcOff = 0): boolean {
    return this.note(v, this.subtract(v, src, srcOff));
  }

  atLeast(v: number, i: number): boolean {
    return this.note(v, this.removeBelow(v, i));
  }

  atMost(v: number, i: number): boolean {
    return this.note(v, this.removeAbove(v, i));
  }

  /** keep() on behalf of a clause or unary constraint `cons`. */
  keepLiteral(v: number, src: Int32Array | Uint32Array, srcOff: number, cons: number): boolean {
    const before = this.culprit;
    this.culprit = cons;
    const ok = this.keep(v, src, srcOff);
    this.culprit = before;
    if (!ok) this.failure = cons;
    return ok;
  }

  // ---- internals ------------------------------------------------------------------------

  private note(v: number, ev: number): boolean {
    if (ev === 0) return true;
    this.changes++;
    if (ev & EV_EMPTY) {
      if (this.failure < 0) this.failure = this.culprit;
      return false;
    }
    if (ev & EV_FIX) this.removeUnfixed(v);
    if (this.clauses.watches[v]!.length > 0 && !this.varQueued[v]) {
      this.varQueued[v] = 1;
      this.varQueue.push(v);
    }
    const s = this.subs[v]!;
    for (let k = 0; k < s.length; k++) {
      const entry = s[k]!;
      if ((entry & ev & 7) === 0) continue;
      const id = entry >>> 3;
      if (this.inQueue[id] || id === this.running) continue;
      this.enqueue(id, this.props[id]!.priority);
    }
    return true;
  }

  private enqueue(id: number, priority: number): void {
    this.inQueue[id] = 1;
    this.queues[priority]!.push(id);
  }

  private failed(): boolean {
    if (this.failure < 0) this.failure = this.culprit;
    for (const q of this.queues) for (const id of q) this.inQueue[id] = 0;
    for (const v of this.varQueue) this.varQueued[v] = 0;
    this.clearQueues();
    if (this.level === 0) this.rootFailed = true;
    return false;
  }

  private clearQueues(): void {
    this.queues[0].length = 0;
    this.queues[1].length = 0;
    this.heads[0] = 0;
    this.heads[1] = 0;
    this.varQueue.length = 0;
    this.varHead = 0;
  }

  private rebuildUnfixedPositions(count: number): void {
    let u = 0;
    let f = count;
    for (let v = 0; v < this.numVars; v++) {
      if (this.count[v]! > 1) { this.unfixed[u] = v; this.unfixedPos[v] = u++; }
      else { this.unfixed[f] = v; this.unfixedPos[v] = f++; }
    }
    this.setRev(this.unfixedSlot, count);
  }

  private removeUnfixed(v: number): void {
    const count = this.getRev(this.unfixedSlot);
    const p = this.unfixedPos[v]!;
    if (p >= count) return;
    const last = this.unfixed[count - 1]!;
    this.unfixed[p] = last;
    this.unfixedPos[last] = p;
    this.unfixed[count - 1] = v;
    this.unfixedPos[v] = count - 1;
    this.setRev(this.unfixedSlot, count - 1);
  }

  private instantiate(spec: PropSpec): Prop {
    switch (spec.kind) {
      case 'compare': return new CompareProp(this, spec);
      case 'table2': return new Table2Prop(this, spec);
      case 'str': return new TableProp(this, spec);
      case 'negtable': return new NegativeTableProp(this, spec);
      case 'alldiff': return new AllDifferentProp(this, spec);
      case 'linear': return new LinearProp(this, spec);
    }
  }
}
