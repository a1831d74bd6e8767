// The compiler, constraint type by constraint type: the exact words, the folding of constants,
// the encoding choices, unsatisfiability proofs and the errors on bad or oversized input.

import { describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import { checkProgram } from '../src/check/program-checker.ts';
import { compile, compileUnsearched } from '../src/model/compile.ts';
import { InputError, UnsatisfiableError } from '../src/model/errors.ts';
import { decodeWord, Opcode, type Instruction } from '../src/model/isa.ts';
import { packIndices } from '../src/model/pack.ts';
import type { Program } from '../src/model/program.ts';
import { recount } from '../src/model/search-reference.ts';
import { compileSearchTables } from '../src/model/search-tables.ts';
import type { Constraint, Model, Variable } from '../src/model/types.ts';

const { TRUE, IN, CMP, ACC, LCMP, ADIFF } = Opcode;

function v(name: string, min: number, size: number, holes: number[] = []): Variable {
  return { name, min, size, allowed: Array.from({ length: size }, (_, i) => !holes.includes(i)), kind: 'int' };
}

function model(variables: Variable[], constraints: Constraint[]): Model {
  return { format: 'json', variables, constraints, meta: {} };
}

/** The program's words, decoded and split into constraints at each EC. */
function constraintsOf(p: Program): Instruction[][] {
  const out: Instruction[][] = [[]];
  for (const w of p.words) {
    const ins = decodeWord(w);
    out[out.length - 1]!.push(ins);
    if (ins.endCons) out.push([]);
  }
  expect(out.pop()).toEqual([]);
  return out;
}

/** The words of the model's only constraint. */
function only(m: Model): Instruction[] {
  const p = compile(m);
  const cs = constraintsOf(p);
  expect(cs.length).toBe(1 + p.domainChecks.length);
  return cs[0]!;
}

/** Every representable candidate of a small model gets the same verdict from the program and the model. */
function expectAgreement(m: Model): void {
  const p = compile(m);
  const total = p.widths.reduce((n, w) => n * (1 << w), 1);
  for (let k = 0; k < total; k++) {
    let rest = k;
    const indices = p.widths.map((w) => { const i = rest % (1 << w); rest = Math.floor(rest / (1 << w)); return i; });
    expect(checkProgram(p, packIndices(p.widths, indices))).toEqual(checkModel(m, indices));
  }
}

const bools = (n: number): Variable[] => Array.from({ length: n }, (_, i) => ({ ...v(`x${i + 1}`, 0, 2), kind: 'bool' as const }));

describe('clause', () => {
  it('SAT literals cost one IN word each', () => {
    const ws = only(model(bools(2), [{ type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 1, values: [1], negated: true }] }]));
    expect(ws).toMatchObject([
      { op: IN, x: 0, base: 1, mask: 1, neg: false, endTerm: false, endCons: false, dnf: false },
      { op: IN, x: 1, base: 0, mask: 1, neg: false, endCons: true, dnf: false },
    ]);
  });
  it('x != a over a large domain is one negated IN', () => {
    expect(only(model([v('x', -10, 256)], [{ type: 'clause', literals: [{ var: 0, values: [-5], negated: true }] }])))
      .toMatchObject([{ op: IN, x: 0, base: 5, mask: 1, neg: true, endCons: true }]);
  });
  it('a set spanning windows takes one IN per 32-value window', () => {
    const values = Array.from({ length: 41 }, (_, i) => i); // 0..40
    expect(only(model([v('x', 0, 256)], [{ type: 'clause', literals: [{ var: 0, values, negated: false }] }])))
      .toMatchObject([{ op: IN, base: 0, mask: 0xffffffff }, { op: IN, base: 32, mask: 0x1ff, endCons: true }]);
  });
  it('merges literals on one variable and drops values that cannot be represented', () => {
    // x in 0..2 (2 bits): index 3 is representable (past the end), 7 is not
    const ws = only(model([v('x', 0, 3)], [{ type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 0, values: [3, 7], negated: false }] }]));
    expect(ws).toMatchObject([{ op: IN, x: 0, base: 1, mask: 0b101, endCons: true }]);
  });
  it('a clause that always holds is one TRUE word', () => {
    expect(only(model(bools(1), [{ type: 'clause', literals: [{ var: 0, values: [0], negated: false }, { var: 0, values: [0], negated: true }] }])))
      .toMatchObject([{ op: TRUE, neg: false, endCons: true }]);
  });
  it('an empty clause, or conflicting unit clauses, prove unsatisfiability', () => {
    expect(() => compile(model(bools(1), [{ type: 'clause', literals: [] }]))).toThrow(UnsatisfiableError);
    const units = model(bools(2), [
      { type: 'clause', literals: [{ var: 0, values: [1], negated: false }] },
      { type: 'clause', literals: [{ var: 0, values: [1], negated: true }, { var: 1, values: [1], negated: false }] },
      { type: 'clause', literals: [{ var: 1, values: [0], negated: false }] },
    ]);
    expect(() => compile(units)).toThrow(/unsatisfiable: the constraints leave variable x2 no value|has no literal that can hold/);
  });
  it('propagation does not change the domains the program states', () => {
    const p = compile(model([v('x', 0, 4), v('y', 0, 2)], [{ type: 'clause', literals: [{ var: 0, values: [1, 2], negated: false }] }]));
    expect(p.domainChecks).toEqual([]);
    expect(constraintsOf(p)).toHaveLength(1);
  });
  it('a literal on a hole value can still be satisfied only by leaving the domain', () => {
    // x in {1} where 1 is a hole: no solution, found by propagation
    expect(() => compile(model([v('x', 0, 4, [1])], [{ type: 'clause', literals: [{ var: 0, values: [1], negated: false }] }])))
      .toThrow(UnsatisfiableError);
  });
});

