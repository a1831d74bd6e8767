// Random models and candidates, deterministic from a seeded Prng, for the compiler/checker
// agreement tests and for differential test vectors of the RTL engine. The models cover every
// constraint type and every way the compiler encodes them: domains of sizes 1..256 (powers of two
// and not), negative mins, holes; clause literals =, != and in (sets spanning several 32-value
// windows, values outside the domain); comparisons of every op with offsets; allDifferent with
// ADIFF and with the pairwise fallback (large offsets); allowed and forbidden tables of arity 1..4
// (dense binary tables that favour the support encoding); linear sums with mixed-sign
// coefficients up to the 16-bit limit and every op.
//
// randomProgram goes further than any compiler output: arbitrary valid words, every opcode with
// every flag combination (TRUE with NEG, mixed MODE within a constraint, ACC without CLR carrying
// across constraints and wrapping, empty terms, words after the last EC).

import { compile } from '../../src/model/compile.ts';
import { UnsatisfiableError } from '../../src/model/errors.ts';
import type { Prng } from '../../src/model/prng.ts';
import { encodeWord, Opcode, OPCODE_COUNT } from '../../src/model/isa.ts';
import { bitWidth, packedLength } from '../../src/model/pack.ts';
import type { Program } from '../../src/model/program.ts';
import { COMPARE_OPS, type Constraint, type Model, type Variable } from '../../src/model/types.ts';

export type ConstraintType = Constraint['type'];
export const CONSTRAINT_TYPES: readonly ConstraintType[] = ['clause', 'compare', 'allDifferent', 'table', 'linear'];

export interface RandomModelOptions {
  /** Number of variables (default: 1..6). */
  variables?: number;
  /** Number of constraints (default: 1..4). */
  constraints?: number;
  /** Constraint types to draw from (default: all). */
  types?: readonly ConstraintType[];
  /** Largest domain size (default 256). */
  maxDomainSize?: number;
}

const SIZES = [1, 2, 2, 2, 3, 4, 5, 7, 8, 16, 17, 31, 32, 33, 64, 100, 128, 200, 255, 256];

export function randomModel(rng: Prng, options: RandomModelOptions = {}): Model {
  const maxSize = options.maxDomainSize ?? 256;
  const numVars = options.variables ?? 1 + rng.int(6);
  const variables = Array.from({ length: numVars }, (_, i) => randomVariable(rng, i, maxSize));
  const types = options.types ?? CONSTRAINT_TYPES;
  const count = options.constraints ?? 1 + rng.int(4);
  const constraints = Array.from({ length: count }, () => randomConstraint(rng, variables, pick(rng, types)));
  return { format: 'json', variables, constraints, meta: { name: 'random' } };
}

/**
 * A random model that compiles, with its program: draws with `sizes()` (called once a draw, so a
 * caller may draw more from `rng` there) until compile() does not prove one unsatisfiable.
 */
export function randomCompiledModel(rng: Prng, sizes: () => RandomModelOptions): { model: Model; program: Program } {
  for (;;) {
    const model = randomModel(rng, sizes());
    try {
      return { model, program: compile(model) };
    } catch (err) {
      if (!(err instanceof UnsatisfiableError)) throw err;
    }
  }
}

/**
 * Indices that are in the domain, except with probability `outside` per variable any representable
 * index (so sometimes a hole or past the domain's end).
 */
export function randomIndices(rng: Prng, model: Model, outside = 0.15): number[] {
  return model.variables.map((v) => {
    if (!chance(rng, outside)) {
      const allowed = v.allowed.flatMap((a, i) => (a ? [i] : []));
      return pick(rng, allowed);
    }
    return rng.int(1 << bitWidth(v.size));
  });
}

