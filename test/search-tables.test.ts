// The search tables (docs/search.md): on random models of every constraint type, the searched
// clauses agree with the model checker on every in-domain assignment, constraint by constraint and
// as a whole; the five sections keep their layouts and invariants; the prior is quantised as the
// doc says. Clauses are evaluated here from the section words alone, not through any src helper.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { plantedColoring } from '../bench/gen/coloring.ts';
import { plantedSat } from '../bench/gen/sat.ts';
import { holds } from '../src/check/model-checker.ts';
import { crc32 } from '../src/model/crc32.ts';
import { parseProblem } from '../src/model/parse.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { Prng } from '../src/model/prng.ts';
import { GUMBEL_TABLE } from '../src/model/search-prior.ts';
import {
  compileSearchTables, quantisePrior, SEARCH_LIMITS, searchImageBytes, searchImageCrc, uniformPrior, type SearchTables,
} from '../src/model/search-tables.ts';
import { decodeSearchStream, encodeSearchStream, SEARCH_TABLE_ERROR, SearchStreamError, type SearchTableWords } from '../src/model/search-wire.ts';
import type { Constraint, Model, Variable } from '../src/model/types.ts';
import { randomIndices, randomModel } from './helpers/random-model.ts';

const seed = fc.integer({ min: 0, max: 0xffffffff });

/** Decoded clauses: per clause its literals as [var, value, negated]. */
function decodeClauses(t: SearchTables): [number, number, boolean][][] {
  const out: [number, number, boolean][][] = [];
  for (let c = 0; c < t.numClauses; c++) {
    const w = t.sections.clauses[c]!;
    const start = w & 0xffffff;
    const len = (w >>> 24) + 1;
    const lits: [number, number, boolean][] = [];
    for (let k = start; k < start + len; k++) {
      const l = t.sections.literals[k]!;
      lits.push([(l >>> 8) & 0x7fffff, l & 0xff, l >>> 31 === 1]);
    }
    out.push(lits);
  }
  return out;
}

function allClausesHold(clauses: [number, number, boolean][][], idx: readonly number[]): boolean {
  return clauses.every((lits) => lits.some(([x, v, neg]) => (idx[x] === v) !== neg));
}

const valuesOf = (m: Model, idx: readonly number[]): number[] => m.variables.map((v, i) => v.min + idx[i]!);
const single = (m: Model, c: Constraint): Model => ({ ...m, constraints: [c] });

/** Every in-domain assignment of the model's variables, or null when there are more than `limit`. */
function allAssignments(m: Model, limit: number): number[][] | null {
  const doms = m.variables.map((v) => v.allowed.flatMap((a, i) => (a ? [i] : [])));
  if (doms.reduce((p, d) => p * d.length, 1) > limit) return null;
  let out: number[][] = [[]];
  for (const d of doms) out = out.flatMap((a) => d.map((i) => [...a, i]));
  return out;
}

function boolVar(name: string): Variable {
  return { name, min: 0, size: 2, allowed: [true, true], kind: 'bool' };
}
function intVar(name: string, size: number, min = 0, allowed?: boolean[]): Variable {
  return { name, min, size, allowed: allowed ?? new Array<boolean>(size).fill(true), kind: 'int' };
}
const modelOf = (variables: Variable[], constraints: Constraint[]): Model => ({ format: 'json', variables, constraints, meta: {} });

