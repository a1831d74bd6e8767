// The arithmetic of the default model (models/default.onnx, built by models/build-default.ts),
// written out in plain TypeScript in float64. It is the specification the ONNX graph is tested
// against, and models/README.md explains it in words. Change both together.
//
// Mean-field propagation: q holds per-variable value probabilities. Each factor turns the
// neighbours' current q into an expected violation for every value of a variable; the weighted
// sum of those is the penalty P(q). Starting from q = softmax(soft), each iteration moves q half
// way towards softmax(soft - P(q)); the output is soft - P(q) after the last iteration, masked.

import { MASKED_LOGIT } from './contract.ts';
import type { FeedArrays } from './feeds.ts';

export const DEFAULT_MODEL_PARAMS = {
  /** Propagation rounds unrolled in the graph. */
  iterations: 4,
  /** Share of the new distribution mixed into q per round (damping against oscillation). */
  damping: 0.5,
  /** Floor of P(literal false) before its logarithm, so a certain literal gives a finite log. */
  logFloor: 1e-6,
} as const;

/** x where the mask allows, MASKED_LOGIT elsewhere (x * m + (1 - m) * MASKED_LOGIT). */
function masked(x: Float64Array, mask: Float32Array): Float64Array {
  return x.map((v, i) => v * mask[i] + (1 - mask[i]) * MASKED_LOGIT);
}

function softmaxRows(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += (out[r * cols + c] = Math.exp(x[r * cols + c] - max));
    for (let c = 0; c < cols; c++) out[r * cols + c] /= sum;
  }
  return out;
}

/**
 * Pair factors. Edge e penalises value a of pair_dst[e] by pair_weight[e] * viol_e(a), where
 * g = F[pair_src[e]](a + pair_shift[e]) with F the pmf (pair_kind 0) or the cdf P(y <= t)
 * (pair_kind 1) of the source variable (pmf 0 outside 0..D-1; cdf 0 below, 1 above), and
 * viol_e(a) = g, or 1 - g when pair_flip[e] = 1.
 */
function addPairPenalty(f: FeedArrays, q: Float64Array, pen: Float64Array): void {
  const D = f.numValues;
  for (let e = 0; e < f.pair_src.length; e++) {
    const src = f.pair_src[e] * D;
    const dst = f.pair_dst[e] * D;
    const cdf = f.pair_kind[e] === 1;
    for (let a = 0; a < D; a++) {
      const t = a + f.pair_shift[e];
      let g: number;
      if (t < 0) g = 0;
      else if (t >= D) g = cdf ? 1 : 0;
      else if (cdf) {
        g = 0;
        for (let u = 0; u <= t; u++) g += q[src + u];
      } else g = q[src + t];
      const viol = f.pair_flip[e] + (1 - 2 * f.pair_flip[e]) * g;
      pen[dst + a] += f.pair_weight[e] * viol;
    }
  }
}

/**
 * Clauses. Literal l (variable lit_var[l], satisfied by the values where lit_mask[l] = 1) is true
 * with probability p_l under q. A value a that fails literal l is penalised by the clause's weight
 * times the probability that every other literal of the clause is false: exp(S_c - log(1 - p_l))
 * with S_c the clause's sum of log(max(1 - p_k, logFloor)).
 */
function addClausePenalty(f: FeedArrays, q: Float64Array, pen: Float64Array): void {
  const D = f.numValues;
  const L = f.lit_var.length;
  const logFalse = new Float64Array(L);
  const clauseSum = new Float64Array(f.clause_weight.length);
  for (let l = 0; l < L; l++) {
    let pTrue = 0;
    for (let a = 0; a < D; a++) pTrue += q[f.lit_var[l] * D + a] * f.lit_mask[l * D + a];
    logFalse[l] = Math.log(Math.max(1 - pTrue, DEFAULT_MODEL_PARAMS.logFloor));
    clauseSum[f.lit_clause[l]] += logFalse[l];
  }
  for (let l = 0; l < L; l++) {
    const c = f.lit_clause[l];
    const coeff = f.clause_weight[c] * Math.exp(clauseSum[c] - logFalse[l]);
    for (let a = 0; a < D; a++) pen[f.lit_var[l] * D + a] += coeff * (1 - f.lit_mask[l * D + a]);
  }
}

/**
 * Linear constraints linear_lo[k] <= sum of term_coef * index <= linear_hi[k]. For term t of
 * constraint k, value a gives the sum r = coef_t * a + (the other terms at their means under q);
 * the penalty is linear_weight[k] * (relu(r - hi) + relu(lo - r)).
 */
function addLinearPenalty(f: FeedArrays, q: Float64Array, pen: Float64Array): void {
  const D = f.numValues;
  const mean = new Float64Array(f.numVars);
  for (let v = 0; v < f.numVars; v++) for (let a = 0; a < D; a++) mean[v] += a * q[v * D + a];
  const sums = new Float64Array(f.linear_weight.length);
  const T = f.term_var.length;
  for (let t = 0; t < T; t++) sums[f.term_con[t]] += f.term_coef[t] * mean[f.term_var[t]];
  for (let t = 0; t < T; t++) {
    const k = f.term_con[t];
    const rest = sums[k] - f.term_coef[t] * mean[f.term_var[t]];
    for (let a = 0; a < D; a++) {
      const r = rest + f.term_coef[t] * a;
      const excess = Math.max(r - f.linear_hi[k], 0) + Math.max(f.linear_lo[k] - r, 0);
      pen[f.term_var[t] * D + a] += f.linear_weight[k] * excess;
    }
  }
}

export function penalty(f: FeedArrays, q: Float64Array): Float64Array {
  const pen = new Float64Array(f.numVars * f.numValues);
  addPairPenalty(f, q, pen);
  addClausePenalty(f, q, pen);
  addLinearPenalty(f, q, pen);
  return pen;
}

/** The default model's output `logits` for the given inputs, in float64. */
export function referenceLogits(f: FeedArrays): Float64Array {
  const { iterations, damping } = DEFAULT_MODEL_PARAMS;
  const V = f.numVars;
  const D = f.numValues;
  const soft = Float64Array.from(f.soft_domains);
  let q = softmaxRows(masked(soft, f.domain_mask), V, D);
  for (let it = 0; it < iterations; it++) {
    const pen = penalty(f, q);
    const next = softmaxRows(masked(soft.map((s, i) => s - pen[i]), f.domain_mask), V, D);
    q = q.map((v, i) => (1 - damping) * v + damping * next[i]);
  }
  const pen = penalty(f, q);
  return masked(soft.map((s, i) => s - pen[i]), f.domain_mask);
}
