// Every size limit on a problem, in one place. The parsers enforce the ones a problem's text can
// break (with the line/column or JSON path of the offending item); the compiler enforces the ones
// only a compiled program can break (words, program constraints, accumulator range).
// docs/formats.md shows this table to users; keep the two in step.
//
// Why these numbers: the instruction set carries 16-bit variable and constraint indices and 8-bit
// value indices (docs/validator-program.md), and a program has to fit the device's memory.

export const LIMITS = {
  /** Problem text (JSON, CNF, .col) and solution text, in bytes. */
  maxSourceBytes: 16 * 1024 * 1024,
  /** Variables: indices are 16 bits in an instruction word. */
  maxVariables: 65_536,
  /** Values per variable (span max - min + 1): a value index is 8 bits. */
  maxDomainSize: 256,
  /** Smallest and largest value a variable, a literal, an offset or a constant may take: int32. */
  minValue: -2_147_483_648,
  maxValue: 2_147_483_647,
  /** Model constraints. */
  maxConstraints: 65_536,
  /** Program constraints, model constraints plus domain checks: constraint indices are 16 bits. */
  maxProgramConstraints: 65_536,
  /** Literals in one clause, variables in one allDifferent, terms in one linear constraint. */
  maxConstraintArity: 65_536,
  /**
   * Literals, variable references, linear terms and table cells over all constraints together:
   * bounds the work of compiling and the size of the program before it is built.
   */
  maxTotalTerms: 4_194_304,
  /** Tuples in one table constraint. */
  maxTableTuples: 65_536,
  /** Linear coefficients: an ACC word carries a signed 16-bit coefficient. */
  minCoefficient: -32_768,
  maxCoefficient: 32_767,
  /** Instruction words in one program (8 bytes each): 32 MiB of program at most. */
  maxProgramWords: 4_194_304,
  /** Characters in a variable or array name. */
  maxNameLength: 256,
  /** Colours for a DIMACS .col problem: a colour is a value index. */
  maxColors: 256,
  /** Nesting of arrays and objects in a JSON document, so that hostile input cannot exhaust the stack. */
  maxJsonDepth: 256,
} as const;

export type Limits = typeof LIMITS;