describe('compileSearchTables: clauses agree with the model checker', () => {
  it('per constraint and as a whole, on random models and in-domain assignments', () => {
    const stats = { searched: 0, checkedOnly: 0, exhaustive: 0, satisfied: 0 };
    fc.assert(fc.property(seed, (s) => {
      const rng = new Prng(s);
      const m = randomModel(rng, { maxDomainSize: rng.int(2) === 0 ? 8 : 256 });
      const t = compileSearchTables(m);
      const whole = decodeClauses(t);
      const per = m.constraints.map((c) => {
        const tc = compileSearchTables(single(m, c));
        return tc.searched.length === 1 ? decodeClauses(tc) : null;
      });
      // searched in the whole model <=> searched alone (nothing depends on the other constraints)
      m.constraints.forEach((_, j) => expect(t.searched.includes(j)).toBe(per[j] !== null));
      stats.searched += t.searched.length;
      stats.checkedOnly += t.checkedOnly.length;
      const exhaustive = allAssignments(m, 3000);
      if (exhaustive) stats.exhaustive++;
      const cases = exhaustive ?? Array.from({ length: 200 }, () => randomIndices(rng, m, 0));
      for (const idx of cases) {
        const values = valuesOf(m, idx);
        m.constraints.forEach((c, j) => {
          if (per[j]) expect(allClausesHold(per[j]!, idx), `constraint ${j} ${JSON.stringify(c).slice(0, 200)} at ${idx}`).toBe(holds(c, values));
        });
        const expected = t.searched.every((j) => holds(m.constraints[j]!, values));
        if (expected) stats.satisfied++;
        expect(allClausesHold(whole, idx)).toBe(expected);
      }
    }), { numRuns: 300 });
    expect(stats.searched).toBeGreaterThan(100);
    expect(stats.checkedOnly).toBeGreaterThan(10);
    expect(stats.exhaustive).toBeGreaterThan(20);
    expect(stats.satisfied).toBeGreaterThan(100);
  });

  it('marks exactly the linear constraints over 3+ variables and the self-contradictory ones as checked only', () => {
    fc.assert(fc.property(seed, (s) => {
      const rng = new Prng(s);
      const m = randomModel(rng, { maxDomainSize: 8 });
      const t = compileSearchTables(m);
      const indices = [...t.searched, ...t.checkedOnly.map((e) => e.index)].sort((a, b) => a - b);
      expect(indices).toEqual(m.constraints.map((_, j) => j));
      for (const e of t.checkedOnly) {
        const c = m.constraints[e.index]!;
        if (e.kind === 'not-searched') expect(c.type).toBe('linear');
        if (e.kind === 'unsatisfiable') {
          // no in-domain assignment satisfies the constraint
          for (const idx of allAssignments(m, 5000) ?? []) expect(holds(c, valuesOf(m, idx))).toBe(false);
        }
        expect(e.reason.length).toBeGreaterThan(0);
      }
    }), { numRuns: 200 });
  });
});

