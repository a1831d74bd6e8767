// DIMACS CNF (docs/formats.md): `p cnf V C`, clauses of nonzero literals each ended by 0 (free to
// span lines), `c` comment lines anywhere, `c ind ... 0` lines kept as the sampling set, and a
// line starting with `%` ending the formula (as in the SATLIB benchmark files). Variables are
// named "1".."V" with domain {0, 1}; literal k becomes `k = 1`, literal -k becomes `k = 0`.

import { afterToken, forEachTokenLine, readIntToken, tokenError, type Token } from './dimacs.ts';
import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import type { ClauseConstraint, Literal, Model } from './types.ts';

interface Header {
  vars: number;
  clauses: number;
  clausesToken: Token;
}

export function parseCnf(text: string, name?: string): Model {
  let header: Header | undefined;
  const clauses: ClauseConstraint[] = [];
  let current: Literal[] = [];
  let lastLiteral: Token | undefined;
  let totalLiterals = 0;
  const sampling: { value: number; token: Token }[] = [];
  let lastLine = 1;
  // One shared, never-mutated Literal per (variable, sign): a big formula repeats each many times.
  const literals: Literal[] = [];
  const literal = (lit: number): Literal => {
    const key = 2 * (Math.abs(lit) - 1) + (lit > 0 ? 1 : 0);
    return (literals[key] ??= { var: Math.abs(lit) - 1, values: [lit > 0 ? 1 : 0], negated: false });
  };

  forEachTokenLine(text, (tokens, line) => {
    lastLine = line;
    const first = tokens[0]!;
    if (first.text.startsWith('%')) return false;
    if (first.text.startsWith('c')) {
      if (first.text === 'c' && tokens[1]?.text === 'ind') readSamplingLine(tokens, sampling);
      return true;
    }
    if (first.text === 'p') {
      if (header) throw tokenError(first, 'a second "p cnf" header');
      header = readHeader(tokens);
      return true;
    }
    if (!header) throw tokenError(first, 'expected the "p cnf VARIABLES CLAUSES" header before the first clause');
    for (const token of tokens) {
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
      if (++totalLiterals > LIMITS.maxTotalTerms) {
        throw tokenError(token, `more than ${LIMITS.maxTotalTerms} literals in total`);
      }
      current.push(literal(lit));
      lastLiteral = token;
    }
    return true;
  });

  if (!header) throw new InputError('no "p cnf VARIABLES CLAUSES" header', { line: lastLine, column: 1 });
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

function readHeader(tokens: Token[]): Header {
  const [p, kind, vars, clauses, extra] = tokens;
  if (!kind) throw tokenError(afterToken(p!), 'the header needs "cnf", the number of variables and the number of clauses');
  if (kind.text !== 'cnf') throw tokenError(kind, `expected "p cnf", got "p ${kind.text}"`);
  if (!vars) throw tokenError(afterToken(kind), 'the header needs the number of variables and the number of clauses');
  if (!clauses) throw tokenError(afterToken(vars), 'the header needs the number of clauses');
  if (extra) throw tokenError(extra, 'unexpected text after the header');
  return {
    vars: readIntToken(vars, 'a variable count', 0, LIMITS.maxVariables),
    clauses: readIntToken(clauses, 'a clause count', 0, LIMITS.maxConstraints),
    clausesToken: clauses,
  };
}

/** `c ind 3 7 12 0`: variables of the sampling set (projection), ended by 0. */
function readSamplingLine(line: Token[], out: { value: number; token: Token }[]): void {
  const tokens = line.slice(2);
  const end = tokens.findIndex((t) => t.text === '0');
  if (end < 0) throw tokenError(afterToken(line[line.length - 1]!), 'a "c ind" line must end with 0');
  if (end !== tokens.length - 1) throw tokenError(tokens[end + 1]!, 'unexpected text after the 0 that ends a "c ind" line');
  for (const token of tokens.slice(0, end)) {
    out.push({ value: readIntToken(token, 'a sampling-set variable', 1, LIMITS.maxVariables), token });
  }
}
