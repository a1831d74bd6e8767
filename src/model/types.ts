// The problem model: what every input format (JSON, DIMACS CNF, DIMACS .col) parses into,
// and what the compiler, the checkers and the sampler read. Pure data, no I/O.
//
// Values and indices: a variable's domain is the integer range [min, min + size - 1] with holes
// ("the domain bitmask"). Hardware and the packed candidate work with the *index* i = value - min,
// 0 <= i < size. size is at most LIMITS.maxDomainSize.

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export const COMPARE_OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

/** How a variable's value is shown to a user (API, CLI): CNF variables as booleans. */
export type ValueKind = 'int' | 'bool';

export interface Variable {
  name: string;
  /** Value of index 0. */
  min: number;
  /** Span of the domain: max - min + 1. */
  size: number;
  /** allowed[i] tells whether value min + i is in the domain (holes are false). Length = size. */
  allowed: boolean[];
  kind: ValueKind;
}

/** `var in values` (or, negated, `var not in values`). `x = v` is values [v]; `x != v` is values [v] negated. */
export interface Literal {
  var: number;
  values: number[];
  negated: boolean;
}

export interface ClauseConstraint {
  type: 'clause';
  literals: Literal[];
}

/** x op y + c */
export interface CompareConstraint {
  type: 'compare';
  x: number;
  op: CompareOp;
  y: number;
  c: number;
}

/** All of (vars[i] + offsets[i]) pairwise different; offsets default to 0. */
export interface AllDifferentConstraint {
  type: 'allDifferent';
  vars: number[];
  offsets: number[];
}

export interface TableConstraint {
  type: 'table';
  vars: number[];
  /** Tuples of values (not indices), each of length vars.length. */
  tuples: number[][];
  mode: 'allowed' | 'forbidden';
}

export interface LinearTerm {
  coef: number;
  var: number;
}

/** sum(coef_i * x_i) op rhs */
export interface LinearConstraint {
  type: 'linear';
  terms: LinearTerm[];
  op: CompareOp;
  rhs: number;
}

export type Constraint =
  | ClauseConstraint
  | CompareConstraint
  | AllDifferentConstraint
  | TableConstraint
  | LinearConstraint;

export type ProblemFormat = 'json' | 'cnf' | 'col' | 'fzn';

/**
 * What an optimisation problem minimises or maximises: sum(coef_i * x_i) + constant over values
 * (not indices). A model without one is a satisfaction problem. src/model/objective.ts.
 */
export interface Objective {
  sense: 'minimize' | 'maximize';
  terms: LinearTerm[];
  constant: number;
}

export interface Model {
  format: ProblemFormat;
  variables: Variable[];
  constraints: Constraint[];
  /** Optimisation problems only (JSON `objective`, FlatZinc `solve minimize/maximize`). */
  objective?: Objective;
  /** Format-specific facts kept for rendering and for the user (e.g. CNF `c ind` sampling set, colour count). */
  meta: {
    /** DIMACS CNF: variables named in `c ind` lines (1-based numbers), if any. */
    samplingSet?: number[];
    /** DIMACS .col: number of colours asked for. */
    colors?: number;
    /** Free-form name (file name or the JSON `name` field). */
    name?: string;
    /** FlatZinc: what to print for a solution and what the solve item asks (src/model/parse-fzn.ts). */
    fzn?: FznMeta;
  };
}

/** A FlatZinc variable reference resolved: a model variable, or a constant (an alias fixed by the file). */
export type FznRef = { var: number } | { value: number };

/** One `output_var` or `output_array` item of a FlatZinc file, printed as MiniZinc prints it. */
export interface FznOutput {
  name: string;
  /** How values print: `true`/`false` or integers. */
  kind: ValueKind;
  /** Index ranges of `output_array([a..b, ...])`, absent for `output_var`. */
  dims?: [number, number][];
  /** The scalar (one element) or the array's elements in order. */
  elements: FznRef[];
}

export interface FznMeta {
  outputs: FznOutput[];
  /** The solve item: `satisfy`, or the objective to minimize or maximize. */
  solve: { method: 'satisfy' } | { method: 'minimize' | 'maximize'; objective: FznRef };
}

/** An assignment by variable index: values (not indices). */
export type Assignment = number[];

/** What a user sees: `{ name: value }`, booleans for CNF variables. */
export type RenderedAssignment = Record<string, number | boolean>;
