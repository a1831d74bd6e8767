// Gumbel-max sampling: argmax over allowed values of logit / T + G with G = -log(-log(u)) draws
// a value with probability softmax(logit / T) restricted to the mask. The mask is applied here,
// whatever the model returned, so a masked value is never drawn; a variable whose allowed
// logits are all -inf or NaN gets a uniformly drawn allowed value.

import type { Prng } from '../../bench/gen/prng.ts';

/** Uniform in the open interval (0, 1): 32 random bits, centred in their bucket. */
function openUniform(rng: Prng): number {
  return (rng.uint32() + 0.5) / 4_294_967_296;
}

export function drawCandidate(logits: Float32Array, mask: Float32Array, numVars: number, numValues: number, temperature: number, rng: Prng): number[] {
  const out = new Array<number>(numVars);
  for (let x = 0; x < numVars; x++) {
    const base = x * numValues;
    let best = -1;
    let bestScore = -Infinity;
    let allowed = 0;
    for (let a = 0; a < numValues; a++) {
      if (mask[base + a] === 0) continue;
      allowed++;
      const score = logits[base + a] / temperature - Math.log(-Math.log(openUniform(rng)));
      if (score > bestScore) { bestScore = score; best = a; }
    }
    if (best < 0) {
      let k = rng.int(allowed);
      for (let a = 0; a < numValues; a++) if (mask[base + a] !== 0 && k-- === 0) { best = a; break; }
    }
    out[x] = best;
  }
  return out;
}
