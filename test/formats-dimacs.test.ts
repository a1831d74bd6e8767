import { describe, expect, it } from 'vitest';

import { InputError } from '../src/model/errors.ts';
import { parseCnf } from '../src/model/parse-cnf.ts';
import { parseCol } from '../src/model/parse-col.ts';
import { decodeText, guessFormat, parseProblem } from '../src/model/parse.ts';
import { LIMITS } from '../src/model/limits.ts';

function errorOf(parse: () => unknown): InputError {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

const lit = (v: number, value: number) => ({ var: v, values: [value], negated: false });

describe('DIMACS CNF', () => {
  it('reads clauses across lines, comments anywhere, c ind lines, CRLF and tabs', () => {
    const m = parseCnf('c start\r\np cnf 4 3\r\n1 -2\r\nc in between\r\n 3 0 -4\t0\n0\nc ind 1 3 0\nc ind 4 0\n', 'x.cnf');
    expect(m.format).toBe('cnf');
    expect(m.meta).toEqual({ name: 'x.cnf', samplingSet: [1, 3, 4] });
    expect(m.variables.map((v) => v.name)).toEqual(['1', '2', '3', '4']);
    expect(m.variables[0]).toEqual({ name: '1', min: 0, size: 2, allowed: [true, true], kind: 'bool' });
    expect(m.constraints).toEqual([
      { type: 'clause', literals: [lit(0, 1), lit(1, 0), lit(2, 1)] },
      { type: 'clause', literals: [lit(3, 0)] },
      { type: 'clause', literals: [] },
    ]);
  });

  it('stops at a % line as the SATLIB files end', () => {
    const m = parseCnf('p cnf 2 1\n1 2 0\n%\n0\n\n');
    expect(m.constraints).toHaveLength(1);
  });

  it('accepts an empty formula', () => {
    expect(parseCnf('p cnf 0 0\n')).toMatchObject({ variables: [], constraints: [] });
  });

  it.each([
    ['1 2 0\n', 'line 1, column 1: expected the "p cnf VARIABLES CLAUSES" header before the first clause'],
    ['c only a comment\n', 'line 1, column 1: no "p cnf VARIABLES CLAUSES" header'],
    ['p cnf 3\n1 0\n', 'line 1, column 8: the header needs the number of clauses'],
    ['p\n', 'line 1, column 2: the header needs "cnf"'],
    ['p sat 3 1\n', 'line 1, column 3: expected "p cnf", got "p sat"'],
    ['p cnf 3 1 7\n', 'line 1, column 11: unexpected text after the header'],
    ['p cnf x 1\n', 'line 1, column 7: expected a variable count, got "x"'],
    ['p cnf 65537 1\n', 'line 1, column 7: expected a variable count in 0..65536, got 65537'],
    ['p cnf 3 1\np cnf 3 1\n', 'line 2, column 1: a second "p cnf" header'],
    ['p cnf 3 2\n1 2 0\n', 'line 1, column 9: the header declares 2 clauses but the file has 1'],
    ['p cnf 3 1\n1 2 0\n3 0\n', 'line 3, column 3: more clauses than the 1 the header declares'],
    ['p cnf 3 1\n1 -4 0\n', 'line 2, column 3: literal -4 names variable 4, but the header declares 3 variables'],
    ['p cnf 3 1\n1 2.5 0\n', 'line 2, column 3: expected a literal, got "2.5"'],
    ['p cnf 3 1\n1 +2 0\n', 'line 2, column 3: expected a literal, got "+2"'],
    ['p cnf 3 1\n1 -0\n', 'line 2, column 3: expected a literal, got "-0"'],
    ['p cnf 3 1\n1 99999999999 0\n', 'line 2, column 3: expected a literal in -2147483647..2147483647, got 99999999999'],
    ['p cnf 3 1\n1 2\n', 'line 2, column 4: the last clause is not ended by 0 (is the file truncated?)'],
    ['p cnf 3 1\n1 2 0\nc ind 4 0\n', 'line 3, column 7: sampling-set variable 4 is out of range 1..3'],
    ['p cnf 3 1\n1 2 0\nc ind 1 2\n', 'line 3, column 10: a "c ind" line must end with 0'],
  ])('refuses %j', (text, message) => {
    const err = errorOf(() => parseCnf(text));
    expect(err.message).toContain(message);
    expect(err.location.line).toBeGreaterThan(0);
    expect(err.location.column).toBeGreaterThan(0);
  });

  it('enforces the clause-length limit with the position of the literal past it', () => {
    const text = `p cnf 2 1\n${'1 '.repeat(LIMITS.maxConstraintArity + 1)}0\n`;
    expect(errorOf(() => parseCnf(text)).message).toBe(`line 2, column ${2 * LIMITS.maxConstraintArity + 1}: clause longer than ${LIMITS.maxConstraintArity} literals`);
  });
});

describe('DIMACS .col', () => {
  it('reads vertices with k colours, one constraint per distinct edge', () => {
    const m = parseCol('c triangle plus\np edge 4 5\ne 1 2\ne 2 3\ne 3 1\ne 2 1\ne 4 4\n', 3, 'g.col');
    expect(m.format).toBe('col');
    expect(m.meta).toEqual({ colors: 3, name: 'g.col' });
    expect(m.variables[3]).toEqual({ name: '4', min: 0, size: 3, allowed: [true, true, true], kind: 'int' });
    expect(m.constraints).toEqual([
      { type: 'compare', x: 0, op: '!=', y: 1, c: 0 },
      { type: 'compare', x: 1, op: '!=', y: 2, c: 0 },
      { type: 'compare', x: 2, op: '!=', y: 0, c: 0 },
      { type: 'compare', x: 3, op: '!=', y: 3, c: 0 },
    ]);
  });

  it('accepts p col headers', () => {
    expect(parseCol('p col 2 1\ne 1 2\n', 2).constraints).toHaveLength(1);
  });

  it.each([
    ['e 1 2\n', 'line 1, column 1: expected the "p edge VERTICES EDGES" header before the first edge'],
    ['p edge 3\n', 'line 1, column 9: the header needs the number of edges'],
    ['p graph 3 1\n', 'line 1, column 3: expected "p edge" or "p col", got "p graph"'],
    ['p edge 3 2\ne 1 2\n', 'line 1, column 10: the header declares 2 edges but the file has 1'],
    ['p edge 3 1\ne 1 2\ne 2 3\n', 'line 3, column 1: more edges than the 1 the header declares'],
    ['p edge 3 1\ne 1 4\n', 'line 2, column 5: vertex 4 is out of range 1..3'],
    ['p edge 3 1\ne 0 1\n', 'line 2, column 3: vertex 0 is out of range 1..3'],
    ['p edge 3 1\ne 1\n', 'line 2, column 4: an edge needs two vertices'],
    ['p edge 3 1\ne 1 2 3\n', 'line 2, column 7: unexpected text after the edge'],
    ['p edge 3 1\ne 1 x\n', 'line 2, column 5: expected a vertex number, got "x"'],
    ['p edge 3 1\nn 1 5\ne 1 2\n', 'line 2, column 1: unknown line type "n" (expected c, p or e)'],
    ['c nothing\n', 'line 1, column 1: no "p edge VERTICES EDGES" header'],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseCol(text, 3)).message).toContain(message);
  });

  it.each([
    [undefined, 'the number of colours is missing'],
    [0, 'the number of colours must be an integer in 1..256, got 0'],
    [257, 'the number of colours must be an integer in 1..256, got 257'],
    [2.5, 'the number of colours must be an integer in 1..256, got 2.5'],
  ])('refuses colours %j', (colors, message) => {
    expect(errorOf(() => parseCol('p edge 2 1\ne 1 2\n', colors)).message).toContain(message);
  });
});

