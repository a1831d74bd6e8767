// The malformed-input corpus (test/fixtures/malformed/): every file must make `hilsolve compile`
// exit 2 with one clear message that names the problem and where it is, never a stack trace.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { compile } from '../src/model/compile.ts';
import { InputError, UnsatisfiableError } from '../src/model/errors.ts';
import { LIMITS } from '../src/model/limits.ts';
import { valuesToIndices } from '../src/model/pack.ts';
import { parseProblem, type ParseOptions } from '../src/model/parse.ts';
import { parseSolution } from '../src/model/solution.ts';
import { FIXTURES, runCli, spawnCli, type CliResult } from './helpers/run-cli.ts';

const DIR = join(FIXTURES, 'malformed');

/** Where the message must point: DIMACS line and column, JSON path, or nowhere (an option, the size). */
type Where = 'line' | 'path' | 'none';

/** file -> [extra CLI arguments, expected message fragment, where]. One row per corpus file. */
const CASES: Record<string, [string[], string, Where]> = {
  'cnf-no-header.cnf': [[], 'line 1, column 1: expected the "p cnf VARIABLES CLAUSES" header before the first clause', 'line'],
  'cnf-only-comments.cnf': [[], 'line 2, column 1: no "p cnf VARIABLES CLAUSES" header', 'line'],
  'cnf-truncated-header.cnf': [[], 'line 2, column 8: the header needs the number of clauses', 'line'],
  'cnf-header-wrong-kind.cnf': [[], 'line 1, column 3: expected "p cnf", got "p sat"', 'line'],
  'cnf-header-not-number.cnf': [[], 'line 1, column 7: expected a variable count, got "three"', 'line'],
  'cnf-header-extra.cnf': [[], 'line 1, column 11: unexpected text after the header', 'line'],
  'cnf-second-header.cnf': [[], 'line 2, column 1: a second "p cnf" header', 'line'],
  'cnf-too-many-variables.cnf': [[], 'line 1, column 7: expected a variable count in 0..65536, got 70000', 'line'],
  'cnf-too-few-clauses.cnf': [[], 'line 1, column 9: the header declares 3 clauses but the file has 2', 'line'],
  'cnf-too-many-clauses.cnf': [[], 'line 3, column 6: more clauses than the 1 the header declares', 'line'],
  'cnf-literal-out-of-range.cnf': [[], 'line 3, column 4: literal 4 names variable 4, but the header declares 3 variables', 'line'],
  'cnf-non-integer-literal.cnf': [[], 'line 2, column 3: expected a literal, got "2.5"', 'line'],
  'cnf-garbage-literal.cnf': [[], 'line 2, column 3: expected a literal, got "x3"', 'line'],
  'cnf-unterminated-clause.cnf': [[], 'line 3, column 5: the last clause is not ended by 0 (is the file truncated?)', 'line'],
  'cnf-bad-sampling-set.cnf': [[], 'line 2, column 9: sampling-set variable 9 is out of range 1..3', 'line'],
  'cnf-binary-junk.cnf': [[], 'line 2, column 1: the problem contains a NUL byte: binary data, not a text file', 'line'],
  'cnf-invalid-utf8.cnf': [[], 'line 1, column 6: the problem is not UTF-8 text (invalid sequence at byte 0xe9)', 'line'],
  'col-missing-colors.col': [[], 'the number of colours is missing: .col input needs it as an option', 'none'],
  'col-too-many-colors.col': [['--colors', '300'], '--colors must be an integer in 1..256, got "300"', 'none'],
  'col-bad-endpoint.col': [['--colors', '3'], 'line 3, column 5: vertex 9 is out of range 1..3', 'line'],
  'col-zero-vertex.col': [['--colors', '3'], 'line 2, column 3: vertex 0 is out of range 1..3', 'line'],
  'col-non-integer-vertex.col': [['--colors', '3'], 'line 2, column 5: expected a vertex number, got "2.0"', 'line'],
  'col-edge-count.col': [['--colors', '3'], 'line 1, column 10: the header declares 3 edges but the file has 2', 'line'],
  'col-edge-before-header.col': [['--colors', '3'], 'line 1, column 1: expected the "p edge VERTICES EDGES" header before the first edge', 'line'],
  'col-unknown-line.col': [['--colors', '3'], 'line 2, column 1: unknown line type "x" (expected c, p or e)', 'line'],
  'col-truncated-edge.col': [['--colors', '3'], 'line 2, column 4: an edge needs two vertices', 'line'],
  'col-header-kind.col': [['--colors', '3'], 'line 1, column 3: expected "p edge" or "p col", got "p graph"', 'line'],
  'json-trailing-comma.json': [[], 'line 4, column 1: invalid JSON: expected a property name in double quotes', 'line'],
  'json-truncated.json': [[], 'line 3, column 45: invalid JSON: expected \':\' after a property name, found end of input', 'line'],
  'json-empty-file.json': [[], 'line 1, column 1: invalid JSON: expected a value, found end of input', 'line'],
  'json-not-object.json': [[], '$: expected an object, got an array', 'path'],
  'json-duplicate-key.json': [[], 'line 1, column 61: invalid JSON: duplicate key "max"', 'line'],
  'json-deep-nesting.json': [[], 'line 1, column 257: invalid JSON: nesting deeper than 256 levels', 'line'],
  'json-missing-field.json': [[], '$: missing field "constraints"', 'path'],
  'json-unknown-field.json': [[], '$.constraints[0].offset: unknown field "offset" (expected type, x, op, y, c)', 'path'],
  'json-unknown-variable.json': [[], '$.constraints[1].vars[1]: unknown variable "q[9]"', 'path'],
  'json-unknown-constraint-type.json': [[], '$.constraints[0].type: unknown constraint type "atMost"', 'path'],
  'json-duplicate-name.json': [[], '$.variables[1].name: duplicate name "x"', 'path'],
  'json-empty-domain.json': [[], '$.variables[0].domain: empty domain: min 5 is greater than max 4', 'path'],
  'json-empty-domain-list.json': [[], '$.variables[0].domain: empty domain: the list has no values', 'path'],
  'json-non-integer.json': [[], '$.variables[0].domain.max: expected an integer, got 2.5', 'path'],
  'json-value-beyond-int32.json': [[], '$.variables[0].domain.min: value -3000000000 is out of range -2147483648..2147483647', 'path'],
  'json-domain-too-large.json': [[], '$.variables[0].domain: domain spans 1000 values (0..999), over the limit of 256', 'path'],
  'json-value-not-in-domain.json': [[], '$.constraints[0].literals[0].value: value 2 is not in the domain of x ({1, 3, 5})', 'path'],
  'json-bad-offsets.json': [[], '$.constraints[0].offsets: 3 offsets for 4 variables', 'path'],
  'json-coefficient-too-large.json': [[], '$.constraints[0].terms[0].coef: coefficient 100000 is out of range -32768..32767', 'path'],
  'json-table-arity.json': [[], '$.constraints[0].tuples[1]: tuple of 1 values for 2 variables', 'path'],
  'json-array-as-variable.json': [[], '$.constraints[0].x: "q" is an array of 2 variables; name one element, e.g. "q[0]"', 'path'],
  'json-binary-junk.json': [[], 'line 1, column 15: the problem contains a NUL byte', 'line'],
};

