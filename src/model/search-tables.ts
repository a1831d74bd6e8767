// The search tables of docs/search.md: a Model compiled once into clauses over value literals and
// their occurrence lists, in the five sections the device stores (sent in the compact wire form of
// search-wire.ts: the device builds VALUES and OCCURRENCES itself). Pure code, no I/O.
//
//   const t = compileSearchTables(model);  // InputError: malformed model; UnsatisfiableError: an empty domain
//   for (const { section, bytes } of searchImageBytes(t)) ...   // the wire form (search-wire.ts); CRC with crc32
//   const prior = quantisePrior(t, softDomains, model);           // one byte per value slot
//
// Contracts:
// - Layouts exactly as docs/search.md "Tables": VARS value_base | (size-1) << 24; CLAUSES
//   literal_start | (length-1) << 24 with length 1..256; LITERALS value | var << 8 | neg << 31;
//   VALUES num_values + 1 occurrence starts (the last is num_literals); OCCURRENCES
//   clause | neg << 31, each slot's list in ascending clause order.
// - Clauses are canonical (search-clauses.ts): no duplicate literal, no tautology; within a
//   clause a variable has positive literals on distinct domain values or one negative literal; a
//   positive literal is never on a hole; literal words ascending. Identical clauses (from
//   different constraints, or one constraint twice) are kept once.
// - For every assignment of domain values: all clauses hold <=> every constraint in `searched`
//   holds. The constraints in `checkedOnly` (with the reason) are not represented at all; the
//   validator still checks them. A constraint that is unsatisfiable over the domains by itself
//   (it would need an empty clause, which the table cannot carry) is checkedOnly with kind
//   'unsatisfiable': the problem has no solution, and no state the device finds will pass.
// - A constraint whose clauses would take the tables past options.maxLiterals/maxClauses is
//   checkedOnly with kind 'tables-full' (constraints are added in model order).

import { validateModel } from './compile-validate.ts';
import { crc32 } from './crc32.ts';
import { UnsatisfiableError } from './errors.ts';
import { SearchDomains } from './search-clauses.ts';
import { ConstraintExpander, type CheckedOnlyKind } from './search-expand.ts';
import { buildOccurrences, encodeSearchStream, type SearchTableWords } from './search-wire.ts';
import type { Model } from './types.ts';

export { quantisePrior, uniformPrior, type SoftDomains } from './search-prior.ts';

/** Format limits of the tables and bounds on compile work. */
export const SEARCH_LIMITS = {
  /** Literals in one clause (the CLAUSES length field, length - 1 in 8 bits). */
  maxClauseLength: 256,
  /** Literals in the tables: literal_start is 24 bits. */
  maxLiterals: 1 << 24,
  /** Clauses in the tables (each has a literal, so literals bound them first; the field is 31 bits). */
  maxClauses: 1 << 24,
  /** Variables: the literal's var field is 23 bits (LIMITS.maxVariables is far below). */
  maxVars: 1 << 23,
  /** Value slots: value_base is 24 bits (65,536 variables of 256 values fit exactly). */
  maxValues: 1 << 24,
  /** Literals one model constraint may expand to; a constraint past it is not searched. */
  maxConstraintLiterals: 1 << 22,
  /** Tuples to forbid for a table over 3+ variables (given, or the domain product minus the allowed ones). */
  maxForbiddenTuples: 65_536,
} as const;

/** SearchChunk sections of the wire form (src/model/search-wire.ts). */
export const SEARCH_SECTIONS = { vars: 0, clauses: 1 } as const;
export type SearchSectionName = keyof typeof SEARCH_SECTIONS;
const SECTION_ORDER: readonly SearchSectionName[] = ['vars', 'clauses'];

export interface SearchTableOptions {
  /** Literal capacity of the target (e.g. the device's max_literals), 1..SEARCH_LIMITS.maxLiterals. Default SEARCH_LIMITS.maxLiterals. */
  maxLiterals?: number;
  /** Clause capacity of the target, 1..SEARCH_LIMITS.maxClauses. Default SEARCH_LIMITS.maxClauses. */
  maxClauses?: number;
  /** Tuples to forbid for a table over 3+ variables before it is not searched. Default SEARCH_LIMITS.maxForbiddenTuples. */
  maxForbiddenTuples?: number;
}

export interface CheckedOnly {
  /** Model constraint index. */
  index: number;
  reason: string;
  kind: CheckedOnlyKind | 'tables-full';
}

