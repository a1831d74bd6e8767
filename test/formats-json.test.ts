import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InputError } from '../src/model/errors.ts';
import { LIMITS } from '../src/model/limits.ts';
import { modelFromJson, parseJsonProblem, writeJsonProblem } from '../src/model/parse-json.ts';
import type { Constraint, Model, Variable } from '../src/model/types.ts';

function problem(variables: unknown[], constraints: unknown[] = []): string {
  return JSON.stringify({ variables, constraints });
}

function errorOf(text: string): string {
  try {
    parseJsonProblem(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

const Q = { name: 'q', size: 4, domain: { min: 0, max: 3 } };

describe('JSON problems: variables', () => {
  it('reads ranges, value lists with holes, bool domains and arrays', () => {
    const m = parseJsonProblem(problem([
      { name: 'x', domain: { min: -2, max: 3 } },
      { name: 'y', domain: [5, 1, 3] },
      { name: 'b', domain: 'bool' },
      { name: 'q', size: 3, domain: { min: 1, max: 1 } },
    ]), 'file.json');
    expect(m.format).toBe('json');
    expect(m.meta).toEqual({ name: 'file.json' });
    expect(m.variables).toEqual([
      { name: 'x', min: -2, size: 6, allowed: [true, true, true, true, true, true], kind: 'int' },
      { name: 'y', min: 1, size: 5, allowed: [true, false, true, false, true], kind: 'int' },
      { name: 'b', min: 0, size: 2, allowed: [true, true], kind: 'bool' },
      { name: 'q[0]', min: 1, size: 1, allowed: [true], kind: 'int' },
      { name: 'q[1]', min: 1, size: 1, allowed: [true], kind: 'int' },
      { name: 'q[2]', min: 1, size: 1, allowed: [true], kind: 'int' },
    ]);
  });

  it('prefers the document name over the file name', () => {
    expect(parseJsonProblem(JSON.stringify({ name: 'mine', variables: [], constraints: [] }), 'f.json').meta.name).toBe('mine');
  });

  it('accepts a domain spanning exactly the limit and refuses one more', () => {
    expect(parseJsonProblem(problem([{ name: 'x', domain: { min: -100, max: 155 } }])).variables[0]!.size).toBe(256);
    expect(errorOf(problem([{ name: 'x', domain: { min: -100, max: 156 } }])))
      .toBe('$.variables[0].domain: domain spans 257 values (-100..156), over the limit of 256');
  });

  it.each([
    [[{ name: 'x', domain: { min: 3, max: 2 } }], '$.variables[0].domain: empty domain: min 3 is greater than max 2'],
    [[{ name: 'x', domain: [] }], '$.variables[0].domain: empty domain: the list has no values'],
    [[{ name: 'x', domain: [1, 2, 1] }], '$.variables[0].domain[2]: value 1 listed twice'],
    [[{ name: 'x', domain: { min: 0, max: 2.5 } }], '$.variables[0].domain.max: expected an integer, got 2.5'],
    [[{ name: 'x', domain: { min: '0', max: 2 } }], '$.variables[0].domain.min: expected an integer, got the string "0"'],
    [[{ name: 'x', domain: { min: 2147483647, max: 2147483648 } }], '$.variables[0].domain.max: value 2147483648 is out of range'],
    [[{ name: 'x', domain: 'int' }], '$.variables[0].domain: unknown domain "int"'],
    [[{ name: 'x', domain: { min: 0, max: 1 } }, { name: 'x', domain: 'bool' }], '$.variables[1].name: duplicate name "x"'],
    [[Q, { name: 'q', domain: 'bool' }], '$.variables[1].name: duplicate name "q"'],
    [[{ name: 'a b', domain: 'bool' }], '$.variables[0].name: invalid name "a b"'],
    [[{ name: 'x', domain: 'bool', sise: 3 }], '$.variables[0].sise: unknown field "sise"'],
    [[{ name: 'x', domain: 'bool', size: 0 }], '$.variables[0].size: array size 0 is out of range 1..65536'],
    [[{ name: 'x' }], '$.variables[0]: missing field "domain"'],
    [[{ name: 'x', domain: 'bool', size: LIMITS.maxVariables }, { name: 'y', domain: 'bool' }], '$.variables[1]: more than 65536 variables'],
  ])('refuses bad variables: %j', (vars, message) => {
    expect(errorOf(problem(vars))).toContain(message);
  });
});

describe('JSON problems: constraints', () => {
  it('reads every constraint type with array expansion', () => {
    const m = parseJsonProblem(problem([Q, { name: 'x', domain: [1, 3, 5] }], [
      { type: 'allDifferent', vars: 'q', offsets: [0, 1, 2, 3] },
      { type: 'allDifferent', vars: ['x', 'q'] },
      { type: 'compare', x: 'q[0]', op: '!=', y: 'q[3]', c: -3 },
      { type: 'compare', x: 'x', op: '<=', y: 'q[1]' },
      { type: 'clause', literals: [
        { var: 'x', op: '=', value: 3 }, { var: 'q[1]', op: '!=', value: 2 },
        { var: 'q[2]', op: 'in', values: [0, 3] }, { var: 'q[3]', op: 'notIn', values: [1] }] },
      { type: 'table', vars: ['x', 'q[2]'], tuples: [[1, 0], [5, 3]] },
      { type: 'table', vars: 'q', tuples: [[0, 1, 2, 3]], mode: 'forbidden' },
      { type: 'linear', terms: [{ coef: 2, var: 'x' }, { coef: -32768, var: 'q[0]' }], op: '>=', rhs: -7 },
    ]));
    const expected: Constraint[] = [
      { type: 'allDifferent', vars: [0, 1, 2, 3], offsets: [0, 1, 2, 3] },
      { type: 'allDifferent', vars: [4, 0, 1, 2, 3], offsets: [0, 0, 0, 0, 0] },
      { type: 'compare', x: 0, op: '!=', y: 3, c: -3 },
      { type: 'compare', x: 4, op: '<=', y: 1, c: 0 },
      { type: 'clause', literals: [
        { var: 4, values: [3], negated: false }, { var: 1, values: [2], negated: true },
        { var: 2, values: [0, 3], negated: false }, { var: 3, values: [1], negated: true }] },
      { type: 'table', vars: [4, 2], tuples: [[1, 0], [5, 3]], mode: 'allowed' },
      { type: 'table', vars: [0, 1, 2, 3], tuples: [[0, 1, 2, 3]], mode: 'forbidden' },
      { type: 'linear', terms: [{ coef: 2, var: 4 }, { coef: -32768, var: 0 }], op: '>=', rhs: -7 },
    ];
    expect(m.constraints).toEqual(expected);
  });

  it.each([
    [{ type: 'allDifferent', vars: ['q[1]', 'q[9]'] }, '$.constraints[0].vars[1]: unknown variable "q[9]"'],
    [{ type: 'allDifferent', vars: 'r' }, '$.constraints[0].vars: expected a list of variables or the name of an array, got unknown array "r"'],
    [{ type: 'allDifferent', vars: 'q', offsets: [1, 2] }, '$.constraints[0].offsets: 2 offsets for 4 variables'],
    [{ type: 'allDifferent', vars: [] }, '$.constraints[0].vars: allDifferent needs at least one variable'],
    [{ type: 'alldifferent', vars: 'q' }, '$.constraints[0].type: unknown constraint type "alldifferent"'],
    [{ vars: 'q' }, '$.constraints[0]: missing field "type"'],
    [{ type: 'compare', x: 'q', op: '=', y: 'q[1]' }, '$.constraints[0].x: "q" is an array of 4 variables; name one element, e.g. "q[0]"'],
    [{ type: 'compare', x: 'q[0]', op: '==', y: 'q[1]' }, '$.constraints[0].op: unknown comparison "=="'],
    [{ type: 'compare', x: 'q[0]', op: '=', y: 'q[1]', c: 0.5 }, '$.constraints[0].c: expected an integer, got 0.5'],
    [{ type: 'compare', x: 'q[0]', op: '=', y: 'q[1]', z: 1 }, '$.constraints[0].z: unknown field "z"'],
    [{ type: 'clause', literals: [{ var: 'q[0]', op: '=', value: 4 }] }, '$.constraints[0].literals[0].value: value 4 is not in the domain of q[0] (0..3)'],
    [{ type: 'clause', literals: [{ var: 'q[0]', op: 'in', value: 1 }] }, '$.constraints[0].literals[0].value: unknown field "value" (expected var, op, values)'],
    [{ type: 'clause', literals: [{ var: 'q[0]', op: 'in', values: [] }] }, '$.constraints[0].literals[0].values: empty list of values'],
    [{ type: 'clause', literals: [{ var: 'q[0]', op: 'in', values: [1, 1] }] }, '$.constraints[0].literals[0].values: value 1 listed twice'],
    [{ type: 'clause', literals: [{ var: 'q[0]', op: '<', value: 1 }] }, '$.constraints[0].literals[0].op: unknown literal operator "<"'],
    [{ type: 'table', vars: ['q[0]', 'q[1]'], tuples: [[0, 1, 2]] }, '$.constraints[0].tuples[0]: tuple of 3 values for 2 variables'],
    [{ type: 'table', vars: ['q[0]', 'q[1]'], tuples: [[0, 7]] }, '$.constraints[0].tuples[0][1]: value 7 is not in the domain of q[1] (0..3)'],
    [{ type: 'table', vars: ['q[0]'], tuples: [], mode: 'allow' }, '$.constraints[0].mode: unknown mode "allow"'],
    [{ type: 'linear', terms: [{ coef: 40000, var: 'q[0]' }], op: '=', rhs: 1 }, '$.constraints[0].terms[0].coef: coefficient 40000 is out of range -32768..32767'],
    [{ type: 'linear', terms: [], op: '=', rhs: 1 }, '$.constraints[0].terms: a linear constraint needs at least one term'],
    [{ type: 'linear', terms: [{ coef: 1, var: 'q[0]' }], op: '=' }, '$.constraints[0]: missing field "rhs"'],
  ])('refuses %j', (constraint, message) => {
    expect(errorOf(problem([Q], [constraint]))).toContain(message);
  });

  it('names paths of keys that are not identifiers with brackets', () => {
    expect(errorOf(JSON.stringify({ variables: [], constraints: [], 'my key': 1 }))).toBe('$["my key"]: unknown field "my key" (expected variables, constraints, name, objective)');
  });

  it('stops expanding a list of arrays as soon as it passes the arity limit', () => {
    const doc = { variables: [{ name: 'q', size: 40000, domain: 'bool' }], constraints: [{ type: 'allDifferent', vars: new Array(100000).fill('q') }] };
    expect(() => modelFromJson(doc)).toThrow('$.constraints[0].vars: more than 65536 items, the limit per constraint');
  });

  it('counts literals, terms and table cells against the total limit', () => {
    const vars = Array.from({ length: 100 }, (_, i) => `q[${i % 4}]`);
    const many = new Array(Math.ceil(LIMITS.maxTotalTerms / 100) + 1).fill({ type: 'allDifferent', vars });
    expect(() => modelFromJson({ variables: [Q], constraints: many })).toThrow(/^\$\.constraints\[\d+\]\.vars: the constraints hold more than 4194304 /);
  });
});

describe('JSON text errors', () => {
  it.each([
    ['{"variables": [], "constraints": [],}', 'line 1, column 37: invalid JSON: expected a property name in double quotes'],
    ['{"variables": [],\n  "constraints": [}', 'line 2, column 19: invalid JSON: expected a value, found \'}\''],
    ['{"variables": [], "variables": [], "constraints": []}', 'line 1, column 19: invalid JSON: duplicate key "variables"'],
    ['{"variables": []', 'line 1, column 17: invalid JSON: expected \',\' or \'}\' after a property value, found end of input'],
    ['{"variables": [], "constraints": []} []', 'line 1, column 38: invalid JSON: unexpected text after the JSON value'],
    ['"abc', 'line 1, column 1: invalid JSON: unterminated string'],
    ['[01]', 'line 1, column 3: invalid JSON: malformed number'],
    ['['.repeat(300), `invalid JSON: nesting deeper than ${LIMITS.maxJsonDepth} levels`],
    ['[]', '$: expected an object, got an array'],
  ])('%j', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});

// ---- round trip: any model the format can express, written and read back, is itself ----

const domainArb = fc.oneof(
  fc.record({ min: fc.integer({ min: -300, max: 300 }), span: fc.integer({ min: 1, max: 40 }) })
    .map(({ min, span }) => ({ min, size: span, allowed: new Array<boolean>(span).fill(true), kind: 'int' as const })),
  fc.uniqueArray(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 8 }).map((values) => {
    const min = Math.min(...values);
    const allowed = new Array<boolean>(Math.max(...values) - min + 1).fill(false);
    for (const v of values) allowed[v - min] = true;
    return { min, size: allowed.length, allowed, kind: 'int' as const };
  }),
  fc.constant({ min: 0, size: 2, allowed: [true, true], kind: 'bool' as const }),
);

const variablesArb = fc.array(fc.tuple(domainArb, fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined })), { minLength: 1, maxLength: 6 })
  .map((groups) => groups.flatMap(([domain, size], g): Variable[] => (size === undefined
    ? [{ name: `v${g}`, ...domain, allowed: [...domain.allowed] }]
    : Array.from({ length: size }, (_, i) => ({ name: `a${g}[${i}]`, ...domain, allowed: [...domain.allowed] })))));

function constraintArb(vars: Variable[]): fc.Arbitrary<Constraint> {
  const index = fc.integer({ min: 0, max: vars.length - 1 });
  const valuesOf = (i: number) => vars[i]!.allowed.flatMap((ok, k) => (ok ? [vars[i]!.min + k] : []));
  const value = (i: number) => fc.constantFrom(...valuesOf(i));
  const int = fc.integer({ min: -1000, max: 1000 });
  const op = fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const);
  const literal = index.chain((i) => fc.record({
    var: fc.constant(i),
    values: fc.uniqueArray(value(i), { minLength: 1, maxLength: 3 }),
    negated: fc.boolean(),
  }));
  const varList = fc.array(index, { minLength: 1, maxLength: 5 });
  return fc.oneof(
    fc.record({ type: fc.constant('clause' as const), literals: fc.array(literal, { maxLength: 4 }) }),
    fc.record({ type: fc.constant('compare' as const), x: index, op, y: index, c: int }),
    varList.chain((vs) => fc.record({
      type: fc.constant('allDifferent' as const), vars: fc.constant(vs), offsets: fc.array(int, { minLength: vs.length, maxLength: vs.length }),
    })),
    varList.chain((vs) => fc.record({
      type: fc.constant('table' as const),
      vars: fc.constant(vs),
      tuples: fc.array(fc.tuple(...vs.map(value)), { maxLength: 4 }),
      mode: fc.constantFrom('allowed' as const, 'forbidden' as const),
    })),
    fc.record({
      type: fc.constant('linear' as const),
      terms: fc.array(fc.record({ coef: fc.integer({ min: -32768, max: 32767 }), var: index }), { minLength: 1, maxLength: 4 }),
      op,
      rhs: int,
    }),
  );
}

const modelArb: fc.Arbitrary<Model> = variablesArb.chain((variables) => fc.record({
  format: fc.constant('json' as const),
  variables: fc.constant(variables),
  constraints: fc.array(constraintArb(variables), { maxLength: 6 }),
  meta: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }).map((name) => (name === undefined ? {} : { name })),
}));

describe('JSON round trip', () => {
  it('writeJsonProblem then parseJsonProblem gives the same model', () => {
    fc.assert(fc.property(modelArb, (model) => {
      expect(parseJsonProblem(writeJsonProblem(model))).toEqual(model);
    }), { numRuns: 300 });
  });

  it('modelFromJson reads an already-parsed document like the text', () => {
    const text = problem([Q], [{ type: 'allDifferent', vars: 'q' }]);
    expect(modelFromJson(JSON.parse(text))).toEqual(parseJsonProblem(text));
  });
});
