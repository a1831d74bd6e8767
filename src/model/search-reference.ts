// Software reference of the device's local search (docs/search.md, "The algorithm") over the
// search tables' five sections, exactly as the device holds them. It is the golden model of the
// data structures (per clause ntrue and crit, per variable brk_all, per slot brk_ne, the
// unsatisfied list) and a way to measure flips to a solution on real instances; it is NOT
// bit-exact with the RTL (its PRNG is xoshiro128** from prng.ts, the RTL has its own).
//
//   const s = new SearchReference(tables, prior, { seed, noise256, flipBudget });
//   const r = s.run(1_000_000);          // first state satisfying every clause, or give up
//   recount(tables, s.val)               // from-scratch counts, to hold the cached ones to
//
// Choices the doc leaves open, made here: Gumbel-max ties keep the lowest value; among moves of
// least break one is taken uniformly (reservoir with 16-bit draws); a clause with no candidate
// move (every other value of a negated literal's variable has prior 0) spends the flip unchanged.
// A variable with no nonzero prior byte starts at index 0.

import { Prng } from './prng.ts';
import { GUMBEL_TABLE } from './search-prior.ts';
import type { SearchTables } from './search-tables.ts';

export { GUMBEL_TABLE } from './search-prior.ts';

/** Random-walk probability in 256ths used when none is given (see bench/search-reference.ts). */
export const DEFAULT_NOISE256 = 115;

export interface SearchReferenceOptions {
  /** PRNG seed, an integer 0..2^32-1. Default 1. */
  seed?: number;
  /** Random-walk probability in 256ths, an integer 0..255. Default DEFAULT_NOISE256. */
  noise256?: number;
  /** Flips after a restart before the next restart, an integer >= 0; 0 never restarts. Default 0. */
  flipBudget?: number;
}

/** The cached state of a chain, or the same recounted from scratch. */
export interface SearchCounts {
  ntrue: Uint16Array;
  crit: Uint32Array;
  brkAll: Uint32Array;
  brkNe: Uint32Array;
  /** Unsatisfied clauses, ascending. */
  unsat: Uint32Array;
}

export interface SearchRunResult {
  solved: boolean;
  /** The solution's indices (a copy), when solved. */
  val: Uint8Array | null;
  /** Flips since the run began. */
  flips: number;
  /** Flips since the restart that found the solution. */
  flipsSinceRestart: number;
  restarts: number;
  /** States satisfying every clause that `accept` refused. */
  rejects: number;
}

type Tables = Pick<SearchTables, 'numVars' | 'numValues' | 'numClauses' | 'numLiterals' | 'sections'>;

const NEG = 0x80000000;

/** Per clause ntrue/crit, break counts and unsatisfied clauses of `val`, from the sections alone. */
export function recount(tables: Tables, val: ArrayLike<number>): SearchCounts {
  const { vars, clauses, literals } = tables.sections;
  const ntrue = new Uint16Array(tables.numClauses);
  const crit = new Uint32Array(tables.numClauses);
  const brkAll = new Uint32Array(tables.numVars);
  const brkNe = new Uint32Array(tables.numValues);
  const unsat: number[] = [];
  for (let c = 0; c < tables.numClauses; c++) {
    const start = clauses[c]! & 0xffffff;
    const len = (clauses[c]! >>> 24) + 1;
    let n = 0;
    let x = 0;
    for (let k = start; k < start + len; k++) {
      const w = literals[k]!;
      const isTrue = (val[(w >>> 8) & 0x7fffff] === (w & 0xff)) !== ((w & NEG) !== 0);
      if (isTrue) { n++; x ^= w; }
    }
    ntrue[c] = n;
    crit[c] = x;
    if (n === 0) unsat.push(c);
    if (n === 1) {
      const v = (x >>> 8) & 0x7fffff;
      if (x & NEG) brkNe[(vars[v]! & 0xffffff) + (x & 0xff)]!++;
      else brkAll[v]!++;
    }
  }
  return { ntrue, crit, brkAll, brkNe, unsat: Uint32Array.from(unsat) };
}

export class SearchReference {
  /** Current index of every variable. */
  readonly val: Uint8Array;
  /** Flips since construction, and since the last restart. */
  flips = 0;
  flipsSinceRestart = 0;
  restarts = 0;

  private readonly base: Uint32Array;
  private readonly size: Uint16Array;
  private readonly cStart: Uint32Array;
  private readonly cLen: Uint16Array;
  private readonly lits: Uint32Array;
  private readonly valStart: Uint32Array;
  private readonly occ: Uint32Array;
  private readonly ntrue: Uint16Array;
  private readonly crit: Uint32Array;
  private readonly brkAll: Uint32Array;
  private readonly brkNe: Uint32Array;
  private readonly unsat: Uint32Array;
  private readonly unsatPos: Int32Array;
  private unsatCount = 0;
  private returned = false;
  private readonly rng: Prng;
  private bitBuf = 0;
  private bitsLeft = 0;
  private readonly noise: number;
  private readonly budget: number;

