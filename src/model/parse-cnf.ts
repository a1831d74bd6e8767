// DIMACS CNF (docs/formats.md): `p cnf V C`, clauses of nonzero literals each ended by 0 (free to
// span lines), `c` comment lines anywhere, `c ind ... 0` lines kept as the sampling set, and a
// line starting with `%` ending the formula (as in the SATLIB benchmark files). Variables are
// named "1".."V" with domain {0, 1}; literal k becomes `k = 1`, literal -k becomes `k = 0`.

import { afterToken, DimacsReader, readIntToken, tokenError, type Token } from './dimacs.ts';
import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import type { ClauseConstraint, Literal, Model } from './types.ts';

interface Header {
  vars: number;
  clauses: number;
  clausesToken: Token;
}

export function parseCnf(text: string, name?: string): Model {
  const reader = new DimacsReader(text);
  let header: Header | undefined;
  const clauses: ClauseConstraint[] = [];
  let current: Literal[] = [];
  let lastLiteral: Token | undefined;
  let totalLiterals = 0;
  const sampling: { value: number; token: Token }[] = [];
  // One shared, never-mutated Literal per (variable, sign): a big formula repeats each many times.
  const literals: Literal[] = [];
  const literal = (lit: number): Literal => {
    const key = 2 * (Math.abs(lit) - 1) + (lit > 0 ? 1 : 0);
    return (literals[key] ??= { var: Math.abs(lit) - 1, values: [lit > 0 ? 1 : 0], negated: false });
  };
  const count = (token: Token): void => {
    if (++totalLiterals > LIMITS.maxTotalTerms) throw tokenError(token, `more than ${LIMITS.maxTotalTerms} literals in total`);
  };

  while (reader.nextLine()) {
    const first = reader.token()!;
    if (first.text.startsWith('%')) break;
    if (first.text.startsWith('c')) {
      const second = first.text === 'c' ? reader.token() : undefined;
      if (second?.text === 'ind') readSamplingLine(reader, second, sampling, count);
      continue;
    }
    if (first.text === 'p') {
      if (header) throw tokenError(first, 'a second "p cnf" header');
      header = readHeader(reader, first);
      continue;
    }
    if (!header) throw tokenError(first, 'expected the "p cnf VARIABLES CLAUSES" header before the first clause');
    for (let token: Token | undefined = first; token; token = reader.token()) {
      const lit = readIntToken(token, 'a literal', -LIMITS.maxValue, LIMITS.maxValue);
      if (token.text === '-0') throw tokenError(token, 'expected a literal, got "-0"');
      if (Math.abs(lit) > header.vars) {
        throw tokenError(token, `literal ${lit} names variable ${Math.abs(lit)}, but the header declares ${header.vars} variables`);
      }
      if (lit === 0) {
        if (clauses.length === header.clauses) {
          throw tokenError(token, `more clauses than the ${header.clauses} the header declares`);
        }
        clauses.push({ type: 'clause', literals: current });
        current = [];
        lastLiteral = undefined;
        continue;
      }
      if (current.length === LIMITS.maxConstraintArity) {
        throw tokenError(token, `clause longer than ${LIMITS.maxConstraintArity} literals`);
      }
      count(token);
      current.push(literal(lit));
      lastLiteral = token;
    }
  }

  if (!header) throw new InputError('no "p cnf VARIABLES CLAUSES" header', { line: reader.lastNonBlankLine, column: 1 });
  if (lastLiteral) {
    throw tokenError(afterToken(lastLiteral), 'the last clause is not ended by 0 (is the file truncated?)');
  }
  if (clauses.length !== header.clauses) {
    throw tokenError(header.clausesToken, `the header declares ${header.clauses} clauses but the file has ${clauses.length}`);
  }
  const vars = header.vars;
  for (const { value, token } of sampling) {
    if (value > vars) throw tokenError(token, `sampling-set variable ${value} is out of range 1..${vars}`);
  }
  const model: Model = {
    format: 'cnf',
    variables: Array.from({ length: vars }, (_, i) => ({ name: String(i + 1), min: 0, size: 2, allowed: [true, true], kind: 'bool' as const })),
    constraints: clauses,
    meta: {},
  };
  if (sampling.length > 0) model.meta.samplingSet = sampling.map((s) => s.value);
  if (name !== undefined) model.meta.name = name;
  return model;
}

function readHeader(reader: DimacsReader, p: Token): Header {
  const kind = reader.token();
  if (!kind) throw tokenError(afterToken(p), 'the header needs "cnf", the number of variables and the number of clauses');
  if (kind.text !== 'cnf') throw tokenError(kind, `expected "p cnf", got "p ${kind.text}"`);
  const vars = reader.token();
  if (!vars) throw tokenError(afterToken(kind), 'the header needs the number of variables and the number of clauses');
  const clauses = reader.token();
  if (!clauses) throw tokenError(afterToken(vars), 'the header needs the number of clauses');
  const extra = reader.token();
  if (extra) throw tokenError(extra, 'unexpected text after the header');
  return {
    vars: readIntToken(vars, 'a variable count', 0, LIMITS.maxVariables),
    clauses: readIntToken(clauses, 'a clause count', 0, LIMITS.maxConstraints),
    clausesToken: clauses,
  };
}

/** `c ind 3 7 12 0`: variables of the sampling set (projection), ended by 0. */
function readSamplingLine(reader: DimacsReader, ind: Token, out: { value: number; token: Token }[], count: (t: Token) => void): void {
  let last = ind;
  for (let token = reader.token(); token; token = reader.token()) {
    if (token.text === '0') {
      const extra = reader.token();
      if (extra) throw tokenError(extra, 'unexpected text after the 0 that ends a "c ind" line');
      return;
    }
    count(token);
    out.push({ value: readIntToken(token, 'a sampling-set variable', 1, LIMITS.maxVariables), token });
    last = token;
  }
  throw tokenError(afterToken(last), 'a "c ind" line must end with 0');
}