describe('compileSearchTables: sections', () => {
  /** Every broken invariant, as text (one expect per model keeps the property test fast). */
  function sectionErrors(m: Model, t: SearchTables): string[] {
    const errors: string[] = [];
    const check = (ok: boolean, what: () => string): void => { if (!ok && errors.length < 20) errors.push(what()); };
    const { vars, clauses, literals, values, occurrences } = t.sections;
    check(t.numVars === m.variables.length && vars.length === t.numVars, () => 'numVars');
    let base = 0;
    m.variables.forEach((v, x) => {
      check(t.valueBase[x] === base && vars[x] === ((base | ((v.size - 1) << 24)) >>> 0), () => `VARS[${x}]`);
      base += v.size;
    });
    check(t.numValues === base, () => 'numValues');
    check(clauses.length === t.numClauses && literals.length === t.numLiterals && occurrences.length === t.numLiterals, () => 'section lengths');
    check(values.length === t.numValues + 1, () => 'VALUES length');
    // CLAUSES: back to back, lengths 1..256
    let at = 0;
    const keys = new Set<string>();
    const expected: number[][] = Array.from({ length: t.numValues }, () => []);
    for (let c = 0; c < t.numClauses; c++) {
      const len = (clauses[c]! >>> 24) + 1;
      check((clauses[c]! & 0xffffff) === at && len <= SEARCH_LIMITS.maxClauseLength, () => `CLAUSES[${c}]`);
      const words = Array.from(literals.subarray(at, at + len));
      // ascending, so no literal twice; no clause twice
      for (let k = 1; k < len; k++) check(words[k]! > words[k - 1]!, () => `clause ${c} not ascending`);
      const key = words.join(',');
      check(!keys.has(key), () => `clause ${c} repeated`);
      keys.add(key);
      // the domain clauses of booleans with one value left come last: (x, 1), or (x, 1, negated) when 1 is the hole
      const held = c - (t.numClauses - t.heldDomains.length);
      if (held >= 0) {
        const x = t.heldDomains[held]!;
        const v = m.variables[x]!;
        check(len === 1 && v.size === 2 && v.allowed[0] !== v.allowed[1] && words[0] === ((1 | (x << 8) | (v.allowed[1] ? 0 : 0x80000000)) >>> 0),
          () => `clause ${c}: not the domain clause of boolean ${x}`);
        expected[t.valueBase[x]! + 1]!.push((c | (words[0]! & 0x80000000)) >>> 0);
        at += len;
        continue;
      }
      // canonical: per variable positive literals on domain values (not all of them), or one negative literal
      const byVar = new Map<number, { pos: number[]; neg: number[] }>();
      for (const w of words) {
        const x = (w >>> 8) & 0x7fffff;
        const v = w & 0xff;
        const variable = m.variables[x];
        check(variable !== undefined && v < variable.size && variable.allowed[v] === true, () => `clause ${c}: literal ${w.toString(16)} off the domain`);
        if (variable === undefined || v >= variable.size) continue;
        let e = byVar.get(x);
        if (!e) byVar.set(x, (e = { pos: [], neg: [] }));
        (w >>> 31 ? e.neg : e.pos).push(v);
        expected[t.valueBase[x]! + v]!.push((c | (w & 0x80000000)) >>> 0);
      }
      for (const [x, e] of byVar) {
        const domain = m.variables[x]!.allowed.filter(Boolean).length;
        if (e.neg.length > 0) check(e.neg.length === 1 && e.pos.length === 0 && domain >= 2, () => `clause ${c}: var ${x} negative literals`);
        else check(e.pos.length < domain, () => `clause ${c}: var ${x} positive literals cover the domain`);
        // two domain values {a < b}: only ever literals on b
        if (domain === 2) {
          const b = m.variables[x]!.allowed.lastIndexOf(true);
          check(e.pos.length + e.neg.length === 1 && [...e.pos, ...e.neg][0] === b, () => `clause ${c}: boolean ${x} not on its larger value`);
        }
      }
      at += len;
    }
    check(at === t.numLiterals, () => 'literal count');
    // VALUES monotone from 0 to numLiterals; OCCURRENCES exactly the literals, ascending clause per slot
    check(values[0] === 0 && values[t.numValues] === t.numLiterals, () => 'VALUES ends');
    for (let p = 0; p < t.numValues; p++) {
      check(values[p + 1]! >= values[p]!, () => `VALUES[${p}] not monotone`);
      const got = Array.from(occurrences.subarray(values[p]!, values[p + 1]!));
      check(got.join(',') === expected[p]!.join(','), () => `OCCURRENCES of slot ${p}: ${got} vs ${expected[p]}`);
    }
    return errors;
  }

  it('keep their layouts and invariants on random models', () => {
    fc.assert(fc.property(seed, (s) => {
      const m = randomModel(new Prng(s), { variables: 1 + (s % 8), constraints: 1 + (s % 7) });
      expect(sectionErrors(m, compileSearchTables(m))).toEqual([]);
    }), { numRuns: 300 });
  });

  it('travel in the wire form: VARS bytes, the clause bit stream, and the CRC of both in order', () => {
    const m = randomModel(new Prng(7), { variables: 6, constraints: 6, types: ['clause', 'compare', 'allDifferent'] });
    const t = compileSearchTables(m);
    const image = searchImageBytes(t);
    expect(image.map((e) => e.section)).toEqual([0, 1]);
    expect(image.map((e) => e.name)).toEqual(['vars', 'clauses']);
    expect(Array.from(image[0]!.bytes)).toEqual(m.variables.map((v) => v.size - 1));
    const all = new Uint8Array(image.reduce((n, e) => n + e.bytes.length, 0));
    let at = 0;
    for (const e of image) { all.set(e.bytes, at); at += e.bytes.length; }
    expect(searchImageCrc(t)).toBe(crc32(all));
  });

  it('come back word for word from the wire form (the device\'s decoder and builder) on random models', () => {
    fc.assert(fc.property(seed, (s) => {
      const m = randomModel(new Prng(s), { variables: 1 + (s % 9), constraints: 1 + (s % 7), maxDomainSize: s % 3 === 0 ? 256 : 8 });
      const t = compileSearchTables(m);
      const back = decodeSearchStream(t, encodeSearchStream(t));
      for (const name of ['vars', 'clauses', 'literals', 'values', 'occurrences'] as const) expect(Array.from(back.sections[name]), name).toEqual(Array.from(t.sections[name]));
    }), { numRuns: 300 });
  });

  it('pack a clause as its header (0: the length as before; 1, 0 and 8 bits length - 1) and per literal sign, variable and (over 2 values) value bits, LSB first', () => {
    // Variables: a boolean (size 2), c of 5 values, 2 more booleans: VB = 2 bits; c's values 3 bits.
    const m = modelOf([boolVar('a'), intVar('c', 5), boolVar('d'), boolVar('e')], [
      { type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 1, values: [3], negated: false }, { var: 3, values: [1], negated: true }] },
    ]);
    const t = compileSearchTables(m);
    const { vars, clauses } = encodeSearchStream(t);
    expect(Array.from(vars)).toEqual([1, 4, 1, 1]);
    // length 3, not 1: bits 1, 0, then length-1 = 2 (8 bits); (a,1): neg 0, var 00; (c,3): neg 0,
    // var 01, value 011; (e,1,neg): neg 1, var 11.
    const bits = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1];
    const want = [0, 0, 0];
    bits.forEach((b, i) => { want[i >> 3]! |= b << (i & 7); });
    expect(Array.from(clauses)).toEqual(want);
  });

  it('take about 1 to 1.3 bytes a literal on random 3-SAT (12 in the stored words)', () => {
    for (const [n, m] of [[50, 218], [250, 1065]] as const) {
      const t = compileSearchTables(parseProblem(plantedSat(n, m, 1).cnf, { format: 'cnf' }));
      const bytes = searchImageBytes(t).reduce((k, e) => k + e.bytes.length, 0);
      expect(bytes / t.numLiterals).toBeGreaterThan(0.9);
      expect(bytes / t.numLiterals).toBeLessThan(1.3);
    }
  });

  it('refuse what the form cannot carry, and the decoder refuses what the device refuses, with its arg', () => {
    const t = compileSearchTables(modelOf([boolVar('a'), intVar('c', 5)], [
      { type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 1, values: [3], negated: false }] },
    ]));
    const bad = (f: (w: SearchTableWords) => void): SearchTableWords => {
      const c = { ...t, sections: { ...t.sections, literals: t.sections.literals.slice(), vars: t.sections.vars.slice(), clauses: t.sections.clauses.slice() } };
      f(c);
      return c;
    };
    expect(() => encodeSearchStream(bad((w) => { w.sections.literals[0] = 0; }))).toThrow(/carries value 1 only/);
    expect(() => encodeSearchStream(bad((w) => { w.sections.literals[1] = (5 | (1 << 8)) >>> 0; }))).toThrow(/value 5 of variable 1/);
    expect(() => encodeSearchStream(bad((w) => { w.sections.clauses[0] = (1 << 24) | 1; }))).toThrow(/back to back/);
    const stream = encodeSearchStream(t);
    const argOf = (sizes: Partial<SearchTableWords>, s: { vars?: Uint8Array; clauses?: Uint8Array }): number | null => {
      try {
        decodeSearchStream({ ...t, ...sizes }, { ...stream, ...s });
        return null;
      } catch (err) {
        if (!(err instanceof SearchStreamError)) throw err;
        return err.arg;
      }
    };
    expect(argOf({}, {})).toBeNull();
    expect(argOf({ numValues: 6 }, {})).toBe(SEARCH_TABLE_ERROR.values);
    // The 7 padding bits decode as a second clause of two literals; a third is missing.
    expect(argOf({ numClauses: 3, numLiterals: 6 }, {})).toBe(SEARCH_TABLE_ERROR.clauses);
    expect(argOf({}, { clauses: Uint8Array.from([...stream.clauses, 0]) })).toBe(SEARCH_TABLE_ERROR.clauses);
    expect(argOf({ numLiterals: 1 }, {})).toBe(SEARCH_TABLE_ERROR.literals);
    expect(argOf({ numLiterals: 3 }, {})).toBe(SEARCH_TABLE_ERROR.literals);
    // c's value field (3 bits, stream bits 16..18) set to 7: past its 5 values.
    const c = stream.clauses.slice();
    c[2]! |= 0x07;
    expect(argOf({}, { clauses: c })).toBe(SEARCH_TABLE_ERROR.value);
    // A shifted copy (header bits 1, 1) as the first clause.
    expect(argOf({}, { clauses: Uint8Array.from([0x03]) })).toBe(SEARCH_TABLE_ERROR.shift);
  });

  it('send a colouring edge as one clause and shifted copies (header 1, 1: no literals), under 0.7 bytes a literal', () => {
    // An edge over 4 colours: (u != c or v != c) for c = 0..3; VB = 1 bit, values 2 bits.
    const m = modelOf([intVar('u', 4), intVar('v', 4)], [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }]);
    const t = compileSearchTables(m);
    expect(t.numClauses).toBe(4);
    const { clauses } = encodeSearchStream(t);
    // Clause 0, length 2: bits 1, 0, 00000001; (u,0,neg): 1, 0, 00; (v,0,neg): 1, 1, 00. Then three
    // shifted copies, bits 1, 1 each.
    const bits = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1];
    const want = [0, 0, 0];
    bits.forEach((b, i) => { want[i >> 3]! |= b << (i & 7); });
    expect(Array.from(clauses)).toEqual(want);
    const back = decodeSearchStream(t, encodeSearchStream(t));
    expect(Array.from(back.sections.literals)).toEqual(Array.from(t.sections.literals));
    // A planted 3-colouring of 200 vertices: 0.56 bytes a literal in CLAUSES (1.44 without the
    // copies), 0.63 with the VARS bytes.
    const g = compileSearchTables(parseProblem(plantedColoring(200, 3, 479, 1).col, { format: 'col', colors: 3 }));
    const bytes = searchImageBytes(g).reduce((k, e) => k + e.bytes.length, 0);
    expect(bytes / g.numLiterals).toBeLessThan(0.7);
  });

  it('refuse a shifted copy after a long clause or onto a value past the domain, as the device does', () => {
    // A 5-literal clause over 3-valued variables, then a shifted copy: arg 9.
    const vars5 = Array.from({ length: 5 }, (_, i) => intVar(`x${i}`, 3));
    const five = compileSearchTables(modelOf(vars5, [{ type: 'clause', literals: vars5.map((_, i) => ({ var: i, values: [0], negated: false })) }]));
    const e5 = encodeSearchStream(five);
    const after5 = { ...five, numClauses: 2, numLiterals: 10 };
    const withCopy = (st: Uint8Array, bitLen: number): Uint8Array => {
      const out = Uint8Array.from([...st, 0]);
      out[bitLen >> 3]! |= 1 << (bitLen & 7);
      out[(bitLen + 1) >> 3]! |= 1 << ((bitLen + 1) & 7);
      return out.slice(0, (bitLen + 2 + 7) >> 3);
    };
    // 10 header bits + 5 x (1 + 3 + 2) literal bits = 40.
    expect(() => decodeSearchStream(after5, { vars: e5.vars, clauses: withCopy(e5.clauses, 40) })).toThrow(SearchStreamError);
    try { decodeSearchStream(after5, { vars: e5.vars, clauses: withCopy(e5.clauses, 40) }); } catch (err) { expect((err as SearchStreamError).arg).toBe(SEARCH_TABLE_ERROR.shift); }
    // A copy of a clause on the last value of a 3-valued variable: arg 2.
    const last = compileSearchTables(modelOf([intVar('u', 3), intVar('v', 3)], [{ type: 'clause', literals: [{ var: 0, values: [2], negated: false }, { var: 1, values: [2], negated: false }] }]));
    const el = encodeSearchStream(last);
    // 10 header bits + 2 x (1 + 1 + 2) = 18.
    try {
      decodeSearchStream({ ...last, numClauses: 2, numLiterals: 4 }, { vars: el.vars, clauses: withCopy(el.clauses, 18) });
      expect.unreachable();
    } catch (err) { expect((err as SearchStreamError).arg).toBe(SEARCH_TABLE_ERROR.value); }
  });
});

