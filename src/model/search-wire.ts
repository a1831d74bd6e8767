// The wire form of the search tables (docs/search.md, "Wire form"): what SearchChunk carries, and
// the device's decoder and table builder written out in TypeScript. Pure code, no I/O.
//
//   const { vars, clauses } = encodeSearchStream(tables);   // RangeError: tables the form cannot carry
//   const words = decodeSearchStream(sizes, vars, clauses);  // SearchStreamError: what the device refuses
//
// Two sections, each a byte stream sent in order:
// - VARS (section 0): one byte per variable, size - 1. value_base is the prefix sum of the sizes.
// - CLAUSES (section 1): a bit stream, least significant bit of each byte first. Per clause, in
//   table order, a header:
//   - bit 0: the previous clause's length (before the first clause, 1), literals follow;
//   - bits 1, 0 (first bit 1, second 0) and 8 bits length - 1, literals follow;
//   - bits 1, 1: a *shifted copy*: the previous clause's literals with every value index one
//     higher, no literals follow. Only after a clause of at most SHIFT_MAX_LITERALS literals, all
//     on variables of more than 2 values (so each has a value field) and none on its last value.
//     A graph colouring's edge is one clause and two shifted copies.
//   Then per literal, in the clause's stored (canonical) order: 1 bit negated, VB bits the
//   variable (VB = bits of num_vars - 1, 0 for one variable), and, only for a variable of more
//   than 2 values, DB bits the value index (DB = bits of size - 1). A literal on a variable of 1
//   or 2 values is on value 1 (a boolean's literals always are, docs/search.md "Canonical
//   clauses"). The last byte is padded with zero bits.
// VALUES and OCCURRENCES are not sent: the device builds them from the stored literals (counting
// sort), exactly as buildOccurrences below does.
//
// Contract: decodeSearchStream(sizes, encodeSearchStream(t)) gives t's five sections word for word
// whenever t is in the layout compileSearchTables produces (clauses back to back, VALUES and
// OCCURRENCES the counting sort of the literals); the encoder throws for anything it cannot carry.

/** Sizes and the five stored sections (docs/search.md, "Tables"). */
export interface SearchTableWords {
  numVars: number;
  /** Value slots: the sum of the domain sizes (holes included). */
  numValues: number;
  numClauses: number;
  numLiterals: number;
  sections: {
    vars: Uint32Array;
    clauses: Uint32Array;
    literals: Uint32Array;
    /** numValues + 1 entries. */
    values: Uint32Array;
    occurrences: Uint32Array;
  };
}

export type SearchSizes = Pick<SearchTableWords, 'numVars' | 'numValues' | 'numClauses' | 'numLiterals'>;

/** The two SearchChunk streams. */
export interface SearchStream {
  vars: Uint8Array;
  clauses: Uint8Array;
}

/** The longest clause a shifted copy may follow (the device keeps that many literals in registers). */
export const SHIFT_MAX_LITERALS = 4;