/** The stored sections (search-wire.ts SearchTableWords: sizes, the five sections) and what they cover. */
export interface SearchTables extends SearchTableWords {
  /** First value slot of each variable. */
  valueBase: number[];
  /** Model constraint indices represented by the clauses, ascending. */
  searched: number[];
  /** Model constraints not represented, ascending by index. */
  checkedOnly: CheckedOnly[];
  /**
   * Variables whose domain the tables hold, ascending: each boolean with one value left (a
   * propagated unit) gets the unit clause of that value after the constraints' clauses, so the
   * device proves it from its tables and the program beside them needs no domain check for it
   * (compileUnsearched). A var whose clause would pass the capacity keeps its domain check.
   */
  heldDomains: number[];
}

function resolveOptions(o: SearchTableOptions): Required<SearchTableOptions> {
  const r = {
    maxLiterals: o.maxLiterals ?? SEARCH_LIMITS.maxLiterals,
    maxClauses: o.maxClauses ?? SEARCH_LIMITS.maxClauses,
    maxForbiddenTuples: o.maxForbiddenTuples ?? SEARCH_LIMITS.maxForbiddenTuples,
  };
  const check = (name: keyof typeof r, max: number): void => {
    if (!Number.isInteger(r[name]) || r[name] < 0 || r[name] > max) throw new RangeError(`${name} must be an integer 0..${max}, got ${r[name]}`);
  };
  check('maxLiterals', SEARCH_LIMITS.maxLiterals);
  check('maxClauses', SEARCH_LIMITS.maxClauses);
  check('maxForbiddenTuples', 2 ** 31);
  return r;
}

export function compileSearchTables(model: Model, options: SearchTableOptions = {}): SearchTables {
  validateModel(model);
  const opts = resolveOptions(options);
  const vars = model.variables;
  const valueBase: number[] = [];
  let numValues = 0;
  for (const v of vars) { valueBase.push(numValues); numValues += v.size; }
  if (vars.length > SEARCH_LIMITS.maxVars || numValues > SEARCH_LIMITS.maxValues) {
    throw new RangeError(`search tables: ${vars.length} variables and ${numValues} values exceed the format`);
  }
  vars.forEach((v) => { if (!v.allowed.includes(true)) throw new UnsatisfiableError(`variable ${v.name} has an empty domain`); });
  const domains = new SearchDomains(vars);
  const expander = new ConstraintExpander(domains, {
    maxClauseLength: SEARCH_LIMITS.maxClauseLength,
    maxConstraintLiterals: SEARCH_LIMITS.maxConstraintLiterals,
    maxForbiddenTuples: opts.maxForbiddenTuples,
  });
  const store = new ClauseStore();
  const searched: number[] = [];
  const checkedOnly: CheckedOnly[] = [];
  model.constraints.forEach((c, index) => {
    const failure = expander.expand(c);
    if (failure) { checkedOnly.push({ index, ...failure }); return; }
    const mark = store.mark();
    const buf = expander.buffer;
    let at = 0;
    for (const len of buf.lengths) { store.add(buf.words, at, len); at += len; }
    if (store.numWords > opts.maxLiterals || store.numClauses > opts.maxClauses) {
      store.rollback(mark);
      checkedOnly.push({ index, kind: 'tables-full', reason: `its clauses would pass the table capacity (${opts.maxClauses} clauses, ${opts.maxLiterals} literals)` });
      return;
    }
    searched.push(index);
  });
  const heldDomains: number[] = [];
  const unit = new Uint32Array(1);
  vars.forEach((v, x) => {
    if (v.size !== 2 || v.allowed[0] === v.allowed[1]) return;
    unit[0] = (1 | (x << 8) | (v.allowed[1] ? 0 : 0x8000_0000)) >>> 0;   // (x, 1) or (x, 1, negated)
    const mark = store.mark();
    store.add(unit, 0, 1);
    if (store.numWords > opts.maxLiterals || store.numClauses > opts.maxClauses) { store.rollback(mark); return; }
    heldDomains.push(x);
  });
  return buildSections(vars.map((v) => v.size), valueBase, numValues, store, searched, checkedOnly, heldDomains);
}

