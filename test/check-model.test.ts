// The model checker on values worked out by hand: each constraint type, and the domain checks
// numbered after the model's constraints.

import { describe, expect, it } from 'vitest';
import { checkModel } from '../src/check/model-checker.ts';
import type { Constraint, Model, Variable } from '../src/model/types.ts';

function v(name: string, min: number, size: number, holes: number[] = []): Variable {
  return { name, min, size, allowed: Array.from({ length: size }, (_, i) => !holes.includes(i)), kind: 'int' };
}

// a in -2..1 (indices 0..3), b in 10..17 (0..7), c in 0..3
const vars = [v('a', -2, 4), v('b', 10, 8), v('c', 0, 4)];
const violated = (c: Constraint, indices: number[]): boolean =>
  !checkModel({ format: 'json', variables: vars, constraints: [c], meta: {} }, indices).ok;

describe('checkModel', () => {
  it('clause: some literal holds; negated literals hold outside their values', () => {
    const c: Constraint = { type: 'clause', literals: [{ var: 0, values: [-2, 1], negated: false }, { var: 1, values: [12], negated: true }] };
    expect(violated(c, [0, 2, 0])).toBe(false); // a = -2
    expect(violated(c, [1, 3, 0])).toBe(false); // b = 13 != 12
    expect(violated(c, [1, 2, 0])).toBe(true); // a = -1, b = 12
    expect(violated({ type: 'clause', literals: [] }, [0, 0, 0])).toBe(true);
  });
  it('compare: x op y + c on values', () => {
    // a < b - 11: a = 1, b = 13 -> 1 < 2
    expect(violated({ type: 'compare', x: 0, op: '<', y: 1, c: -11 }, [3, 3, 0])).toBe(false);
    expect(violated({ type: 'compare', x: 0, op: '<', y: 1, c: -11 }, [3, 2, 0])).toBe(true);
    expect(violated({ type: 'compare', x: 0, op: '>=', y: 0, c: 0 }, [1, 0, 0])).toBe(false);
  });
  it('allDifferent: shifted values pairwise different', () => {
    const c: Constraint = { type: 'allDifferent', vars: [0, 2], offsets: [3, 0] };
    expect(violated(c, [0, 0, 1])).toBe(true); // -2 + 3 = 1 = c
    expect(violated(c, [0, 0, 2])).toBe(false);
  });
  it('table: allowed and forbidden tuples of values', () => {
    const tuples = [[-2, 10], [1, 17]];
    expect(violated({ type: 'table', vars: [0, 1], tuples, mode: 'allowed' }, [3, 7, 0])).toBe(false);
    expect(violated({ type: 'table', vars: [0, 1], tuples, mode: 'allowed' }, [3, 6, 0])).toBe(true);
    expect(violated({ type: 'table', vars: [0, 1], tuples, mode: 'forbidden' }, [0, 0, 0])).toBe(true);
    expect(violated({ type: 'table', vars: [0, 1], tuples, mode: 'forbidden' }, [0, 1, 0])).toBe(false);
  });
  it('linear: sum of coef * value against rhs', () => {
    // 2a - b = 2*1 - 17 = -15
    const lin = (op: '=' | '<'): Constraint => ({ type: 'linear', terms: [{ coef: 2, var: 0 }, { coef: -1, var: 1 }], op, rhs: -15 });
    expect(violated(lin('='), [3, 7, 0])).toBe(false);
    expect(violated(lin('<'), [3, 7, 0])).toBe(true);
  });
  it('numbers domain checks after the model constraints, for variables not filling their width', () => {
    const m: Model = {
      format: 'json',
      variables: [v('p', 0, 3), v('q', 0, 4), v('r', 5, 8, [2]), v('s', 0, 1)],
      constraints: [{ type: 'compare', x: 0, op: '=', y: 0, c: 0 }],
      meta: {},
    };
    // checks: 1 -> p (size 3 in 2 bits), 2 -> r (hole at index 2); q and s fill their widths
    expect(checkModel(m, [3, 3, 2, 0])).toEqual({ ok: false, violated: [1, 2], count: 2 });
    expect(checkModel(m, [2, 3, 1, 0])).toEqual({ ok: true, violated: [], count: 0 });
  });
  it('refuses index vectors it cannot evaluate', () => {
    const m: Model = { format: 'json', variables: [v('p', 0, 3)], constraints: [], meta: {} };
    expect(() => checkModel(m, [])).toThrow(/0 indices for 1 variables/);
    expect(() => checkModel(m, [4])).toThrow(/index 4 of variable p is not representable/);
  });
});
