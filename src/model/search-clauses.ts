// Clauses over value literals in canonical form, for the search tables (docs/search.md, "The
// search problem"). Pure data, no I/O.
//
// A clause is built as, per variable x, a set T_x of x's *domain* indices (holes excluded) for
// which the clause holds through x; the clause is OR_x (val[x] in T_x). Each T_x is then written
// in one canonical way (canonicalLiterals below), which merges duplicate literals and drops
// tautologies by construction:
//   - T_x empty: x contributes nothing;
//   - T_x the whole domain: the clause always holds (it is dropped);
//   - T_x the domain but one value e, and T_x has 2+ members or e is the larger of x's two
//     domain values: the single negative literal (x, e);
//   - otherwise the positive literals of T_x.
// So within a clause a variable has either positive literals on distinct domain values or exactly
// one negative literal, and a variable with two domain values {a < b} (a boolean) only ever
// appears as (x, b) or (x, b, negated). A clause with no literal left can never hold.
// The literal words of a clause are sorted ascending (as unsigned 32-bit numbers).

/** Domain facts of every variable, in index space (index = value - min). */
export class SearchDomains {
  readonly size: Uint16Array;
  readonly min: Float64Array;
  /** allowed[x][i]: index i of x is in the domain. */
  readonly allowed: Uint8Array[];
  /** The domain indices of x, ascending. */
  readonly members: Uint16Array[];

  constructor(variables: readonly { min: number; size: number; allowed: readonly boolean[] }[]) {
    this.size = Uint16Array.from(variables, (v) => v.size);
    this.min = Float64Array.from(variables, (v) => v.min);
    this.allowed = variables.map((v) => Uint8Array.from(v.allowed, (a) => (a ? 1 : 0)));
    this.members = this.allowed.map((a) => {
      const out: number[] = [];
      a.forEach((b, i) => { if (b) out.push(i); });
      return Uint16Array.from(out);
    });
  }

  /** Whether `index` (any number) is a domain index of x. */
  has(x: number, index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.size[x]! && this.allowed[x]![index] === 1;
  }
}

/** The literal word of docs/search.md section 2: value[7:0] | var << 8 | negated << 31. */
export function literalWord(x: number, value: number, negated: boolean): number {
  return (value | (x << 8) | (negated ? 0x80000000 : 0)) >>> 0;
}

/** Outcome of ending a clause. */
export type ClauseEnd = 'clause' | 'true' | 'empty' | 'long';

/**
 * The clauses one constraint expands to: literal words back to back, a length per clause.
 * Clauses are canonical (see the file header) and 1..maxLength literals long.
 */
export class ClauseBuffer {
  words = new Uint32Array(1024);
  numWords = 0;
  lengths: number[] = [];

  reset(): void {
    this.numWords = 0;
    this.lengths.length = 0;
  }

  push(word: number): void {
    if (this.numWords === this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[this.numWords++] = word;
  }
}

type Part =
  | { x: number; kind: 'ne'; e: number }
  | { x: number; kind: 'pos'; list: number[] }
  | { x: number; kind: 'set'; set: Uint8Array };

/**
 * Builds one clause at a time into a ClauseBuffer: begin(), any of eq/ne/inIndices/inSet, end().
 * Indices outside a variable's domain are ignored by eq/inIndices/inSet (a positive literal on a
 * hole is false); ne on a non-domain index makes the clause always true.
 */
export class ClauseBuilder {
  private parts: Part[] = [];
  private readonly where: Int32Array;
  private alwaysTrue = false;
  private readonly scratch: number[] = [];

  constructor(private readonly d: SearchDomains, private readonly out: ClauseBuffer, private readonly maxLength: number) {
    this.where = new Int32Array(d.size.length).fill(-1);
  }

  begin(): void {
    for (const p of this.parts) this.where[p.x] = -1;
    this.parts = [];
    this.alwaysTrue = false;
  }

  /** val[x] == i. */
  eq(x: number, i: number): void {
    if (!this.d.has(x, i)) return;
    this.add({ x, kind: 'pos', list: [i] });
  }