describe('propagation of unary constraints', () => {
  const x = [v('x', 0, 8), v('y', 0, 8)];
  it('narrows a domain by unary linear sums and tables, and proves an emptied one unsatisfiable', () => {
    expect(() => compile(model(x, [
      { type: 'linear', terms: [{ coef: 2, var: 0 }, { coef: 1, var: 0 }], op: '>=', rhs: 9 }, // x >= 3
      { type: 'table', vars: [0, 0], tuples: [[1, 1], [2, 2], [5, 4]], mode: 'allowed' }, // x in {1, 2}
    ]))).toThrow(/unsatisfiable: constraint 1 \(table\) and the constraints before it leave variable x no value/);
  });
  it('feeds the narrowed domains to clause propagation', () => {
    expect(() => compile(model(x, [
      { type: 'table', vars: [0], tuples: [[6]], mode: 'allowed' },
      { type: 'clause', literals: [{ var: 0, values: [6], negated: true }, { var: 1, values: [9], negated: false }] },
    ]))).toThrow(/constraint 1 \(clause\) has no literal that can hold/);
  });
  it('leaves satisfiable unary constraints to the program', () => {
    const m = model(x, [
      { type: 'linear', terms: [{ coef: 1, var: 0 }], op: '!=', rhs: 3 },
      { type: 'table', vars: [1, 1], tuples: [[2, 2]], mode: 'forbidden' },
    ]);
    expect(compile(m).words).toHaveLength(4);
    expectAgreement(m);
  });
});

