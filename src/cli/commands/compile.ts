// `hilsolve compile FILE`: parse and compile a problem, print a summary of its validator program.

import { UnsatisfiableError } from '../../model/errors.ts';
import { compile, compileUnsearched } from '../../model/compile.ts';
import { encodeProgramWords } from '../../model/isa.ts';
import { compileSearchTables, searchImageBytes } from '../../model/search-tables.ts';
import type { Program } from '../../model/program.ts';
import type { Model } from '../../model/types.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT } from '../main.ts';
import { PROBLEM_OPTIONS, readProblemFile } from '../problem-file.ts';

export const usage = `usage: hilsolve compile FILE [--format json|cnf|col|fzn] [--colors K] [--json]

Parse and compile a problem; print the size of its validator program and, for device search, of
its search tables and of the program a search job loads beside them (docs/search.md).
  --format F   problem format (default: from the file extension .json, .cnf, .col, .fzn)
  --colors K   number of colours, required for .col graph colouring
  --json       print the summary as JSON
Exit status: 0 compiled, 1 proven unsatisfiable while compiling, 2 unusable input.`;

export interface ProgramSummary {
  name: string | undefined;
  format: string;
  variables: number;
  constraints: number;
  domainChecks: number;
  words: number;
  programBytes: number;
  candidateBits: number;
  candidateBytes: number;
  /** Device search: the tables, and the program loaded beside them (compileUnsearched). */
  search: {
    clauses: number;
    literals: number;
    /** Model constraints the tables carry, and the ones only the validator checks, by kind. */
    searched: number;
    checkedOnly: Record<string, number>;
    /** The two SearchChunk streams (docs/search.md, "Wire form"). */
    tableBytes: number;
    programWords: number;
    programBytes: number;
  };
}

const programBytes = (p: Program) => encodeProgramWords(p.words).length + Math.ceil(p.numVars / 2);

export function summarize(model: Model, program: Program): ProgramSummary {
  const tables = compileSearchTables(model);
  const checkedOnly: Record<string, number> = {};
  for (const c of tables.checkedOnly) checkedOnly[c.kind] = (checkedOnly[c.kind] ?? 0) + 1;
  const beside = compileUnsearched(model, tables);
  return {
    name: model.meta.name,
    format: model.format,
    variables: program.numVars,
    constraints: program.modelConstraints,
    domainChecks: program.domainChecks.length,
    words: program.words.length,
    programBytes: programBytes(program),
    candidateBits: program.widths.reduce((a, b) => a + b, 0),
    candidateBytes: program.candidateBytes,
    search: {
      clauses: tables.numClauses,
      literals: tables.numLiterals,
      searched: tables.searched.length,
      checkedOnly,
      tableBytes: searchImageBytes(tables).reduce((n, e) => n + e.bytes.length, 0),
      programWords: beside.words.length,
      programBytes: programBytes(beside),
    },
  };
}

function checkedText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([kind, n]) => `${n} ${kind}`);
  return parts.length === 0 ? 'none checked only' : `checked only: ${parts.join(', ')}`;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PROBLEM_OPTIONS, json: { type: 'boolean' } }, ['FILE']);
  const file = positionals[0]!;
  const model = readProblemFile(file, values);
  let program: Program;
  try {
    program = compile(model);
  } catch (err) {
    if (!(err instanceof UnsatisfiableError)) throw err;
    process.stderr.write(`hilsolve compile: ${file}: ${err.message}\n`);
    return EXIT.NO;
  }
  const s = summarize(model, program);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return EXIT.OK;
  }
  process.stdout.write([
    `problem       ${s.name ?? file} (${s.format})`,
    `variables     ${s.variables}`,
    `constraints   ${s.constraints} + ${s.domainChecks} domain check${s.domainChecks === 1 ? '' : 's'} = ${s.constraints + s.domainChecks}`,
    `program       ${s.words} words, ${s.programBytes} bytes with the width table`,
    `candidate     ${s.candidateBits} bits, ${s.candidateBytes} byte${s.candidateBytes === 1 ? '' : 's'}`,
    `search        ${s.search.clauses} clauses, ${s.search.literals} literals, ${s.search.tableBytes} bytes; ` +
      `${s.search.searched} constraint${s.search.searched === 1 ? '' : 's'} searched, ${checkedText(s.search.checkedOnly)}`,
    `  beside      a program of ${s.search.programWords} words, ${s.search.programBytes} bytes`,
    '',
  ].join('\n'));
  return EXIT.OK;
}
