// A small seeded pseudo-random number generator: xoshiro128** (Blackman and Vigna), state seeded
// by splitmix32 so that any 32-bit seed, 0 included, gives a well-mixed start. The same seed gives
// the same stream on every machine, which keeps generated instances and benchmarks reproducible.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Prng {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    const mix = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.s[i] = mix();
  }

  /** Next 32-bit unsigned integer. */
  uint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** Uniform integer in [0, n), n a positive integer up to 2^32, without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4_294_967_296) throw new RangeError(`Prng.int: bad bound ${n}`);
    const limit = 4_294_967_296 - (4_294_967_296 % n);
    for (;;) {
      const r = this.uint32();
      if (r < limit) return r % n;
    }
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
