import { describe, expect, it } from 'vitest';

import { compile } from '../src/model/compile.ts';
import { parseCnf } from '../src/model/parse-cnf.ts';
import { parseCol } from '../src/model/parse-col.ts';
import { parseJsonProblem } from '../src/model/parse-json.ts';
import { describeConstraint, parseRenderedAssignment, renderAssignment } from '../src/model/render.ts';
import { parseSolution } from '../src/model/solution.ts';

const json = parseJsonProblem(JSON.stringify({
  variables: [
    { name: 'q', size: 4, domain: { min: 0, max: 3 } },
    { name: 'x', domain: [1, 3, 5] },
    { name: 'b', domain: 'bool' },
  ],
  constraints: [
    { type: 'compare', x: 'q[0]', op: '!=', y: 'q[3]', c: 3 },
    { type: 'compare', x: 'q[1]', op: '<', y: 'x', c: -2 },
    { type: 'allDifferent', vars: 'q', offsets: [0, 1, 2, 3] },
    { type: 'clause', literals: [{ var: 'x', op: 'in', values: [1, 3] }, { var: 'q[1]', op: '!=', value: 2 }, { var: 'b', op: '=', value: 0 }] },
    { type: 'table', vars: ['x', 'q[2]'], tuples: [[1, 0], [3, 1]], mode: 'forbidden' },
    { type: 'linear', terms: [{ coef: 2, var: 'x' }, { coef: -1, var: 'q[0]' }, { coef: -3, var: 'b' }], op: '<=', rhs: 7 },
  ],
}));
const cnf = parseCnf('p cnf 7 2\n1 -3 7 0\n-2 0\n');
const col = parseCol('p edge 3 2\ne 1 2\ne 2 3\n', 3);

describe('renderAssignment and its inverse', () => {
  it('renders names, booleans for CNF and colours keyed by vertex', () => {
    expect(renderAssignment(json, [0, 1, 2, 3, 5, 1])).toEqual({ 'q[0]': 0, 'q[1]': 1, 'q[2]': 2, 'q[3]': 3, x: 5, b: true });
    expect(renderAssignment(cnf, [1, 0, 0, 1, 1, 0, 1])).toEqual({ 1: true, 2: false, 3: false, 4: true, 5: true, 6: false, 7: true });
    expect(renderAssignment(col, [2, 0, 1])).toEqual({ 1: 2, 2: 0, 3: 1 });
  });

  it('parses rendered assignments back', () => {
    for (const [model, values] of [[json, [0, 1, 2, 3, 5, 1]], [cnf, [1, 0, 0, 1, 1, 0, 1]], [col, [2, 0, 1]]] as const) {
      expect(parseRenderedAssignment(model, renderAssignment(model, [...values]))).toEqual(values);
    }
    expect(parseRenderedAssignment(cnf, { 1: 1, 2: 0, 3: false, 4: true, 5: 1, 6: 0, 7: 1 })).toEqual([1, 0, 0, 1, 1, 0, 1]);
  });

  it.each([
    [[1, 2], '$: expected an object of variable values, got an array'],
    [{ 1: 0, 2: 1 }, '$: no value for variable 3'],
    [{ 1: 0, 2: 1, 3: 2, 4: 1 }, '$["4"]: unknown variable "4"'],
    [{ 1: 0, 2: 1, 3: true }, '$["3"]: expected an integer, got the boolean true'],
    [{ 1: 0, 2: 1.5, 3: 0 }, '$["2"]: expected an integer, got the number 1.5'],
    [{ 1: 0, 2: 1, 3: 2 ** 31 }, '$["3"]: value 2147483648 is out of the int32 range'],
  ])('refuses %j', (obj, message) => {
    expect(() => parseRenderedAssignment(col, obj)).toThrow(message);
  });
});