describe('compare', () => {
  const xy = [v('x', 1, 3), v('y', 0, 4)];
  it('shifts c by min_y - min_x', () => {
    // x < y + 1  <=>  (ix + 1) < iy + 1  <=>  ix < iy + 0
    expect(only(model(xy, [{ type: 'compare', x: 0, op: '<', y: 1, c: 1 }])))
      .toMatchObject([{ op: CMP, x: 0, y: 1, cop: 2, imm: 0, endCons: true }]);
    expectAgreement(model(xy, [{ type: 'compare', x: 0, op: '<', y: 1, c: 1 }]));
  });
  it('folds comparisons that no representable candidate can change', () => {
    // ix - iy ranges over -3..3 (2-bit indices): x < y + 10 always holds
    expect(only(model(xy, [{ type: 'compare', x: 0, op: '<', y: 1, c: 10 }]))).toMatchObject([{ op: TRUE, neg: false }]);
    expect(only(model(xy, [{ type: 'compare', x: 0, op: '!=', y: 0, c: 1 }]))).toMatchObject([{ op: TRUE, neg: false }]);
    expect(() => compile(model(xy, [{ type: 'compare', x: 0, op: '>', y: 1, c: 10 }]))).toThrow(/constraint 0 \(compare\) can never hold/);
  });
  it('keeps a comparison decided only on domain values but not on representable ones', () => {
    // x in 0..2 (index 3 representable), y = 0: x <= y + 2 holds on the domain, not for index 3
    const m = model([v('x', 0, 3), v('y', 0, 1)], [{ type: 'compare', x: 0, op: '<=', y: 1, c: 2 }]);
    expect(constraintsOf(compile(m))[0]).toMatchObject([{ op: CMP, cop: 3, imm: 2 }]);
    expectAgreement(m);
  });
});

describe('allDifferent', () => {
  it('uses ADIFF words with the shifts normalised to 0', () => {
    const m = model([v('a', 5, 4), v('b', 3, 4), v('c', 4, 8)], [{ type: 'allDifferent', vars: [0, 1, 2], offsets: [0, 0, 1] }]);
    // shifts 5, 3, 5 -> offsets 2, 0, 2
    expect(only(m)).toMatchObject([
      { op: ADIFF, x: 0, imm: 2, endTerm: true },
      { op: ADIFF, x: 1, imm: 0, endTerm: true },
      { op: ADIFF, x: 2, imm: 2, endCons: true },
    ]);
    expectAgreement(m);
  });
  it('falls back to pairwise CMP != when the shifts do not fit 0..255, dropping pairs that cannot collide', () => {
    const m = model([v('a', 0, 4), v('b', 0, 4), v('c', 0, 4)], [{ type: 'allDifferent', vars: [0, 1, 2], offsets: [0, 2, 300] }]);
    // a vs b: ia != ib + 2; a vs c and b vs c can never be equal
    expect(only(m)).toMatchObject([{ op: CMP, x: 0, y: 1, cop: 1, imm: 2, endCons: true }]);
    expectAgreement(m);
  });
  it('pairs only the variables whose shifted ranges overlap', () => {
    // 5000 variables in 0..3 with offsets 0, 3, 6, ...: only neighbours can collide, at one value
    const vars = Array.from({ length: 5000 }, (_, i) => v(`q${i}`, 0, 4));
    const ws = only(model(vars, [{ type: 'allDifferent', vars: vars.map((_, i) => i), offsets: vars.map((_, i) => 3 * i) }]));
    expect(ws).toHaveLength(4999);
    expect(ws[0]).toMatchObject({ op: CMP, x: 0, y: 1, cop: 1, imm: 3 });
  });
  it('two variables take one CMP', () => {
    expect(only(model([v('a', 0, 4), v('b', 1, 4)], [{ type: 'allDifferent', vars: [0, 1], offsets: [0, 0] }])))
      .toMatchObject([{ op: CMP, x: 0, y: 1, cop: 1, imm: 1 }]);
  });
  it('one variable always holds; a variable twice with the same offset never does', () => {
    expect(only(model([v('a', 0, 4)], [{ type: 'allDifferent', vars: [0], offsets: [0] }]))).toMatchObject([{ op: TRUE, neg: false }]);
    expect(() => compile(model([v('a', 0, 4)], [{ type: 'allDifferent', vars: [0, 0], offsets: [1, 1] }]))).toThrow(UnsatisfiableError);
  });
});