  /** val[x] != i. */
  ne(x: number, i: number): void {
    if (!this.d.has(x, i)) { this.alwaysTrue = true; return; }
    this.add({ x, kind: 'ne', e: i });
  }

  /** val[x] in the given indices (any order, duplicates and non-domain indices allowed). */
  inIndices(x: number, indices: Iterable<number>): void {
    const seen = new Set<number>();
    for (const i of indices) if (this.d.has(x, i)) seen.add(i);
    if (seen.size === 0) return;
    this.add({ x, kind: 'pos', list: [...seen].sort((a, b) => a - b) });
  }

  /** val[x] in { i : set[i] != 0 } (set over 0..size-1; the builder keeps no reference to it). */
  inSet(x: number, set: Uint8Array): void {
    const copy = new Uint8Array(this.d.size[x]!);
    for (let i = 0; i < copy.length; i++) copy[i] = set[i] && this.d.allowed[x]![i] ? 1 : 0;
    this.add({ x, kind: 'set', set: copy });
  }

  private add(p: Part): void {
    const k = this.where[p.x]!;
    if (k < 0) {
      this.where[p.x] = this.parts.length;
      this.parts.push(p);
      return;
    }
    const merged = toSet(this.parts[k]!, this.d);
    const other = toSet(p, this.d);
    for (let i = 0; i < merged.length; i++) merged[i]! |= other[i]!;
    this.parts[k] = { x: p.x, kind: 'set', set: merged };
  }

  /** Ends the clause: appends it to the buffer ('clause'), or reports why not. */
  end(): ClauseEnd {
    if (this.alwaysTrue) return 'true';
    const lits = this.scratch;
    lits.length = 0;
    for (const p of this.parts) {
      if (!canonicalLiterals(p, this.d, lits)) return 'true';
    }
    if (lits.length === 0) return 'empty';
    if (lits.length > this.maxLength) return 'long';
    lits.sort((a, b) => a - b);
    for (const w of lits) this.out.push(w);
    this.out.lengths.push(lits.length);
    return 'clause';
  }
}

function toSet(p: Part, d: SearchDomains): Uint8Array {
  if (p.kind === 'set') return p.set;
  const set = new Uint8Array(d.size[p.x]!);
  if (p.kind === 'pos') for (const i of p.list) set[i] = 1;
  else {
    set.set(d.allowed[p.x]!);
    set[p.e] = 0;
  }
  return set;
}

/** Appends x's canonical literals for its part; false when the part makes the clause always true. */
function canonicalLiterals(p: Part, d: SearchDomains, out: number[]): boolean {
  const x = p.x;
  const domain = d.members[x]!;
  const a = domain.length;
  if (p.kind === 'ne') {
    // T = domain \ {e}
    if (a === 1) return true; // T empty: nothing (a = 1 means e is the only value)
    if (a >= 3 || p.e > otherOf(domain, p.e)) out.push(literalWord(x, p.e, true));
    else out.push(literalWord(x, otherOf(domain, p.e), false));
    return true;
  }
  const list = p.kind === 'pos' ? p.list : setMembers(p.set);
  const t = list.length;
  if (t === 0) return true;
  if (t === a) return false;
  if (t === a - 1) {
    const e = missing(domain, list);
    if (t >= 2 || e > list[0]!) { out.push(literalWord(x, e, true)); return true; }
  }
  for (const i of list) out.push(literalWord(x, i, false));
  return true;
}

function otherOf(domain: Uint16Array, e: number): number {
  return domain[0] === e ? domain[1]! : domain[0]!;
}

function setMembers(set: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < set.length; i++) if (set[i]) out.push(i);
  return out;
}

/** The one domain index not in `list` (list: ascending, domain minus exactly one member). */
function missing(domain: Uint16Array, list: readonly number[]): number {
  for (let k = 0; k < list.length; k++) if (domain[k] !== list[k]) return domain[k]!;
  return domain[domain.length - 1]!;
}
