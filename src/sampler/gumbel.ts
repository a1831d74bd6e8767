// Gumbel-max sampling in its exponential-race form: argmax over allowed values of
// logit / T + G, G = -log(-log u) standard Gumbel, equals argmin of E / w with E = -log u ~ Exp(1)
// and w = exp(logit / T - max) (take -log of both sides). So a value is drawn with probability
// softmax(logit / T) over the mask, at one logarithm per value instead of two.
//
// The mask is applied here, whatever the model returned, so a masked value is never drawn; a
// variable whose allowed logits are all -inf or NaN gets a uniformly drawn allowed value.

import type { Prng } from '../model/prng.ts';

/** Race weights exp(logit / T - max over the variable's allowed values); 0 where masked or not finite. */
export function raceWeights(logits: Float32Array, mask: Float32Array, numVars: number, numValues: number, temperature: number): Float64Array {
  const w = new Float64Array(numVars * numValues);
  for (let x = 0; x < numVars; x++) {
    const base = x * numValues;
    let max = -Infinity;
    for (let a = 0; a < numValues; a++) {
      const l = logits[base + a];
      if (mask[base + a] !== 0 && Number.isFinite(l)) max = Math.max(max, l);
    }
    if (max === -Infinity) continue;
    for (let a = 0; a < numValues; a++) {
      const l = logits[base + a];
      if (mask[base + a] !== 0 && Number.isFinite(l)) w[base + a] = Math.exp((l - max) / temperature);
    }
  }
  return w;
}

export function drawCandidate(weights: Float64Array, mask: Float32Array, numVars: number, numValues: number, rng: Prng): number[] {
  const out = new Array<number>(numVars);
  for (let x = 0; x < numVars; x++) {
    const base = x * numValues;
    let best = -1;
    let bestKey = Infinity;
    for (let a = 0; a < numValues; a++) {
      const w = weights[base + a];
      if (!(w > 0)) continue;
      // u in (0, 1): 32 random bits, centred in their bucket.
      const key = -Math.log((rng.uint32() + 0.5) / 4_294_967_296) / w;
      if (key < bestKey) { bestKey = key; best = a; }
    }
    if (best < 0) {
      let allowed = 0;
      for (let a = 0; a < numValues; a++) if (mask[base + a] !== 0) allowed++;
      let k = rng.int(allowed);
      for (let a = 0; a < numValues; a++) if (mask[base + a] !== 0 && k-- === 0) { best = a; break; }
    }
    out[x] = best;
  }
  return out;
}
