// Host API of the device's constraint validator (hdl/rtl/validator_core.v), on a DeviceSession.
// The wire format of a program load is in proto/link.proto; docs/validator-program.md the words.

import { crc32 } from '../model/crc32.ts';
import { wordsToBytes } from '../model/isa.ts';
import type { Program } from '../model/program.ts';

/** What a program load sends: the width table, the word bytes and the CRC over both. */
export interface ProgramImage {
  /** 4 bits per variable, two per byte, low nibble first. */
  widths: Uint8Array;
  /** 8 bytes per word, little-endian. */
  words: Uint8Array;
  /** CRC-32 of widths followed by words: ProgramEnd.crc. */
  crc: number;
}

export function programImage(program: Program): ProgramImage {
  const widths = new Uint8Array((program.numVars + 1) >> 1);
  program.widths.forEach((w, i) => { widths[i >> 1]! |= w << ((i & 1) * 4); });
  const words = wordsToBytes(program.words);
  return { widths, words, crc: crc32(words, crc32(widths)) };
}