describe('table', () => {
  it('forbidden: one CNF term per tuple, x_i != t_i', () => {
    const m = model([v('x', 0, 2), v('y', 0, 8)], [{ type: 'table', vars: [0, 1], tuples: [[0, 5], [1, 9]], mode: 'forbidden' }]);
    // (0, 5): x in {1} or y in {0..7} \ {5}, one window each; (1, 9): 9 is not representable
    // for y (3 bits), so that tuple forbids nothing
    expect(only(m)).toMatchObject([{ op: IN, x: 0, base: 1, mask: 1, neg: false }, { op: IN, x: 1, base: 0, mask: 0xdf, neg: false, endCons: true }]);
    expectAgreement(m);
  });
  it('allowed: a DNF term per tuple when that is the smallest encoding', () => {
    const m = model([v('x', 0, 16), v('y', 0, 16), v('z', 0, 3)], [{ type: 'table', vars: [0, 1], tuples: [[3, 4], [3, 4]], mode: 'allowed' }]);
    expect(only(m)).toMatchObject([
      { op: IN, x: 0, base: 3, mask: 1, dnf: true },
      { op: IN, x: 1, base: 4, mask: 1, dnf: true, endCons: true },
    ]);
    expectAgreement(model([v('x', 0, 4), v('y', 0, 3), v('z', 0, 3)], [{ type: 'table', vars: [0, 1, 2], tuples: [[3, 1, 0], [0, 2, 2]], mode: 'allowed' }]));
  });
  it('allowed binary: the support encoding when it is smaller', () => {
    // x = 0 -> y in 0..5; x = 1 -> y in 2..7: 12 tuples, 24 DNF words, 4 support words
    const tuples = [0, 1, 2, 3, 4, 5].map((b) => [0, b]).concat([2, 3, 4, 5, 6, 7].map((b) => [1, b]));
    const m = model([v('x', 0, 2), v('y', 0, 8)], [{ type: 'table', vars: [0, 1], tuples, mode: 'allowed' }]);
    expect(only(m)).toMatchObject([
      { op: IN, x: 0, base: 1, mask: 1, dnf: false },
      { op: IN, x: 1, base: 0, mask: 0x3f, endTerm: true },
      { op: IN, x: 0, base: 0, mask: 1 },
      { op: IN, x: 1, base: 2, mask: 0x3f, endCons: true },
    ]);
    expectAgreement(m);
  });
  it('allowed binary: the support encoding keyed on the second variable when that is smaller', () => {
    const tuples = [0, 1, 2, 3, 4, 5].map((a) => [a, 0]).concat([2, 3, 4, 5, 6, 7].map((a) => [a, 1]));
    const m = model([v('x', 0, 8), v('y', 0, 2)], [{ type: 'table', vars: [0, 1], tuples, mode: 'allowed' }]);
    expect(only(m)).toHaveLength(4);
    expect(only(m)[0]).toMatchObject({ x: 1 });
    expectAgreement(m);
  });
  it('forbidden binary: the support encoding when it is smaller', () => {
    // x = 0 forbids y in 10..20, x = 1 forbids y in 100..105: 17 tuples, 34 words per tuple, 4 support words
    const tuples = Array.from({ length: 11 }, (_, k) => [0, 10 + k]).concat(Array.from({ length: 6 }, (_, k) => [1, 100 + k]));
    const m = model([v('x', 0, 2), v('y', 0, 256)], [{ type: 'table', vars: [0, 1], tuples, mode: 'forbidden' }]);
    expect(only(m)).toMatchObject([
      { op: IN, x: 0, base: 1, mask: 1 },
      { op: IN, x: 1, base: 10, mask: 0x7ff, neg: true, endTerm: true },
      { op: IN, x: 0, base: 0, mask: 1 },
      { op: IN, x: 1, base: 100, mask: 0x3f, neg: true, endCons: true },
    ]);
    expectAgreement(m);
  });
  it('an allowed table with no representable tuple never holds; a forbidden one always does', () => {
    const vars = [v('x', 0, 2), v('y', 0, 2)];
    expect(() => compile(model(vars, [{ type: 'table', vars: [0, 1], tuples: [[0, 2]], mode: 'allowed' }]))).toThrow(UnsatisfiableError);
    expect(only(model(vars, [{ type: 'table', vars: [0, 1], tuples: [[0, 2]], mode: 'forbidden' }]))).toMatchObject([{ op: TRUE, neg: false }]);
  });
});