/** Bits needed for the numbers 0..n (0 for n = 0). */
export function bitLength(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** Bits of a literal's variable field for `numVars` variables. */
export function varFieldBits(numVars: number): number {
  return bitLength(numVars - 1);
}

/** Bits of a literal's value field on a variable of `size` values (0 up to 2 values: value 1). */
export function valueFieldBits(size: number): number {
  return size > 2 ? bitLength(size - 1) : 0;
}

class BitWriter {
  private bytes = new Uint8Array(1024);
  private bits = 0;

  put(value: number, width: number): void {
    for (let k = 0; k < width; k++) {
      const byte = this.bits >>> 3;
      if (byte === this.bytes.length) {
        const grown = new Uint8Array(this.bytes.length * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      if ((value >>> k) & 1) this.bytes[byte]! |= 1 << (this.bits & 7);
      this.bits++;
    }
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, (this.bits + 7) >>> 3);
  }
}

/** The wire form of the tables. Throws RangeError for tables the form cannot carry. */
export function encodeSearchStream(t: SearchTableWords): SearchStream {
  const { vars, clauses, literals } = t.sections;
  if (vars.length !== t.numVars || clauses.length !== t.numClauses || literals.length !== t.numLiterals) {
    throw new RangeError(`search tables: sections of ${vars.length} vars, ${clauses.length} clauses, ${literals.length} literals; the sizes say ${t.numVars}, ${t.numClauses}, ${t.numLiterals}`);
  }
  const sizes = new Uint16Array(t.numVars);
  const varBytes = new Uint8Array(t.numVars);
  let base = 0;
  for (let x = 0; x < t.numVars; x++) {
    const w = vars[x]!;
    if ((w & 0xffffff) !== base) throw new RangeError(`search tables: variable ${x} has value_base ${w & 0xffffff}, the sizes before it sum to ${base}`);
    varBytes[x] = w >>> 24;
    sizes[x] = (w >>> 24) + 1;
    base += sizes[x]!;
  }
  if (base !== t.numValues) throw new RangeError(`search tables: the variables' sizes sum to ${base}, numValues is ${t.numValues}`);
  const vb = varFieldBits(t.numVars);
  const out = new BitWriter();
  let next = 0;
  let prev = 1;
  let prevStart = -1;     // the previous clause's first literal, -1 before the first
  for (let c = 0; c < t.numClauses; c++) {
    const w = clauses[c]!;
    const start = w & 0xffffff;
    const length = (w >>> 24) + 1;
    if (start !== next) throw new RangeError(`search tables: clause ${c} starts at literal ${start}, not ${next} (clauses are sent back to back)`);
    if (start + length > t.numLiterals) throw new RangeError(`search tables: clause ${c} runs past the ${t.numLiterals} literals`);
    const shifted = prevStart >= 0 && length === prev && length <= SHIFT_MAX_LITERALS
      && Array.from({ length }, (_, k) => k).every((k) => {
        const before = literals[prevStart + k]!;
        return valueFieldBits(sizes[(before >>> 8) & 0x7fffff] ?? 0) > 0 && literals[start + k] === before + 1 && (before & 0xff) !== 0xff;
      });
    prevStart = start;
    next = start + length;
    if (shifted) {
      out.put(3, 2);
      continue;
    }
    if (length === prev) out.put(0, 1);
    else out.put(1 | ((length - 1) << 2), 10);
    prev = length;
    for (let k = start; k < start + length; k++) {
      const l = literals[k]!;
      const x = (l >>> 8) & 0x7fffff;
      const v = l & 0xff;
      if ((l & 0x7f800000) >>> 23 !== 0 || x >= t.numVars) throw new RangeError(`search tables: literal ${k} is on variable ${x}, there are ${t.numVars}`);
      const size = sizes[x]!;
      if (v >= size) throw new RangeError(`search tables: literal ${k} is on value ${v} of variable ${x}, which has ${size}`);
      if (size <= 2 && v !== 1) throw new RangeError(`search tables: literal ${k} is on value ${v} of the ${size}-valued variable ${x}; the wire form carries value 1 only`);
      out.put(l >>> 31, 1);
      out.put(x, vb);
      out.put(v, valueFieldBits(size));
    }
  }
  if (next !== t.numLiterals) throw new RangeError(`search tables: the clauses hold ${next} literals, numLiterals is ${t.numLiterals}`);
  return { vars: varBytes, clauses: out.finish() };
}

/** What the device refuses in a table stream: ERROR_SEARCH_TABLE with this arg (docs/search.md). */
export class SearchStreamError extends Error {
  override name = 'SearchStreamError';
  constructor(readonly arg: number, message: string) {
    super(message);
  }
}

/** ERROR_SEARCH_TABLE args (docs/search.md, "Errors"). */
export const SEARCH_TABLE_ERROR = {
  variable: 1,
  value: 2,
  vars: 5,
  values: 6,
  clauses: 7,
  literals: 8,
  shift: 9,
  /** A variable of other than 2 values, on a booleans-only engine (search_lite's loader only). */
  booleans: 10,
} as const;

/**
 * The device's decoder and builder: the five sections it stores from the two streams, with the
 * checks it makes (SearchStreamError with the ERROR_SEARCH_TABLE arg).
 */
export function decodeSearchStream(s: SearchSizes, stream: SearchStream): SearchTableWords {
  const E = SEARCH_TABLE_ERROR;
  if (stream.vars.length !== s.numVars) throw new SearchStreamError(E.vars, `${stream.vars.length} VARS bytes for ${s.numVars} variables`);
  const vars = new Uint32Array(s.numVars);
  let base = 0;
  for (let x = 0; x < s.numVars; x++) {
    const size = stream.vars[x]! + 1;
    if (base + size > s.numValues) throw new SearchStreamError(E.values, `variable ${x}'s values end past the ${s.numValues} value slots`);
    vars[x] = (base | (stream.vars[x]! << 24)) >>> 0;
    base += size;
  }
  if (base !== s.numValues) throw new SearchStreamError(E.values, `the sizes sum to ${base}, not ${s.numValues}`);
  const bytes = stream.clauses;
  let bit = 0;
  const take = (width: number): number | null => {
    if (bit + width > 8 * bytes.length) return null;
    let v = 0;
    for (let k = 0; k < width; k++, bit++) v |= ((bytes[bit >>> 3]! >>> (bit & 7)) & 1) << k;
    return v >>> 0;
  };
  const vb = varFieldBits(s.numVars);
  const clauses = new Uint32Array(s.numClauses);
  const literals = new Uint32Array(s.numLiterals);
  let nl = 0;
  let c = 0;
  let lenField = 0;
  let prevStart = -1;
  for (; c < s.numClauses; c++) {
    const changed = take(1);
    if (changed === null) break;
    if (changed) {
      const shift = take(1);
      if (shift === null) throw new SearchStreamError(E.clauses, `clause ${c} is cut off`);
      if (shift) {
        if (prevStart < 0 || lenField >= SHIFT_MAX_LITERALS) {
          throw new SearchStreamError(E.shift, `clause ${c}: a shifted copy ${prevStart < 0 ? 'before any clause' : `after a clause of ${lenField + 1} literals`}`);
        }
        clauses[c] = (nl | (lenField << 24)) >>> 0;
        for (let k = 0; k <= lenField; k++) {
          if (nl >= s.numLiterals) throw new SearchStreamError(E.literals, `more than ${s.numLiterals} literals`);
          const before = literals[prevStart + k]!;
          const size = (vars[(before >>> 8) & 0x7fffff]! >>> 24) + 1;
          if (size <= 2 || (before & 0xff) + 1 >= size) throw new SearchStreamError(E.value, `clause ${c}: a shifted copy of a literal on value ${before & 0xff} of a ${size}-valued variable`);
          literals[nl++] = before + 1;
        }
        prevStart = nl - lenField - 1;
        continue;
      }
      const f = take(8);
      if (f === null) throw new SearchStreamError(E.clauses, `clause ${c} is cut off`);
      lenField = f;
    }
    clauses[c] = (nl | (lenField << 24)) >>> 0;
    prevStart = nl;
    for (let k = 0; k <= lenField; k++) {
      const neg = take(1);
      const x = neg === null ? null : take(vb);
      if (x === null) throw new SearchStreamError(E.clauses, `clause ${c} is cut off`);
      if (x >= s.numVars) throw new SearchStreamError(E.variable, `clause ${c}: variable ${x} of ${s.numVars}`);
      if (nl >= s.numLiterals) throw new SearchStreamError(E.literals, `more than ${s.numLiterals} literals`);
      const size = (vars[x]! >>> 24) + 1;
      const v = size > 2 ? take(valueFieldBits(size)) : 1;
      if (v === null) throw new SearchStreamError(E.clauses, `clause ${c} is cut off`);
      if (v >= size) throw new SearchStreamError(E.value, `clause ${c}: value ${v} of variable ${x}, which has ${size}`);
      literals[nl++] = (v | (x << 8) | (neg! << 31)) >>> 0;
    }
  }
  if (c < s.numClauses) throw new SearchStreamError(E.clauses, `${c} clauses of ${s.numClauses}`);
  if (8 * bytes.length - bit >= 8) throw new SearchStreamError(E.clauses, 'bytes after the last clause');
  if (nl !== s.numLiterals) throw new SearchStreamError(E.literals, `${nl} literals of ${s.numLiterals}`);
  const { values, occurrences } = buildOccurrences(vars, clauses, literals, s.numValues);
  return { ...s, sections: { vars, clauses, literals, values, occurrences } };
}

/**
 * VALUES and OCCURRENCES from the stored literals (the counting sort the device runs after the
 * last chunk): count per slot, prefix sum, each literal's clause (with its sign) placed in
 * ascending clause order.
 */
export function buildOccurrences(vars: Uint32Array, clauses: Uint32Array, literals: Uint32Array, numValues: number): { values: Uint32Array; occurrences: Uint32Array } {
  const slotOf = (w: number): number => (vars[(w >>> 8) & 0x7fffff]! & 0xffffff) + (w & 0xff);
  const values = new Uint32Array(numValues + 1);
  for (const w of literals) values[slotOf(w) + 1]!++;
  for (let p = 0; p < numValues; p++) values[p + 1]! += values[p]!;
  const fill = values.slice(0, numValues);
  const occurrences = new Uint32Array(literals.length);
  for (let c = 0; c < clauses.length; c++) {
    const start = clauses[c]! & 0xffffff;
    const end = start + (clauses[c]! >>> 24) + 1;
    for (let k = start; k < end; k++) {
      const w = literals[k]!;
      occurrences[fill[slotOf(w)]!++] = (c | (w & 0x80000000)) >>> 0;
    }
  }
  return { values, occurrences };
}