describe('parseProblem and input text', () => {
  it('dispatches on the format and refuses colours for other formats', () => {
    expect(parseProblem('p cnf 1 1\n1 0\n', { format: 'cnf' }).format).toBe('cnf');
    expect(parseProblem('p edge 1 0\n', { format: 'col', colors: 2 }).format).toBe('col');
    expect(errorOf(() => parseProblem('p cnf 1 1\n1 0\n', { format: 'cnf', colors: 3 })).message)
      .toBe('the number of colours applies to .col problems only, not to cnf');
  });

  it('guesses formats from extensions', () => {
    expect(guessFormat('a/b/x.CNF')).toBe('cnf');
    expect(guessFormat('x.col')).toBe('col');
    expect(guessFormat('x.json')).toBe('json');
    expect(guessFormat('x.txt')).toBeUndefined();
    expect(guessFormat('cnf')).toBeUndefined();
  });

  it('drops a byte-order mark and reads bytes as UTF-8', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('p cnf 1 1\n1 0\n')]);
    expect(parseProblem(bytes, { format: 'cnf' }).constraints).toHaveLength(1);
  });

  it.each([
    [new Uint8Array([0x70, 0x0a, 0x61, 0xc3, 0x28]), 'line 2, column 2: the problem is not UTF-8 text (invalid sequence at byte 0xc3)'],
    [new Uint8Array([0xed, 0xa0, 0x80]), 'line 1, column 1: the problem is not UTF-8 text (invalid sequence at byte 0xed)'],
    [new Uint8Array([0xc0, 0x80]), 'line 1, column 1: the problem is not UTF-8 text (invalid sequence at byte 0xc0)'],
    [new Uint8Array([0x61, 0xe2, 0x82]), 'line 1, column 2: the problem is not UTF-8 text (invalid sequence at byte 0xe2)'],
    ['p cnf 1 1\n1\u0000 0\n', 'line 2, column 2: the problem contains a NUL byte: binary data, not a text file'],
  ])('refuses binary junk %#', (input, message) => {
    expect(errorOf(() => decodeText(input, 'problem')).message).toBe(message);
  });

  it('refuses oversize input before parsing it', () => {
    const big = 'c'.repeat(LIMITS.maxSourceBytes + 1);
    expect(errorOf(() => parseProblem(big, { format: 'cnf' })).message).toBe('the problem is 16777217 bytes, over the limit of 16777216 bytes (16 MiB)');
  });
});