describe('linear', () => {
  const xy = [v('x', 1, 4), v('y', -1, 3)];
  it('ACC words then LCMP with sum(coef * min) moved right', () => {
    // 2x - 3y <= 4  <=>  2(ix + 1) - 3(iy - 1) <= 4  <=>  2ix - 3iy <= -1
    const m = model(xy, [{ type: 'linear', terms: [{ coef: 2, var: 0 }, { coef: -3, var: 1 }], op: '<=', rhs: 4 }]);
    expect(only(m)).toMatchObject([
      { op: ACC, x: 0, clr: true, imm: 2 },
      { op: ACC, x: 1, clr: false, imm: -3 },
      { op: LCMP, cop: 3, imm: -1, endCons: true },
    ]);
    expectAgreement(m);
  });
  it('skips zero coefficients and 0-bit variables, and folds a decided sum', () => {
    const m = model([...xy, v('z', 7, 1)], [{ type: 'linear', terms: [{ coef: 0, var: 0 }, { coef: 5, var: 2 }, { coef: 1, var: 1 }], op: '>=', rhs: 30 }]);
    // 5*7 + y >= 30  <=>  iy >= -4: always
    expect(only(m)).toMatchObject([{ op: TRUE, neg: false }]);
    expect(() => compile(model(xy, [{ type: 'linear', terms: [{ coef: 1, var: 0 }], op: '>', rhs: 100 }]))).toThrow(/unsatisfiable: constraint 0 \(linear\)/);
  });
  it('refuses a sum that could leave the 32-bit accumulator, naming the constraint', () => {
    const terms = Array.from({ length: 300 }, (_, i) => ({ coef: 32767, var: i % 2 }));
    const m = model([v('x', 0, 256), v('y', 0, 256)], [{ type: 'linear', terms, op: '<', rhs: 0 }]);
    expect(() => compile(m)).toThrow(InputError);
    expect(() => compile(m)).toThrow(/constraint 0 \(linear\): a partial sum .* outside the 32-bit accumulator/);
  });
  it('refuses a constant that doubles cannot hold exactly', () => {
    const terms = Array.from({ length: 200 }, () => ({ coef: 32767, var: 0 }));
    expect(() => compile(model([v('x', 2 ** 31 - 1, 1)], [{ type: 'linear', terms, op: '<', rhs: 0 }])))
      .toThrow(/constraint 0 \(linear\): the constant rhs - sum\(coef \* min\) is too large to compute exactly/);
  });
  it('refuses coefficients outside 16 bits', () => {
    expect(() => compile(model(xy, [{ type: 'linear', terms: [{ coef: 40000, var: 0 }], op: '<', rhs: 0 }])))
      .toThrow(/constraint 0 \(linear\): coefficient 40000 is not an integer in -32768..32767/);
  });
});

