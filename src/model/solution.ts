// Solution files for `hilsolve verify` (docs/formats.md), read into an Assignment (values):
// - any format: a JSON object `{ name: value }`, as the API returns it (booleans for CNF);
// - CNF: DIMACS `v` lines (`v 1 -2 3 0`, over as many lines as needed), with `s` and `c` lines;
// - .col: `v VERTEX COLOUR` lines, or a JSON array of colours for vertices 1..V.

import { afterToken, clip, DimacsReader, readIntToken, tokenError, type Token } from './dimacs.ts';
import { InputError } from './errors.ts';
import { readArray, readInt } from './json-path.ts';
import { parseJsonText } from './json-text.ts';
import { LIMITS } from './limits.ts';
import { decodeText } from './parse.ts';
import { parseRenderedAssignment, requireAll } from './render.ts';
import type { Assignment, Model } from './types.ts';

export function parseSolution(model: Model, input: string | Uint8Array): Assignment {
  const text = decodeText(input, 'solution');
  const start = text.trimStart()[0];
  if (start === '{') return parseRenderedAssignment(model, parseJsonText(text));
  if (model.format === 'json') {
    throw new InputError('a solution of a JSON problem is a JSON object {"name": value, ...}');
  }
  if (start === '[' && model.format === 'col') return colouringFromJsonArray(model, parseJsonText(text));
  return model.format === 'cnf' ? readCnfSolution(model, text) : readColSolution(model, text);
}

function colouringFromJsonArray(model: Model, doc: unknown): Assignment {
  const colours = readArray(doc, '$');
  if (colours.length !== model.variables.length) {
    throw new InputError(`${colours.length} colours for ${model.variables.length} vertices`, { path: '$' });
  }
  return colours.map((c, i) => readInt(c, `$[${i}]`, LIMITS.minValue, LIMITS.maxValue, 'colour'));
}

/** DIMACS `v` lines; `s`, `c` and blank lines around them are allowed. */
function readCnfSolution(model: Model, text: string): Assignment {
  const values: (number | undefined)[] = new Array(model.variables.length).fill(undefined);
  let ended = false;
  readValueLines(text, (reader) => {
    for (let token = reader.token(); token; token = reader.token()) {
      if (ended) throw tokenError(token, 'a literal after the 0 that ends the assignment');
      const lit = readIntToken(token, 'a literal', -LIMITS.maxValue, LIMITS.maxValue);
      if (lit === 0) {
        ended = true;
        continue;
      }
      const v = Math.abs(lit);
      if (v > model.variables.length) throw tokenError(token, `literal ${lit} names variable ${v}, but the problem has ${model.variables.length} variables`);
      const value = lit > 0 ? 1 : 0;
      if (values[v - 1] !== undefined && values[v - 1] !== value) throw tokenError(token, `variable ${v} is given both values`);
      values[v - 1] = value;
    }
  });
  return complete(model, values);
}

/** `v VERTEX COLOUR` lines. */
function readColSolution(model: Model, text: string): Assignment {
  const values: (number | undefined)[] = new Array(model.variables.length).fill(undefined);
  readValueLines(text, (reader, v) => {
    const vertex = reader.token();
    if (!vertex) throw tokenError(afterToken(v), 'expected "v VERTEX COLOUR"');
    const colour = reader.token();
    if (!colour) throw tokenError(afterToken(vertex), 'expected a colour after the vertex');
    const extra = reader.token();
    if (extra) throw tokenError(extra, 'unexpected text after the colour');
    const n = readIntToken(vertex, 'a vertex number', 1, model.variables.length);
    const c = readIntToken(colour, 'a colour', LIMITS.minValue, LIMITS.maxValue);
    if (values[n - 1] !== undefined && values[n - 1] !== c) throw tokenError(vertex, `vertex ${n} is given two colours`);
    values[n - 1] = c;
  });
  return complete(model, values);
}

/** Calls `onValues` to read the tokens after each `v`; checks `s` lines; skips `c` lines. */
function readValueLines(text: string, onValues: (reader: DimacsReader, v: Token) => void): void {
  const reader = new DimacsReader(text);
  let any = false;
  while (reader.nextLine()) {
    const first = reader.token()!;
    if (first.text === 'c') continue;
    if (first.text === 's') {
      const status = reader.token();
      const extra = reader.token();
      if (status?.text !== 'SATISFIABLE' || extra) {
        const said = [status, extra].filter((t) => t !== undefined).map((t) => clip(t.text)).join(' ');
        throw tokenError(first, `the solution reports "${said}": there is no assignment to check`);
      }
      continue;
    }
    if (first.text !== 'v') throw tokenError(first, `expected a "v" line, got "${clip(first.text)}"`);
    any = true;
    onValues(reader, first);
  }
  if (!any) throw new InputError('the solution has no "v" lines');
}

function complete(model: Model, values: (number | undefined)[]): Assignment {
  requireAll(model, values, (message) => {
    throw new InputError(message);
  });
  return values as number[];
}