/** Files run as real child processes of bin/hilsolve.js; the rest run in-process through main(). */
const SPAWNED = new Set(['cnf-truncated-header.cnf', 'col-missing-colors.col', 'json-unknown-variable.json', 'json-binary-junk.json', 'cnf-invalid-utf8.cnf']);

function expectRefused(r: CliResult, file: string, fragment: string, where: Where): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).toContain(fragment);
  if (where !== 'none') expect(r.stderr).toContain(`${file}: `);
  if (where === 'line') expect(r.stderr).toMatch(/: line \d+, column \d+: /);
  if (where === 'path') expect(r.stderr).toMatch(/: \$[.[:]/);
}

describe('malformed corpus through hilsolve compile', () => {
  it('has a table row for every corpus file, and at least 35 files', () => {
    const files = readdirSync(DIR).sort();
    expect(files).toEqual(Object.keys(CASES).sort());
    expect(files.length).toBeGreaterThanOrEqual(35);
  });

  for (const [file, [args, fragment, where]] of Object.entries(CASES)) {
    const how = SPAWNED.has(file) ? 'child process' : 'in-process';
    it(`${file} (${how})`, async () => {
      const path = join(DIR, file);
      const argv = ['compile', path, ...args];
      expectRefused(SPAWNED.has(file) ? spawnCli(argv) : await runCli(argv), path, fragment, where);
    });
  }

  const tmp = mkdtempSync(join(tmpdir(), 'hilsolve-oversize-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses an oversize file before reading it', async () => {
    const path = join(tmp, 'oversize.cnf');
    writeFileSync(path, `p cnf 1 1\n1 0\n${'c padding\n'.repeat(LIMITS.maxSourceBytes / 10)}`);
    expectRefused(await runCli(['compile', path]), path, 'bytes, over the limit of 16777216 bytes (16 MiB)', 'none');
  });
});

describe('mutated fixtures and solutions never crash the parsers', () => {
  const sources: [string, ParseOptions][] = [
    ['uf20-91.cnf', { format: 'cnf' }],
    ['flat50-3.col', { format: 'col', colors: 3 }],
    ['8-queens.json', { format: 'json' }],
    ['sudoku-easy.json', { format: 'json' }],
  ];
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('0', '-', '9', ' ', '\n', '"', ',', '}', ']', '[', '.', 'e', '\u0000', '\u00e9', 'p cnf 1 1', '99999999999') }),
  );

  function apply(text: string, e: { kind: string; at: number; length?: number; text?: string }): string {
    const at = e.at % (text.length + 1);
    if (e.kind === 'truncate') return text.slice(0, at);
    if (e.kind === 'delete') return text.slice(0, at) + text.slice(at + e.length!);
    return text.slice(0, at) + e.text! + text.slice(at);
  }

  for (const [file, options] of sources) {
    it(`${file}: a model (that compiles or is refused cleanly) or a located InputError`, () => {
      const original = readFileSync(join(FIXTURES, file), 'utf8');
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const text = edits.reduce(apply, original);
        try {
          const model = parseProblem(text, options);
          expect(model.format).toBe(options.format);
          try {
            compile(model);
          } catch (err) {
            expect(err instanceof UnsatisfiableError || err instanceof InputError).toBe(true);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          const loc = (err as InputError).location;
          expect(loc.path !== undefined || (loc.line! >= 1 && loc.column! >= 1)).toBe(true);
        }
      }), { numRuns: 400 });
    });
  }

  const solutions: [string, string, ParseOptions][] = [
    ['uf20-91.cnf', 'uf20-91.sol', { format: 'cnf' }],
    ['flat50-3.col', 'flat50-3.sol', { format: 'col', colors: 3 }],
    ['8-queens.json', '8-queens.solution.json', { format: 'json' }],
  ];
  for (const [problem, file, options] of solutions) {
    it(`${file}: an assignment or an InputError`, () => {
      const model = parseProblem(readFileSync(join(FIXTURES, problem)), options);
      const original = readFileSync(join(FIXTURES, file), 'utf8');
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        try {
          const values = valuesToIndices(model, parseSolution(model, edits.reduce(apply, original)));
          expect(values).toHaveLength(model.variables.length);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }), { numRuns: 300 });
    });
  }
});