describe('domain checks', () => {
  it('one per variable whose allowed indices are not exactly 0..2^w-1, numbered after the model', () => {
    const m = model([v('a', 0, 4), v('b', 0, 3), v('c', 5, 1), v('d', -2, 8, [3, 4])], [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }]);
    const p = compile(m);
    expect(p.domainChecks).toEqual([1, 3]);
    expect(constraintsOf(p).slice(1)).toMatchObject([
      [{ op: IN, x: 1, base: 0, mask: 0b111, endCons: true }],
      [{ op: IN, x: 3, base: 0, mask: 0b11100111, endCons: true }],
    ]);
    expectAgreement(m);
  });
  it('an empty domain proves unsatisfiability', () => {
    expect(() => compile(model([v('a', 0, 2, [0, 1])], []))).toThrow(/variable a has an empty domain/);
  });
});

describe('program shape and input errors', () => {
  it('fills in widths, candidate length and counts', () => {
    const p = compile(model([v('a', 0, 256), v('b', 0, 2), v('c', 0, 5)], [{ type: 'compare', x: 0, op: '<', y: 1, c: 0 }]));
    expect(p).toMatchObject({ numVars: 3, widths: [8, 1, 3], candidateBytes: 2, modelConstraints: 1, domainChecks: [2] });
  });
  it('names the constraint and variable at fault', () => {
    const xs = bools(2);
    expect(() => compile(model(xs, [{ type: 'compare', x: 0, op: '<', y: 2, c: 0 }]))).toThrow(/constraint 0 \(compare\): variable 2 does not exist/);
    expect(() => compile(model(xs, [{ type: 'compare', x: 0, op: '~' as '<', y: 1, c: 0 }]))).toThrow(/unknown comparison ~/);
    expect(() => compile(model(xs, [{ type: 'table', vars: [0, 1], tuples: [[0]], mode: 'allowed' }]))).toThrow(/a tuple has 1 values for 2 variables/);
    expect(() => compile(model(xs, [{ type: 'allDifferent', vars: [0, 1], offsets: [0] }]))).toThrow(/1 offsets for 2 variables/);
    expect(() => compile(model(xs, [{ type: 'clause', literals: [{ var: 0, values: [0.5], negated: false }] }]))).toThrow(/value 0.5 is not an integer/);
    expect(() => compile(model([v('big', 0, 257)], []))).toThrow(/variable 0 \(big\): domain size 257 is not in 1..256/);
    expect(() => compile(model([{ ...v('a', 0, 3), allowed: [true] }], []))).toThrow(/bitmask has 1 entries for 3 values/);
  });
  it('refuses more variables than 16-bit indices can name', () => {
    const many = Array.from({ length: 65_537 }, (_, i) => v(`v${i}`, 0, 1));
    expect(() => compile(model(many, []))).toThrow(/65537 variables, more than the limit of 65536/);
  });
  it('refuses more program constraints than 16-bit indices can name', () => {
    // 40,000 model constraints plus 40,000 domain checks
    const vars = Array.from({ length: 40_000 }, (_, i) => v(`v${i}`, 0, 3));
    const cs: Constraint[] = vars.map((_, i) => ({ type: 'compare', x: i, op: '!=', y: (i + 1) % vars.length, c: 0 }));
    expect(() => compile(model(vars, cs))).toThrow(/80000 constraints \(40000 plus 40000 domain checks\), more than the limit of 65536/);
  });
});

