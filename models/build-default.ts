// Builds models/default.onnx: mean-field propagation over the factor graph of the model contract
// (src/sampler/contract.ts, models/README.md). src/sampler/reference.ts is the same arithmetic in
// TypeScript; the comments there say what each factor computes.
//
//   npx tsx models/build-default.ts [OUT]     (default OUT: models/default.onnx)
//
// The output is byte-for-byte reproducible; a test rebuilds it and compares with the committed file.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MASKED_LOGIT, MODEL_OUTPUT, V1_INPUTS } from '../src/sampler/contract.ts';
import { DEFAULT_MODEL_PARAMS } from '../src/sampler/reference.ts';
import { GraphBuilder } from './onnx-writer.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('./default.onnx', import.meta.url));

/** ONNX opset: ScatterElements with reduction 'add' needs 16 or later. */
const OPSET = 18;

export function buildDefaultModel(): Uint8Array {
  const g = new GraphBuilder();
  for (const spec of V1_INPUTS) g.input(spec.name, spec.dtype, spec.axes);

  const f32 = (v: number): string => g.constant('float32', [], [v]);
  const i64s = (vs: number[]): string => g.constant('int64', [vs.length], vs);
  const i64 = (v: number): string => g.constant('int64', [], [v]);
  const zerosLike = (shape: string): string =>
    g.op('ConstantOfShape', [shape], { value: { tensor: { dtype: 'float32', dims: [1], values: [0] } } });
  const col = (x: string): string => g.op('Unsqueeze', [x, i64s([1])]);
  const row = (x: string): string => g.op('Unsqueeze', [x, i64s([0])]);
  const scatterAdd = (data: string, idx: string, upd: string): string =>
    g.op('ScatterElements', [data, idx, upd], { axis: { int: 0 }, reduction: { string: 'add' } });

  // Sizes and constants derived from the inputs.
  const shapeVD = g.op('Shape', ['domain_mask']);
  const numVars = g.op('Gather', [shapeVD, i64(0)], { axis: { int: 0 } });
  const numValues = g.op('Gather', [shapeVD, i64(1)], { axis: { int: 0 } });
  const valueIdx = g.op('Range', [i64(0), numValues, i64(1)]); // [D] int64: 0..D-1
  const valueIdxF = g.op('Cast', [valueIdx], { to: { int: 1 } }); // [D] float
  const zerosVD = zerosLike(shapeVD);
  const shapeV1 = g.op('Concat', [g.op('Unsqueeze', [numVars, i64s([0])]), i64s([1])], { axis: { int: 0 } });
  const zerosV1 = zerosLike(shapeV1);
  const onesV1 = g.op('Add', [zerosV1, f32(1)]);
  const one = f32(1);
  const maskTerm = g.op('Mul', [g.op('Sub', [one, 'domain_mask']), f32(MASKED_LOGIT)]);
  const masked = (x: string, name?: string): string => g.op('Add', [g.op('Mul', [x, 'domain_mask']), maskTerm], {}, name);
  const softmax = (x: string): string => g.op('Softmax', [x], { axis: { int: 1 } });

  // Static per-factor index tensors, computed once.
  // Pairs: the row of the stacked [pmf; cdf] table and the clamped, padded column per value.
  const pairRow = g.op('Add', [g.op('Mul', ['pair_kind', numVars]), 'pair_src']);
  const shifted = g.op('Add', [col('pair_shift'), row(valueIdx)]); // [E, D]
  const pairCol = g.op('Add', [g.op('Min', [g.op('Max', [shifted, i64(-1)]), numValues]), i64(1)]);
  const flip = col('pair_flip');
  const flipScale = g.op('Sub', [one, g.op('Mul', [f32(2), flip])]);
  const pairW = col('pair_weight');
  // Clauses.
  const litFalseMask = g.op('Sub', [one, 'lit_mask']);
  const litW = g.op('Gather', ['clause_weight', 'lit_clause'], { axis: { int: 0 } });
  const zerosC = zerosLike(g.op('Shape', ['clause_weight']));
  // Linear constraints.
  const termLo = col(g.op('Gather', ['linear_lo', 'term_con'], { axis: { int: 0 } }));
  const termHi = col(g.op('Gather', ['linear_hi', 'term_con'], { axis: { int: 0 } }));
  const termW = col(g.op('Gather', ['linear_weight', 'term_con'], { axis: { int: 0 } }));
  const termCoefCol = col('term_coef');
  const termValue = g.op('Mul', [termCoefCol, row(valueIdxF)]); // coef * a, [T, D]
  const zerosK = zerosLike(g.op('Shape', ['linear_weight']));
  // Where every factor row's penalty goes.
  const dst = g.op('Concat', ['pair_dst', 'lit_var', 'term_var'], { axis: { int: 0 } });

  const penalty = (q: string): string => {
    // Pairs.
    const pmf = g.op('Concat', [zerosV1, q, zerosV1], { axis: { int: 1 } });
    const cdf = g.op('Concat', [zerosV1, g.op('CumSum', [q, i64(1)]), onesV1], { axis: { int: 1 } });
    const table = g.op('Concat', [pmf, cdf], { axis: { int: 0 } }); // [2V, D + 2]
    const gathered = g.op('GatherElements', [g.op('Gather', [table, pairRow], { axis: { int: 0 } }), pairCol], { axis: { int: 1 } });
    const pairPen = g.op('Mul', [pairW, g.op('Add', [flip, g.op('Mul', [flipScale, gathered])])]);
    // Clauses.
    const litQ = g.op('Gather', [q, 'lit_var'], { axis: { int: 0 } });
    const pTrue = g.op('ReduceSum', [g.op('Mul', [litQ, 'lit_mask']), i64s([1])], { keepdims: { int: 0 } });
    const logFalse = g.op('Log', [g.op('Max', [g.op('Sub', [one, pTrue]), f32(DEFAULT_MODEL_PARAMS.logFloor)])]);
    const clauseSum = scatterAdd(zerosC, 'lit_clause', logFalse);
    const others = g.op('Exp', [g.op('Sub', [g.op('Gather', [clauseSum, 'lit_clause'], { axis: { int: 0 } }), logFalse])]);
    const litPen = g.op('Mul', [col(g.op('Mul', [litW, others])), litFalseMask]);
    // Linear constraints.
    const mean = g.op('ReduceSum', [g.op('Mul', [q, row(valueIdxF)]), i64s([1])], { keepdims: { int: 0 } }); // [V]
    const termMean = g.op('Mul', ['term_coef', g.op('Gather', [mean, 'term_var'], { axis: { int: 0 } })]);
    const sums = scatterAdd(zerosK, 'term_con', termMean);
    const rest = g.op('Sub', [g.op('Gather', [sums, 'term_con'], { axis: { int: 0 } }), termMean]);
    const r = g.op('Add', [col(rest), termValue]);
    const excess = g.op('Add', [g.op('Relu', [g.op('Sub', [r, termHi])]), g.op('Relu', [g.op('Sub', [termLo, r])])]);
    const termPen = g.op('Mul', [termW, excess]);
    // All factor rows into their variables.
    const rows = g.op('Concat', [pairPen, litPen, termPen], { axis: { int: 0 } });
    const idx = g.op('Expand', [col(dst), g.op('Shape', [rows])]);
    return scatterAdd(zerosVD, idx, rows);
  };

  const { iterations, damping } = DEFAULT_MODEL_PARAMS;
  let q = softmax(masked('soft_domains'));
  for (let it = 0; it < iterations; it++) {
    const next = softmax(masked(g.op('Sub', ['soft_domains', penalty(q)])));
    q = g.op('Add', [g.op('Mul', [q, f32(1 - damping)]), g.op('Mul', [next, f32(damping)])]);
  }
  masked(g.op('Sub', ['soft_domains', penalty(q)]), MODEL_OUTPUT.name);
  g.output(MODEL_OUTPUT.name, MODEL_OUTPUT.dtype, MODEL_OUTPUT.axes);

  return g.encode({
    graphName: 'hilsolve_mean_field',
    producer: 'hilsolve models/build-default.ts',
    opset: OPSET,
    doc: `hilsolve default soft-domain model: ${iterations} rounds of damped mean-field propagation ` +
      'over pair, clause and linear factors. Contract: models/README.md.',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? DEFAULT_MODEL_PATH;
  const bytes = buildDefaultModel();
  writeFileSync(out, bytes);
  process.stdout.write(`wrote ${out} (${bytes.length} bytes)\n`);
}