  constructor(private readonly tables: Tables, private readonly prior: Uint8Array, options: SearchReferenceOptions = {}) {
    const seed = options.seed ?? 1;
    const noise = options.noise256 ?? DEFAULT_NOISE256;
    const budget = options.flipBudget ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer 0..4294967295, got ${seed}`);
    if (!Number.isInteger(noise) || noise < 0 || noise > 255) throw new RangeError(`noise256 must be an integer 0..255, got ${noise}`);
    if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`flipBudget must be an integer >= 0, got ${budget}`);
    if (prior.length !== tables.numValues) throw new RangeError(`prior has ${prior.length} bytes for ${tables.numValues} value slots`);
    this.rng = new Prng(seed);
    this.noise = noise;
    this.budget = budget;
    const { vars, clauses, literals, values, occurrences } = tables.sections;
    this.base = vars.map((w) => w & 0xffffff);
    this.size = Uint16Array.from(vars, (w) => (w >>> 24) + 1);
    this.cStart = clauses.map((w) => w & 0xffffff);
    this.cLen = Uint16Array.from(clauses, (w) => (w >>> 24) + 1);
    this.lits = literals;
    this.valStart = values;
    this.occ = occurrences;
    this.val = new Uint8Array(tables.numVars);
    this.ntrue = new Uint16Array(tables.numClauses);
    this.crit = new Uint32Array(tables.numClauses);
    this.brkAll = new Uint32Array(tables.numVars);
    this.brkNe = new Uint32Array(tables.numValues);
    this.unsat = new Uint32Array(tables.numClauses);
    this.unsatPos = new Int32Array(tables.numClauses).fill(-1);
    this.restart();
    this.restarts = 0;
  }

  get unsatisfied(): number {
    return this.unsatCount;
  }

  /** Copies of the cached counts (unsat sorted), to compare with recount(). */
  counts(): SearchCounts {
    const unsat = this.unsat.slice(0, this.unsatCount).sort();
    return { ntrue: this.ntrue.slice(), crit: this.crit.slice(), brkAll: this.brkAll.slice(), brkNe: this.brkNe.slice(), unsat };
  }

  private bits(n: number): number {
    if (this.bitsLeft < n) { this.bitBuf = this.rng.uint32(); this.bitsLeft = 32; }
    const r = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitsLeft -= n;
    return r;
  }

  /** Gumbel-max over x's values with a nonzero prior, skipping `except` (-1: none); -1 if none. */
  private sample(x: number, except: number): number {
    const base = this.base[x]!;
    let best = -1;
    let bestKey = -Infinity;
    for (let b = 0; b < this.size[x]!; b++) {
      const p = this.prior[base + b]!;
      if (p === 0 || b === except) continue;
      const key = p + GUMBEL_TABLE[this.bits(8)]!;
      if (key > bestKey) { bestKey = key; best = b; }
    }
    return best;
  }

  /** Fresh start state from the prior, counts rebuilt from scratch. */
  restart(): void {
    this.restarts++;
    this.flipsSinceRestart = 0;
    for (let x = 0; x < this.val.length; x++) this.val[x] = Math.max(0, this.sample(x, -1));
    const r = recount(this.tables, this.val);
    this.ntrue.set(r.ntrue);
    this.crit.set(r.crit);
    this.brkAll.set(r.brkAll);
    this.brkNe.set(r.brkNe);
    this.unsatPos.fill(-1);
    this.unsatCount = 0;
    for (const c of r.unsat) this.addUnsat(c);
  }

  private addUnsat(c: number): void {
    this.unsatPos[c] = this.unsatCount;
    this.unsat[this.unsatCount++] = c;
  }

  private removeUnsat(c: number): void {
    const at = this.unsatPos[c]!;
    const last = this.unsat[--this.unsatCount]!;
    this.unsat[at] = last;
    this.unsatPos[last] = at;
    this.unsatPos[c] = -1;
  }

  /** Adds d to the break count of the clause's sole true literal `w`. */
  private bump(w: number, d: number): void {
    const x = (w >>> 8) & 0x7fffff;
    if (w & NEG) this.brkNe[this.base[x]! + (w & 0xff)]! += d;
    else this.brkAll[x]! += d;
  }

  private makeTrue(c: number, w: number): void {
    const n = this.ntrue[c]!;
    if (n === 0) this.removeUnsat(c);
    else if (n === 1) this.bump(this.crit[c]!, -1);
    this.ntrue[c] = n + 1;
    const x = (this.crit[c]! ^ w) >>> 0;
    this.crit[c] = x;
    if (n === 0) this.bump(x, 1);
  }

  private makeFalse(c: number, w: number): void {
    const n = this.ntrue[c]!;
    if (n === 1) this.bump(this.crit[c]!, -1);
    this.ntrue[c] = n - 1;
    const x = (this.crit[c]! ^ w) >>> 0;
    this.crit[c] = x;
    if (n === 2) this.bump(x, 1);
    else if (n === 1) this.addUnsat(c);
  }

  /** x := b, walking the occurrence lists of (x, old) and (x, b). */
  apply(x: number, b: number): void {
    const a = this.val[x]!;
    if (a === b) return;
    const base = this.base[x]!;
    const occ = this.occ;
    const wa = (a | (x << 8)) >>> 0;
    for (let k = this.valStart[base + a]!, end = this.valStart[base + a + 1]!; k < end; k++) {
      const e = occ[k]!;
      if (e & NEG) this.makeTrue(e & 0x7fffffff, (wa | NEG) >>> 0);
      else this.makeFalse(e, wa);
    }
    this.val[x] = b;
    const wb = (b | (x << 8)) >>> 0;
    for (let k = this.valStart[base + b]!, end = this.valStart[base + b + 1]!; k < end; k++) {
      const e = occ[k]!;
      if (e & NEG) this.makeFalse(e & 0x7fffffff, (wb | NEG) >>> 0);
      else this.makeTrue(e, wb);
    }
  }

  // The move of least break so far in flip(), and how many moves share that break.
  private bestBreak = 0;
  private bestVar = -1;
  private bestVal = 0;
  private ties = 0;

  private consider(x: number, b: number): void {
    const brk = this.brkAll[x]! + this.brkNe[this.base[x]! + b]!;
    if (brk < this.bestBreak) {
      this.bestBreak = brk; this.bestVar = x; this.bestVal = b; this.ties = 1;
    } else if (brk === this.bestBreak && Math.floor((this.bits(16) * ++this.ties) / 65536) === 0) {
      this.bestVar = x; this.bestVal = b;
    }
  }

  /** One flip (docs/search.md, Flip 1-4); the caller makes sure some clause is unsatisfied. */
  flip(): void {
    this.flips++;
    this.flipsSinceRestart++;
    const c = this.unsat[Math.floor((this.bits(16) * this.unsatCount) / 65536)]!;
    const start = this.cStart[c]!;
    const len = this.cLen[c]!;
    this.bestBreak = Infinity;
    this.bestVar = -1;
    for (let k = start; k < start + len; k++) {
      const w = this.lits[k]!;
      const x = (w >>> 8) & 0x7fffff;
      const v = w & 0xff;
      if (!(w & NEG)) { this.consider(x, v); continue; }
      const base = this.base[x]!;
      for (let b = 0, n = this.size[x]!; b < n; b++) if (b !== v && this.prior[base + b] !== 0) this.consider(x, b);
    }
    if (this.bestVar < 0) return; // no candidate move
    if (this.bestBreak > 0 && this.bits(8) < this.noise) {
      const w = this.lits[start + Math.floor((this.bits(16) * len) / 65536)]!;
      const x = (w >>> 8) & 0x7fffff;
      const b = w & NEG ? this.sample(x, w & 0xff) : w & 0xff;
      if (b >= 0) { this.apply(x, b); return; }
    }
    this.apply(this.bestVar, this.bestVal);
  }

  /**
   * Searches until a state satisfies every clause and `accept` (default: always) takes it, or
   * `maxFlips` flips have been spent. A refused state counts as a reject and the chain restarts,
   * as after a validator refusal on the device; so does spending the flip budget.
   */
  run(maxFlips: number, accept: (val: Uint8Array) => boolean = () => true): SearchRunResult {
    if (this.returned) this.restart(); // the state last returned went to the caller: start afresh
    this.returned = false;
    let flips = 0;
    let rejects = 0;
    const restartsAtStart = this.restarts;
    const result = (solved: boolean): SearchRunResult => ({
      solved, val: solved ? this.val.slice() : null, flips, flipsSinceRestart: this.flipsSinceRestart,
      restarts: this.restarts - restartsAtStart, rejects,
    });
    for (;;) {
      if (this.unsatCount === 0) {
        if (accept(this.val)) { this.returned = true; return result(true); }
        // bounded even when every restart lands on a refused state
        if (++rejects > maxFlips) return result(false);
        this.restart();
        continue;
      }
      if (flips >= maxFlips) return result(false);
      if (this.budget > 0 && this.flipsSinceRestart >= this.budget) { this.restart(); continue; }
      this.flip();
      flips++;
    }
  }
}