describe('the program beside the search tables (compileUnsearched)', () => {
  // x in 0..3 with a hole at 2, y in 0..3, z in 0..2: a clause, x != y + 1 and a table over (x, z)
  // are searched; the sum over three variables is not.
  const m = model([v('x', 0, 4, [2]), v('y', 0, 4), v('z', 0, 3)], [
    { type: 'clause', literals: [{ var: 0, values: [0, 1], negated: false }, { var: 2, values: [2], negated: false }] },
    { type: 'compare', x: 0, op: '!=', y: 1, c: 1 },
    { type: 'linear', terms: [{ coef: 1, var: 0 }, { coef: 1, var: 1 }, { coef: 1, var: 2 }], op: '<=', rhs: 5 },
    { type: 'table', vars: [0, 2], tuples: [[3, 0], [1, 1]], mode: 'forbidden' },
  ]);
  const tables = compileSearchTables(m);
  const full = compile(m);
  const reduced = compileUnsearched(m, tables);

  it('keeps the constraints the tables leave out and the domain checks of variables with holes, in the same layout', () => {
    expect(tables.searched).toEqual([0, 1, 3]);
    // z (3 values in 2 bits) has a check in the full program only: the device proves ranges.
    expect(full.domainChecks).toEqual([0, 2]);
    expect(reduced.domainChecks).toEqual([0]);
    expect(constraintsOf(reduced).length).toBe(1 + 1);
    expect(reduced.widths).toEqual(full.widths);
    expect(reduced.candidateBytes).toBe(full.candidateBytes);
    expect(reduced.words.length).toBeLessThan(full.words.length);
  });

  it('with the tables\' clauses and ranges, accepts exactly what the full program accepts, on every candidate', () => {
    let accepted = 0;
    for (let k = 0; k < 4 * 4 * 4; k++) {
      const indices = [k % 4, (k >> 2) % 4, k >> 4];
      const packed = packIndices(full.widths, indices);
      const inRange = indices.every((i, x) => i < m.variables[x]!.size);
      const proven = inRange && checkProgram(reduced, packed).ok && recount(tables, indices).unsat.length === 0;
      expect(proven, `indices ${indices}`).toBe(checkProgram(full, packed).ok);
      if (proven) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('is empty for CNF and for colouring: every constraint is searched and no domain has a hole', () => {
    const cnf = model(bools(3), [{ type: 'clause', literals: [{ var: 0, values: [1], negated: false }, { var: 2, values: [1], negated: true }] }]);
    expect(compileUnsearched(cnf, compileSearchTables(cnf)).words).toEqual([]);
    const colouring = model([v('a', 1, 3), v('b', 1, 3)], [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }]);
    expect(compile(colouring).words.length).toBeGreaterThan(0);
    expect(compileUnsearched(colouring, compileSearchTables(colouring)).words).toEqual([]);
  });

  it('leaves out the domain checks of booleans with one value left: the tables hold them as unit clauses', () => {
    // b0 fixed to 1 (hole at 0), b1 fixed to 0 (hole at 1), b2 free; x a 3-value variable with a hole.
    const fixed = model([v('b0', 0, 2, [0]), v('b1', 0, 2, [1]), v('b2', 0, 2), v('x', 0, 3, [1])],
      [{ type: 'clause', literals: [{ var: 2, values: [1], negated: false }, { var: 3, values: [2], negated: false }] }]);
    const t = compileSearchTables(fixed);
    expect(t.heldDomains).toEqual([0, 1]);
    const last = t.sections.literals.slice(t.numLiterals - 2);
    expect(Array.from(last)).toEqual([1 | (0 << 8), (1 | (1 << 8) | 0x80000000) >>> 0]);
    const beside = compileUnsearched(fixed, t);
    expect(beside.domainChecks).toEqual([3]);
    // Proven (program, tables, ranges) is exactly what the full program accepts.
    const all = compile(fixed);
    for (let k = 0; k < 2 * 2 * 2 * 4; k++) {
      const indices = [k & 1, (k >> 1) & 1, (k >> 2) & 1, k >> 3];
      const packed = packIndices(all.widths, indices);
      const inRange = indices.every((i, x) => i < fixed.variables[x]!.size);
      const proven = inRange && checkProgram(beside, packed).ok && recount(t, indices).unsat.length === 0;
      expect(proven, `indices ${indices}`).toBe(checkProgram(all, packed).ok);
    }
    // Past the clause capacity a domain stays in the program.
    const tight = compileSearchTables(fixed, { maxClauses: 2 });
    expect(tight.heldDomains).toEqual([0]);
    expect(compileUnsearched(fixed, tight).domainChecks).toEqual([1, 3]);
  });
});