describe('compileSearchTables: encodings', () => {
  const words = (t: SearchTables): number[][] => decodeClauses(t).map((c) => c.map(([x, v, n]) => (v | (x << 8) | (n ? 0x80000000 : 0)) >>> 0));
  const lit = (x: number, v: number, neg = false): number => (v | (x << 8) | (neg ? 0x80000000 : 0)) >>> 0;

  it('writes CNF booleans as (x, 1) and (x, 1, negated), merging and dropping tautologies', () => {
    const m = modelOf([boolVar('a'), boolVar('b')], [
      { type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 1, values: [1], negated: true }] },
      { type: 'clause', literals: [{ var: 0, values: [0], negated: false }, { var: 0, values: [0], negated: false }] },
      { type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 0, values: [1], negated: true }] },
      { type: 'clause', literals: [{ var: 1, values: [0], negated: true }, { var: 1, values: [1], negated: true }] },
    ]);
    const t = compileSearchTables(m);
    expect(words(t)).toEqual([[lit(0, 1), lit(1, 1, true)], [lit(0, 1, true)]]);
    expect(t.searched).toEqual([0, 1, 2, 3]);
  });

  it('writes x != y as conflict clauses and x < y as conflicts then supports', () => {
    const m = modelOf([intVar('x', 4), intVar('y', 4)], [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }]);
    expect(words(compileSearchTables(m))).toEqual([0, 1, 2, 3].map((i) => [lit(0, i, true), lit(1, i, true)]));
    const lt = modelOf([intVar('x', 5), intVar('y', 5)], [{ type: 'compare', x: 0, op: '<', y: 1, c: 0 }]);
    // i = 0: F = {0}: one conflict; i = 1: F = {0, 1}, S = {2, 3, 4}: conflicts (4 <= 4); i = 2: support (3 2-literal
    // conflicts would take 6 > 3); i = 3: support y = 4; i = 4: unit x != 4
    expect(words(compileSearchTables(lt))).toEqual([
      [lit(0, 0, true), lit(1, 0, true)],
      [lit(0, 1, true), lit(1, 0, true)], [lit(0, 1, true), lit(1, 1, true)],
      [lit(1, 3), lit(1, 4), lit(0, 2, true)],
      [lit(1, 4), lit(0, 3, true)],
      [lit(0, 4, true)],
    ]);
  });

  it('leaves holes out: no positive literal on a hole, a negative one on a hole is always true', () => {
    const m = modelOf([intVar('x', 4, 10, [true, false, true, true]), intVar('y', 3)], [
      { type: 'clause', literals: [{ var: 0, values: [11, 12], negated: false }, { var: 1, values: [0], negated: false }] },
      { type: 'clause', literals: [{ var: 0, values: [11], negated: true }] },
      { type: 'clause', literals: [{ var: 0, values: [10, 11], negated: true }] }, // x in {12, 13}
    ]);
    expect(words(compileSearchTables(m))).toEqual([[lit(0, 2), lit(1, 0)], [lit(0, 0, true)]]);
  });

  it('marks a constraint unsatisfiable over the domains, a clause over 256 literals and linear sums as checked only', () => {
    const many = Array.from({ length: 300 }, (_, i) => boolVar(`b${i}`));
    const m = modelOf([intVar('x', 3, 0, [false, true, false]), ...many], [
      { type: 'clause', literals: [{ var: 0, values: [0, 2], negated: false }] },
      { type: 'clause', literals: many.map((_, i) => ({ var: i + 1, values: [1], negated: false })) },
      { type: 'linear', terms: [{ var: 1, coef: 1 }, { var: 2, coef: 1 }, { var: 3, coef: 1 }], op: '<=', rhs: 1 },
      { type: 'linear', terms: [{ var: 1, coef: 1 }, { var: 2, coef: 1 }], op: '<=', rhs: 1 },
    ]);
    const t = compileSearchTables(m);
    expect(t.checkedOnly.map((e) => [e.index, e.kind])).toEqual([[0, 'unsatisfiable'], [1, 'long-clause'], [2, 'not-searched']]);
    expect(t.searched).toEqual([3]);
    expect(words(t)).toEqual([[lit(1, 1, true), lit(2, 1, true)]]);
  });

  it('expands wide tables into forbidden tuples, within the limit', () => {
    const vs = [intVar('a', 3), intVar('b', 3), intVar('c', 3)];
    const allowed = modelOf(vs, [{ type: 'table', vars: [0, 1, 2], tuples: [[0, 0, 0], [1, 1, 1]], mode: 'allowed' }]);
    expect(compileSearchTables(allowed).numClauses).toBe(25);
    const capped = compileSearchTables(allowed, { maxForbiddenTuples: 24 });
    expect(capped.checkedOnly.map((e) => e.kind)).toEqual(['too-large']);
    const forbidden = modelOf(vs, [{ type: 'table', vars: [0, 1, 2], tuples: [[0, 1, 2], [0, 1, 2], [5, 0, 0]], mode: 'forbidden' }]);
    expect(words(compileSearchTables(forbidden))).toEqual([[lit(0, 0, true), lit(1, 1, true), lit(2, 2, true)]]);
  });

  it('keeps identical clauses once and rolls back a constraint that passes the capacity', () => {
    const vs = [intVar('a', 3), intVar('b', 3), intVar('c', 3)];
    const m = modelOf(vs, [
      { type: 'allDifferent', vars: [0, 1], offsets: [0, 0] },
      { type: 'compare', x: 0, op: '!=', y: 1, c: 0 },
      { type: 'allDifferent', vars: [1, 2], offsets: [0, 0] },
      { type: 'compare', x: 0, op: '!=', y: 2, c: 0 },
    ]);
    const t = compileSearchTables(m);
    expect(t.numClauses).toBe(9);
    const small = compileSearchTables(m, { maxClauses: 7 });
    expect(small.searched).toEqual([0, 1, 2]);
    expect(small.checkedOnly.map((e) => [e.index, e.kind])).toEqual([[3, 'tables-full']]);
    expect(small.numClauses).toBe(6);
    expect(small.numLiterals).toBe(12);
  });

  it('pairs an allDifferent by a sweep: only variables whose shifted ranges meet', () => {
    const n = 3000;
    const vs = Array.from({ length: n }, (_, i) => intVar(`v${i}`, 4));
    // v_i + 3i: ranges [3i, 3i + 3] meet only the neighbours' (at one value)
    const m = modelOf(vs, [{ type: 'allDifferent', vars: vs.map((_, i) => i), offsets: vs.map((_, i) => 3 * i) }]);
    const start = performance.now();
    const t = compileSearchTables(m);
    expect(performance.now() - start).toBeLessThan(5000);
    expect(t.numClauses).toBe(n - 1);
    expect(words(t)[0]).toEqual([lit(0, 3, true), lit(1, 0, true)]);
  });

  it('throws UnsatisfiableError on an empty domain', () => {
    expect(() => compileSearchTables(modelOf([intVar('x', 2, 0, [false, false])], []))).toThrow(UnsatisfiableError);
  });

  it('refuses bad options', () => {
    const m = modelOf([boolVar('a')], []);
    expect(() => compileSearchTables(m, { maxLiterals: -1 })).toThrow(/maxLiterals/);
    expect(() => compileSearchTables(m, { maxClauses: 2 ** 30 })).toThrow(/maxClauses/);
  });
});