function pick<T>(rng: Prng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

function chance(rng: Prng, p: number): boolean {
  return rng.next() < p;
}

function randomVariable(rng: Prng, i: number, maxSize: number): Variable {
  const sizes = SIZES.filter((s) => s <= maxSize);
  const size = pick(rng, sizes);
  const min = chance(rng, 0.4) ? 0 : rng.int(601) - 300;
  const allowed = Array.from({ length: size }, () => true);
  if (size > 1 && chance(rng, 0.3)) {
    for (let k = 0; k < size; k++) if (chance(rng, 0.25)) allowed[k] = false;
    if (!allowed.includes(true)) allowed[rng.int(size)] = true;
  }
  return { name: `v${i}`, min, size, allowed, kind: 'int' };
}

/** A value near variable v's domain: usually inside, sometimes a little past either end. */
function nearValue(rng: Prng, v: Variable): number {
  if (chance(rng, 0.8)) return v.min + rng.int(v.size);
  const span = Math.max(4, v.size >> 2);
  return v.min - span + rng.int(v.size + 2 * span);
}

function randomConstraint(rng: Prng, vars: Variable[], type: ConstraintType): Constraint {
  const anyVar = (): number => rng.int(vars.length);
  switch (type) {
    case 'clause': {
      const literals = Array.from({ length: 1 + rng.int(4) }, () => {
        const x = anyVar();
        const v = vars[x]!;
        const shape = rng.int(3);
        let values: number[];
        if (shape < 2) values = [nearValue(rng, v)]; // = or !=
        else if (chance(rng, 0.5)) values = Array.from({ length: 1 + rng.int(40) }, () => nearValue(rng, v));
        else {
          // a run of values, possibly spanning several 32-value windows
          const start = nearValue(rng, v);
          values = Array.from({ length: 1 + rng.int(Math.max(1, v.size)) }, (_, k) => start + k);
        }
        return { var: x, values, negated: shape === 1 || (shape === 2 && chance(rng, 0.4)) };
      });
      return { type: 'clause', literals };
    }
    case 'compare': {
      const x = anyVar();
      const y = vars.length === 1 || chance(rng, 0.05) ? x : (x + 1 + rng.int(vars.length - 1)) % vars.length;
      const vx = vars[x]!;
      const vy = vars[y]!;
      // c so that x - y - c takes both signs over the domains, sometimes far away (folds to a constant)
      const c = chance(rng, 0.03) ? rng.int(2001) - 1000 : vx.min - vy.min + rng.int(vx.size + vy.size - 1) - (vy.size - 1);
      return { type: 'compare', x, op: pick(rng, COMPARE_OPS), y, c };
    }
    case 'allDifferent': {
      // distinct variables, but now and then one twice (same offset: never satisfiable)
      const vs = rng.shuffle(vars.map((_, i) => i)).slice(0, 2 + rng.int(5));
      if (chance(rng, 0.05)) vs.push(vs[0]!);
      const style = rng.int(3);
      const offsets = vs.map(() => (style === 0 ? 0 : style === 1 ? rng.int(9) - 4 : rng.int(601) - 300));
      return { type: 'allDifferent', vars: vs, offsets };
    }
    case 'table': {
      const arity = chance(rng, 0.1) ? 1 : 2 + rng.int(3);
      // distinct variables where there are enough, now and then one repeated
      const vs = rng.shuffle(vars.map((_, i) => i)).slice(0, arity);
      while (vs.length < arity) vs.push(anyVar());
      if (arity > 1 && chance(rng, 0.05)) vs[arity - 1] = vs[0]!;
      const dense = arity === 2 && chance(rng, 0.4);
      const count = dense ? 8 + rng.int(40) : 1 + rng.int(10);
      const tuples = Array.from({ length: count }, () => vs.map((x) => nearValue(rng, vars[x]!)));
      return { type: 'table', vars: vs, tuples, mode: chance(rng, 0.5) ? 'allowed' : 'forbidden' };
    }
    case 'linear': {
      const terms = Array.from({ length: 1 + rng.int(5) }, () => ({
        var: anyVar(),
        coef: chance(rng, 0.1) ? pick(rng, [-32768, 32767, -1000, 4096]) : rng.int(41) - 20,
      }));
      // rhs the sum at a random in-domain point, or near it, so that both verdicts occur
      let rhs = chance(rng, 0.5) ? 0 : rng.int(11) - 5;
      for (const t of terms) rhs += t.coef * (vars[t.var]!.min + rng.int(vars[t.var]!.size));
      return { type: 'linear', terms, op: pick(rng, COMPARE_OPS), rhs };
    }
  }
}

export interface RandomProgramOptions {
  /** Number of variables (default: 1..6). */
  variables?: number;
  /** Number of words (default: 1..24). */
  words?: number;
  /** Mostly ACC words with extreme coefficients and rare CLR, so that the accumulator wraps. */
  accumulate?: boolean;
}

/** A valid program of random words (any opcode, operands and flags); candidates: any index per width. */
export function randomProgram(rng: Prng, options: RandomProgramOptions = {}): Program {
  const numVars = options.variables ?? 1 + rng.int(6);
  const widths = Array.from({ length: numVars }, () => rng.int(9));
  const count = options.words ?? 1 + rng.int(24);
  const small = (range: number): number => rng.int(2 * range + 1) - range;
  // one sign per program, so that accumulating sums drift far enough to wrap
  const big = chance(rng, 0.5) ? 32767 : -32768;
  const words = Array.from({ length: count }, (_, i) => {
    const op = options.accumulate && chance(rng, 0.8) ? Opcode.ACC : rng.int(OPCODE_COUNT);
    const x = rng.int(numVars);
    const last = i === count - 1;
    return encodeWord({
      op,
      neg: chance(rng, 0.3),
      endTerm: chance(rng, 0.25),
      endCons: last ? chance(rng, 0.85) : chance(rng, 0.25),
      dnf: chance(rng, 0.3),
      x,
      y: rng.int(numVars),
      cop: rng.int(6),
      clr: chance(rng, options.accumulate ? 0.002 : 0.5),
      // IN: a window near the variable's indices; ADIFF: any offset
      base: op === Opcode.IN ? rng.int(Math.min(256, (1 << widths[x]!) + 4)) : rng.int(256),
      mask: op === Opcode.IN ? rng.uint32() : 0,
      imm: op === Opcode.CMP ? small(chance(rng, 0.9) ? 8 : 32768)
        : op === Opcode.ACC ? (chance(rng, options.accumulate ? 0.9 : 0.2) ? big : small(20))
          : op === Opcode.LCMP ? (chance(rng, 0.1) ? rng.uint32() | 0 : small(300))
            : rng.int(256),
    });
  });
  return {
    numVars,
    widths,
    words,
    modelConstraints: words.filter((w) => (w >> 57n) & 1n).length,
    domainChecks: [],
    candidateBytes: packedLength(widths),
  };
}