describe('describeConstraint', () => {
  it('renders every model constraint type and the domain checks', () => {
    const program = compile(json);
    const lines = Array.from({ length: program.modelConstraints + program.domainChecks.length }, (_, j) => describeConstraint(json, program, j));
    expect(lines).toEqual([
      'q[0] != q[3] + 3',
      'q[1] < x - 2',
      'allDifferent(q[0], q[1] + 1, q[2] + 2, q[3] + 3)',
      'clause (x ∈ {1, 3} ∨ q[1] != 2 ∨ ¬b)',
      '(x, q[2]) ∉ {(1, 0), (3, 1)}',
      '2*x - q[0] - 3*b <= 7',
      'domain of x: {1, 3, 5}',
    ]);
    expect(() => describeConstraint(json, program, lines.length)).toThrow(RangeError);
  });

  it('renders CNF clauses with negations and .col edges', () => {
    expect(describeConstraint(cnf, compile(cnf), 0)).toBe('clause (1 ∨ ¬3 ∨ 7)');
    const program = compile(col);
    expect([0, 1, 2].map((j) => describeConstraint(col, program, j))).toEqual(['1 != 2', '2 != 3', 'domain of 1: 0..2']);
  });
});

describe('solution files', () => {
  it('reads DIMACS v lines over several lines, with s and c lines', () => {
    expect(parseSolution(cnf, 'c solver\ns SATISFIABLE\nv 1 -2 -3\nv 4 5 -6 7 0\n')).toEqual([1, 0, 0, 1, 1, 0, 1]);
  });

  it('reads .col v lines, a JSON array of colours and rendered objects', () => {
    expect(parseSolution(col, 'v 3 1\nv 1 2\nv 2 0\n')).toEqual([2, 0, 1]);
    expect(parseSolution(col, ' [2, 0, 1]')).toEqual([2, 0, 1]);
    expect(parseSolution(col, '{"1": 2, "2": 0, "3": 1}')).toEqual([2, 0, 1]);
    expect(parseSolution(cnf, '{"1": true, "2": false, "3": false, "4": true, "5": true, "6": false, "7": 1}')).toEqual([1, 0, 0, 1, 1, 0, 1]);
  });

  it.each([
    [cnf, 'v 1 -2 3 4 5 6 0 7\n', 'line 1, column 18: a literal after the 0 that ends the assignment'],
    [cnf, 'v 1 -2 3 8 0\n', 'line 1, column 10: literal 8 names variable 8, but the problem has 7 variables'],
    [cnf, 'v 1 -1 0\n', 'line 1, column 5: variable 1 is given both values'],
    [cnf, 'v 1 2 3 0\n', 'no value for 4 variables: 4, 5, 6, 7'],
    [cnf, 's UNSATISFIABLE\n', 'line 1, column 1: the solution reports "UNSATISFIABLE": there is no assignment to check'],
    [cnf, 'c nothing\n', 'the solution has no "v" lines'],
    [cnf, '1 2 3 0\n', 'line 1, column 1: expected a "v" line, got "1"'],
    [cnf, 'v 1 x 0\n', 'line 1, column 5: expected a literal, got "x"'],
    [col, 'v 1 0\nv 4 1\n', 'line 2, column 3: expected a vertex number in 1..3, got 4'],
    [col, 'v 1 0\nv 1 1\n', 'line 2, column 3: vertex 1 is given two colours'],
    [col, 'v 1\n', 'line 1, column 4: expected a colour after the vertex'],
    [col, 'v 1 0 0\n', 'line 1, column 7: unexpected text after the colour'],
    [col, '[0, 1]', '$: 2 colours for 3 vertices'],
    [col, '[0, 1, "2"]', '$[2]: expected an integer, got the string "2"'],
    [col, '[0, 1, 2', 'line 1, column 9: invalid JSON'],
    [json, 'v 1 2 0\n', 'a solution of a JSON problem is a JSON object'],
  ])('refuses bad solutions %#', (model, text, message) => {
    expect(() => parseSolution(model, text)).toThrow(message);
  });
});