describe('quantisePrior', () => {
  it('gives 0 outside the domain and clamp(255 + round(16 ln(p / pmax)), 1, 255) inside, flat or per variable', () => {
    fc.assert(fc.property(seed, (s) => {
      const rng = new Prng(s);
      const m = randomModel(rng, { constraints: 1, maxDomainSize: 40 });
      const t = compileSearchTables(m);
      const D = Math.max(...m.variables.map((v) => v.size)) + rng.int(3);
      const flat = Float64Array.from({ length: m.variables.length * D }, () => (rng.int(5) === 0 ? 0 : rng.next() ** 4));
      const rows = m.variables.map((_, x) => Array.from(flat.subarray(x * D, (x + 1) * D)));
      const q = quantisePrior(t, flat, m);
      expect(quantisePrior(t, rows, m)).toEqual(q);
      expect(q.length).toBe(t.numValues);
      m.variables.forEach((v, x) => {
        const p = rows[x]!.slice(0, v.size);
        const pmax = Math.max(...p.filter((_, i) => v.allowed[i]));
        v.allowed.forEach((a, i) => {
          const w = q[t.valueBase[x]! + i]!;
          if (!a) { expect(w).toBe(0); return; }
          if (pmax === 0) { expect(w).toBe(255); return; }
          const expected = p[i]! > 0 ? Math.min(255, Math.max(1, 255 + Math.round(16 * Math.log(p[i]! / pmax)))) : 1;
          expect(w).toBe(expected);
        });
        if (pmax > 0) expect(Math.max(...v.allowed.map((a, i) => (a ? q[t.valueBase[x]! + i]! : 0)))).toBe(255);
      });
    }), { numRuns: 200 });
  });

  it('uniformPrior is 255 on the domain; shapes that do not match are refused', () => {
    const m = modelOf([intVar('x', 3, 0, [true, false, true]), boolVar('b')], []);
    const t = compileSearchTables(m);
    expect(Array.from(uniformPrior(t, m))).toEqual([255, 0, 255, 255, 255]);
    expect(Array.from(quantisePrior(t, [1, 0.5, Math.exp(-1), 0, 0, 0], m))).toEqual([255, 0, 239, 255, 255]);
    expect(() => quantisePrior(t, [1, 2, 3, 4], m)).toThrow(RangeError);
    expect(() => quantisePrior(t, [1, 1, 1, 1, 1, 1], modelOf([boolVar('a')], []))).toThrow(/variables/);
  });

  it('GUMBEL_TABLE[k] = round(16 * -ln(-ln((k + 0.5) / 256))), -29..100', () => {
    expect(GUMBEL_TABLE.length).toBe(256);
    expect(GUMBEL_TABLE[0]).toBe(-29);
    expect(GUMBEL_TABLE[255]).toBe(100);
    expect(GUMBEL_TABLE[94]).toBe(0);
    for (let k = 1; k < 256; k++) expect(GUMBEL_TABLE[k]!).toBeGreaterThanOrEqual(GUMBEL_TABLE[k - 1]!);
  });
});
