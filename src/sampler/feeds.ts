// The model's inputs as plain typed arrays, named after the contract's inputs (contract.ts), and
// their conversion to onnxruntime tensors. Index inputs are Int32Array here (and int64 on the
// wire); row-major [vars, values] matrices are flat arrays of vars * values. The feedback inputs
// (contract version 2) are optional here: a caller feeding only version-1 models leaves them out,
// and toTensors throws when a model declares one that is missing.

import { Tensor } from 'onnxruntime-node';
import { MODEL_INPUTS } from './contract.ts';

export interface FeedArrays {
  numVars: number;
  numValues: number;
  domain_mask: Float32Array;
  soft_domains: Float32Array;
  pair_src: Int32Array;
  pair_dst: Int32Array;
  pair_kind: Int32Array;
  pair_shift: Int32Array;
  pair_flip: Float32Array;
  pair_weight: Float32Array;
  lit_clause: Int32Array;
  lit_var: Int32Array;
  lit_mask: Float32Array;
  clause_weight: Float32Array;
  term_con: Int32Array;
  term_var: Int32Array;
  term_coef: Float32Array;
  linear_lo: Float32Array;
  linear_hi: Float32Array;
  linear_weight: Float32Array;
  // Feedback (contract version 2).
  state?: Float32Array;
  pair_violated?: Float32Array;
  clause_violated?: Float32Array;
  linear_violated?: Float32Array;
  found?: Float32Array;
}

type InputName = Exclude<keyof FeedArrays, 'numVars' | 'numValues'>;

/** Inputs that change from batch to batch; the others are fixed for a job. */
export const VARYING_INPUTS: ReadonlySet<string> = new Set([
  'soft_domains', 'pair_weight', 'clause_weight', 'linear_weight',
  'state', 'pair_violated', 'clause_violated', 'linear_violated', 'found',
]);

/** onnxruntime tensors for the named inputs (those a model declares; only those `pick` accepts, if given). */
export function toTensors(feeds: FeedArrays, names: ReadonlySet<string>, pick: (name: string) => boolean = () => true): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const spec of MODEL_INPUTS) {
    if (!names.has(spec.name) || !pick(spec.name)) continue;
    const data = feeds[spec.name as InputName];
    if (data === undefined) throw new RangeError(`model input '${spec.name}' has no data in these feeds`);
    const dims = spec.axes.length === 2 ? [data.length / feeds.numValues, feeds.numValues] : [data.length];
    out[spec.name] = spec.dtype === 'int64'
      ? new Tensor('int64', BigInt64Array.from(data as Int32Array, (v) => BigInt(v)), dims)
      : new Tensor('float32', data as Float32Array, dims);
  }
  return out;
}
