// The compiled program and the model agree: on random models covering every constraint type and
// random candidates (in the domain, in holes, past the domain's end), executing the program words
// gives exactly the verdict of evaluating the model on values.

import { describe, expect, it } from 'vitest';
import { Prng } from '../src/model/prng.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { prepareProgram } from '../src/check/program-checker.ts';
import { compile } from '../src/model/compile.ts';
import { UnsatisfiableError } from '../src/model/errors.ts';
import { decodeWord, OPCODE_COUNT, Opcode, type Instruction } from '../src/model/isa.ts';
import { packIndices } from '../src/model/pack.ts';
import { constraintCount } from '../src/model/program.ts';
import type { Constraint, Model } from '../src/model/types.ts';
import { CONSTRAINT_TYPES, randomIndices, randomModel } from './helpers/random-model.ts';

describe('program checker agrees with model checker', () => {
  it('on 10,000+ random (model, candidate) cases covering every constraint type and opcode', () => {
    const rng = new Prng(20261127);
    const opcodes = new Array<number>(OPCODE_COUNT).fill(0);
    const flags = { neg: 0, endTerm: 0, dnf: 0, accNoClr: 0 };
    const types = new Map<string, number>();
    const encodings = new Map<string, number>();
    let cases = 0;
    let okVerdicts = 0;
    let outOfDomain = 0;
    let unsatisfiable = 0;
    let compiled = 0;
    let provenExhaustively = 0;
    while (cases < 10_000) {
      const model = randomModel(rng);
      let program;
      try {
        program = compile(model);
      } catch (err) {
        if (!(err instanceof UnsatisfiableError)) throw err;
        // The proof must hold: no in-domain candidate satisfies the model (all of them, when few).
        unsatisfiable++;
        const all = domainAssignments(model, 20_000);
        for (const indices of all ?? Array.from({ length: 20 }, () => randomIndices(rng, model, 0))) {
          expect(checkModel(model, indices).ok).toBe(false);
        }
        if (all) provenExhaustively++;
        continue;
      }
      compiled++;
      expect(constraintCount(program)).toBe(model.constraints.length + program.domainChecks.length);
      expect(program.words.filter((w) => decodeWord(w).endCons).length).toBe(constraintCount(program));
      for (const w of program.words) {
        const ins = decodeWord(w);
        expect(ins.op).toBeLessThan(OPCODE_COUNT);
        if (ins.op === Opcode.CMP || ins.op === Opcode.LCMP) expect(ins.cop).toBeLessThan(6);
        expect(ins.x).toBeLessThan(program.numVars);
        expect(ins.y).toBeLessThan(program.numVars);
        opcodes[ins.op]!++;
        if (ins.neg) flags.neg++;
        if (ins.endTerm) flags.endTerm++;
        if (ins.dnf) flags.dnf++;
        if (ins.op === Opcode.ACC && !ins.clr) flags.accNoClr++;
      }
      for (const c of model.constraints) types.set(c.type, (types.get(c.type) ?? 0) + 1);
      constraintWords(program.words).slice(0, model.constraints.length).forEach((ws, j) => {
        const label = encodingOf(model.constraints[j]!, ws);
        encodings.set(label, (encodings.get(label) ?? 0) + 1);
      });
      const executor = prepareProgram(program);
      for (let k = 0; k < 8; k++) {
        const indices = randomIndices(rng, model);
        const expected = checkModel(model, indices);
        const actual = executor.check(packIndices(program.widths, indices));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect({ model, indices, actual }).toEqual({ model, indices, actual: expected });
        }
        cases++;
        if (expected.ok) okVerdicts++;
        if (expected.violated.some((j) => j >= model.constraints.length)) outOfDomain++;
      }
    }
    for (const t of CONSTRAINT_TYPES) expect(types.get(t) ?? 0, t).toBeGreaterThan(100);
    for (const e of ENCODINGS) expect(encodings.get(e) ?? 0, e).toBeGreaterThan(20);
    opcodes.forEach((n, op) => expect(n, `opcode ${op}`).toBeGreaterThan(50));
    for (const [name, n] of Object.entries(flags)) expect(n, name).toBeGreaterThan(50);
    expect(okVerdicts).toBeGreaterThan(500);
    expect(outOfDomain).toBeGreaterThan(500);
    expect(unsatisfiable).toBeLessThan(compiled / 4);
    expect(provenExhaustively).toBeGreaterThan(unsatisfiable / 2);
  });
});

/** Every in-domain index vector of the model, or null when there are more than `limit`. */
function domainAssignments(model: Model, limit: number): number[][] | null {
  const domains = model.variables.map((v) => v.allowed.flatMap((a, i) => (a ? [i] : [])));
  if (domains.reduce((n, d) => n * d.length, 1) > limit) return null;
  let out: number[][] = [[]];
  for (const d of domains) out = out.flatMap((prefix) => d.map((i) => [...prefix, i]));
  return out;
}

/** The words of each program constraint (split after each EC). */
function constraintWords(words: readonly bigint[]): Instruction[][] {
  const out: Instruction[][] = [[]];
  for (const w of words) {
    const ins = decodeWord(w);
    out[out.length - 1]!.push(ins);
    if (ins.endCons) out.push([]);
  }
  return out;
}

const ENCODINGS = [
  'folded', 'clause:windows', 'clause:negated-window', 'allDifferent:ADIFF', 'allDifferent:pairwise',
  'table:DNF', 'table:support', 'table:forbidden', 'compare:CMP', 'linear:ACC',
];

/** Which way the compiler encoded a constraint, read back from its words. */
function encodingOf(c: Constraint, ws: Instruction[]): string {
  if (ws.length === 1 && ws[0]!.op === Opcode.TRUE) return 'folded';
  switch (c.type) {
    case 'clause': {
      const perVar = new Map<number, number>();
      for (const w of ws) perVar.set(w.x, (perVar.get(w.x) ?? 0) + 1);
      if (ws.some((w) => w.neg)) return 'clause:negated-window';
      return [...perVar.values()].some((n) => n > 1) ? 'clause:windows' : 'clause:single';
    }
    case 'allDifferent':
      return ws.some((w) => w.op === Opcode.ADIFF) ? 'allDifferent:ADIFF' : 'allDifferent:pairwise';
    case 'table':
      return c.mode === 'forbidden' ? 'table:forbidden' : ws.some((w) => w.dnf) ? 'table:DNF' : 'table:support';
    case 'compare':
      return 'compare:CMP';
    case 'linear':
      return 'linear:ACC';
  }
}
