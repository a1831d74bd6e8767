// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999). Removes every 0x00 from a block
// so that 0x00 can delimit frames; costs at most one byte per 254 plus one. COBS detects no
// errors by itself: the frame layer (frame.ts) puts a CRC-32 inside.

export class CobsError extends Error {
  override name = 'CobsError';
}

/** Largest encoded length of `n` bytes (without the 0x00 delimiter). */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.floor(n / 254) + 1;
}

/** Encode `data`; the result contains no 0x00 and does not include the delimiter. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeAt = 0;
  let code = 1;
  let o = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    if (++code === 0xff) {
      // A full group of 254 non-zero bytes implies no zero; at the very end of the data no
      // further (empty) group follows, as in the original paper's encoder.
      out[codeAt] = code;
      if (i === data.length - 1) return out.subarray(0, o);
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/**
 * Decode one COBS block (delimiter already removed). Throws CobsError on a 0x00 inside the
 * block or a code byte that points past its end.
 */
export function cobsDecode(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.length);
  let o = 0;
  let i = 0;
  while (i < block.length) {
    const code = block[i]!;
    if (code === 0) throw new CobsError(`zero byte at offset ${i} inside a COBS block`);
    const end = i + code;
    if (end > block.length) throw new CobsError(`code byte ${code} at offset ${i} runs past the end of a ${block.length}-byte block`);
    for (let j = i + 1; j < end; j++) {
      const b = block[j]!;
      if (b === 0) throw new CobsError(`zero byte at offset ${j} inside a COBS block`);
      out[o++] = b;
    }
    i = end;
    // A code below 0xFF implies a zero, except after the last group.
    if (code !== 0xff && i < block.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