function buildSections(sizes: number[], valueBase: number[], numValues: number, store: ClauseStore,
  searched: number[], checkedOnly: CheckedOnly[], heldDomains: number[]): SearchTables {
  const numClauses = store.numClauses;
  const numLiterals = store.numWords;
  const literals = store.words.slice(0, numLiterals);
  const clauses = new Uint32Array(numClauses);
  for (let c = 0; c < numClauses; c++) clauses[c] = (store.start[c]! | ((store.length[c]! - 1) << 24)) >>> 0;
  const varsSection = Uint32Array.from(sizes, (s, x) => (valueBase[x]! | ((s - 1) << 24)) >>> 0);
  const { values, occurrences } = buildOccurrences(varsSection, clauses, literals, numValues);
  return {
    numVars: sizes.length, numValues, numClauses, numLiterals, valueBase,
    sections: { vars: varsSection, clauses, literals, values, occurrences },
    searched, checkedOnly, heldDomains,
  };
}

/** Clauses appended with deduplication (hash chains), and LIFO rollback to a mark. */
class ClauseStore {
  words = new Uint32Array(4096);
  numWords = 0;
  start = new Uint32Array(1024);
  length = new Uint16Array(1024);
  numClauses = 0;
  private next = new Int32Array(1024);
  private head = new Int32Array(1024).fill(-1);
  private hashes = new Uint32Array(1024);

  mark(): { clauses: number; words: number } {
    return { clauses: this.numClauses, words: this.numWords };
  }

  add(src: Uint32Array, at: number, len: number): void {
    let h = 0x811c9dc5;
    for (let k = at; k < at + len; k++) h = Math.imul(h ^ src[k]!, 0x01000193);
    h >>>= 0;
    const mask = this.head.length - 1;
    for (let c = this.head[h & mask]!; c >= 0; c = this.next[c]!) {
      if (this.hashes[c] === h && this.length[c] === len && this.same(c, src, at, len)) return;
    }
    if (this.numClauses === this.start.length) this.growClauses();
    while (this.numWords + len > this.words.length) this.words = grow32(this.words, this.words.length * 2);
    const c = this.numClauses++;
    this.words.set(src.subarray(at, at + len), this.numWords);
    this.start[c] = this.numWords;
    this.length[c] = len;
    this.hashes[c] = h;
    this.numWords += len;
    const b = h & (this.head.length - 1);
    this.next[c] = this.head[b]!;
    this.head[b] = c;
  }

  /** Drops the clauses added since the mark (they are the heads of their chains, newest first). */
  rollback(m: { clauses: number; words: number }): void {
    const mask = this.head.length - 1;
    for (let c = this.numClauses - 1; c >= m.clauses; c--) this.head[this.hashes[c]! & mask] = this.next[c]!;
    this.numClauses = m.clauses;
    this.numWords = m.words;
  }

  private same(c: number, src: Uint32Array, at: number, len: number): boolean {
    const s = this.start[c]!;
    for (let k = 0; k < len; k++) if (this.words[s + k] !== src[at + k]) return false;
    return true;
  }

  /** Doubles the per-clause arrays and the bucket count; chains rebuilt oldest first, so newest are heads. */
  private growClauses(): void {
    const n = this.start.length * 2;
    this.start = grow32(this.start, n);
    const length = new Uint16Array(n); length.set(this.length); this.length = length;
    this.hashes = grow32(this.hashes, n);
    this.next = new Int32Array(n);
    this.head = new Int32Array(n).fill(-1);
    const mask = n - 1;
    for (let c = 0; c < this.numClauses; c++) {
      const b = this.hashes[c]! & mask;
      this.next[c] = this.head[b]!;
      this.head[b] = c;
    }
  }
}

function grow32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(n);
  out.set(a);
  return out;
}

export interface SearchSectionBytes {
  /** SearchSection number (0 VARS, 1 CLAUSES). */
  section: number;
  name: SearchSectionName;
  bytes: Uint8Array;
}

/** The bytes SearchChunk carries (src/model/search-wire.ts), in section order 0, 1. */
export function searchImageBytes(tables: SearchTableWords): SearchSectionBytes[] {
  const stream = encodeSearchStream(tables);
  return SECTION_ORDER.map((name) => ({ section: SEARCH_SECTIONS[name], name, bytes: stream[name] }));
}

/**
 * The SearchEnd crc: CRC-32 of the VARS bytes then the CLAUSES bytes. The device takes every
 * stream byte once, whatever chunks it arrived in or how often one was sent again, so this is
 * the crc of every complete load.
 */
export function searchImageCrc(tables: SearchTableWords): number {
  let crc = 0;
  for (const { bytes } of searchImageBytes(tables)) crc = crc32(bytes, crc);
  return crc;
}
