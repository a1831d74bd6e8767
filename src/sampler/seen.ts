// The candidates a job has proposed, so that it never proposes one twice. Keys are 53-bit hashes
// of the index vector (two 32-bit FNV-1a style mixes), about 20 bytes per candidate: a million
// candidates cost some 20 MB. A hash collision (odds about n^2 / 2^54) can only make the
// sampler skip a fresh candidate, never propose a repeated one.

export class CandidateSet {
  private readonly keys = new Set<number>();

  get size(): number {
    return this.keys.size;
  }

  /** True when the candidate was added before. */
  has(indices: ArrayLike<number>): boolean {
    return this.keys.has(candidateKey(indices));
  }

  /** Adds the candidate; false when it was there already. */
  add(indices: readonly number[]): boolean {
    const key = candidateKey(indices);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
}

function candidateKey(indices: ArrayLike<number>): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    h1 = Math.imul(h1 ^ v, 0x01000193);
    h2 = Math.imul(h2 ^ v, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
}
