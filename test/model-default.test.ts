// The shipped default model: onnxruntime's output equals the TypeScript reference arithmetic on
// random factor graphs, and rebuilding the model gives the committed bytes.

import { readFileSync } from 'node:fs';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildDefaultModel, DEFAULT_MODEL_PATH } from '../models/build-default.ts';
import { MASKED_LOGIT } from '../src/sampler/contract.ts';
import { toTensors, type FeedArrays } from '../src/sampler/feeds.ts';
import { V1_INPUTS } from '../src/sampler/contract.ts';
import { referenceLogits } from '../src/sampler/reference.ts';
import { Prng } from '../src/model/prng.ts';

/** The default model takes every version-1 input and no feedback input. */
const ALL_INPUTS = new Set(V1_INPUTS.map((s) => s.name));

function randomFeeds(r: Prng): FeedArrays {
  const V = 1 + r.int(12);
  const D = 1 + r.int(9);
  const E = r.int(30);
  const C = r.int(8);
  const L = C === 0 ? 0 : C + r.int(20);
  const K = r.int(4);
  const T = K === 0 ? 0 : K + r.int(10);
  const floats = (n: number, f: () => number): Float32Array => Float32Array.from({ length: n }, f);
  const ints = (n: number, f: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => f(i));
  const mask = floats(V * D, () => (r.next() < 0.8 ? 1 : 0));
  for (let v = 0; v < V; v++) mask[v * D + r.int(D)] = 1; // every variable keeps a value
  return {
    numVars: V, numValues: D,
    domain_mask: mask,
    soft_domains: floats(V * D, () => (r.next() - 0.5) * 6),
    pair_src: ints(E, () => r.int(V)), pair_dst: ints(E, () => r.int(V)), pair_kind: ints(E, () => r.int(2)),
    pair_shift: ints(E, () => r.int(2 * D + 5) - D - 2), pair_flip: floats(E, () => r.int(2)),
    pair_weight: floats(E, () => r.next() * 3),
    // Every clause gets at least one literal: literal l < C belongs to clause l.
    lit_clause: ints(L, (l) => (l < C ? l : r.int(C))), lit_var: ints(L, () => r.int(V)),
    lit_mask: floats(L * D, () => r.int(2)), clause_weight: floats(C, () => r.next() * 3),
    term_con: ints(T, (t) => (t < K ? t : r.int(K))), term_var: ints(T, () => r.int(V)),
    term_coef: floats(T, () => r.int(9) - 4),
    linear_lo: floats(K, () => (r.next() < 0.3 ? -1e30 : r.int(10) - 3)),
    linear_hi: floats(K, () => (r.next() < 0.3 ? 1e30 : r.int(10) + 3)),
    linear_weight: floats(K, () => r.next()),
  };
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('default model', { timeout: 60_000 }, () => {
  it('matches the reference arithmetic within 1e-4 on random factor graphs', async () => {
    const session = await InferenceSession.create(DEFAULT_MODEL_PATH);
    const r = new Prng(2024);
    for (let round = 0; round < 60; round++) {
      const f = randomFeeds(r);
      const out = await session.run(toTensors(f, ALL_INPUTS));
      expect(out.logits.dims).toEqual([f.numVars, f.numValues]);
      const got = out.logits.data as Float32Array;
      const want = referenceLogits(f);
      for (let i = 0; i < want.length; i++) {
        if (f.domain_mask[i] === 0) {
          expect(got[i]).toBe(MASKED_LOGIT);
          expect(want[i]).toBe(MASKED_LOGIT);
        } else {
          expect(Math.abs(got[i] - want[i]), `round ${round}, cell ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
    await session.release();
  });

  it('propagates: a pair factor pushes the destination away from the source value', () => {
    // x0 fixed to value 1 by its mask; x0 != x1 as a pmf edge into x1.
    const feeds: FeedArrays = {
      numVars: 2, numValues: 3,
      domain_mask: Float32Array.from([0, 1, 0, 1, 1, 1]), soft_domains: new Float32Array(6),
      pair_src: Int32Array.from([0]), pair_dst: Int32Array.from([1]), pair_kind: Int32Array.from([0]),
      pair_shift: Int32Array.from([0]), pair_flip: Float32Array.from([0]), pair_weight: Float32Array.from([2]),
      lit_clause: new Int32Array(0), lit_var: new Int32Array(0), lit_mask: new Float32Array(0), clause_weight: new Float32Array(0),
      term_con: new Int32Array(0), term_var: new Int32Array(0), term_coef: new Float32Array(0),
      linear_lo: new Float32Array(0), linear_hi: new Float32Array(0), linear_weight: new Float32Array(0),
    };
    const logits = referenceLogits(feeds);
    expect(logits[4]).toBeCloseTo(-2, 6);
    expect(logits[3]).toBeCloseTo(0, 6);
    expect(logits[5]).toBeCloseTo(0, 6);
  });

  it('is rebuilt byte for byte by models/build-default.ts', () => {
    const committed = readFileSync(DEFAULT_MODEL_PATH);
    expect(Buffer.from(buildDefaultModel()).equals(committed)).toBe(true);
  });
});
