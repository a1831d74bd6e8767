// One entry point for every problem format: size and encoding checks, then the format's parser.

import { isUtf8 } from 'node:buffer';

import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { parseCnf } from './parse-cnf.ts';
import { parseCol } from './parse-col.ts';
import { parseFzn } from './parse-fzn.ts';
import { parseJsonProblem } from './parse-json.ts';
import type { Model, ProblemFormat } from './types.ts';

export const PROBLEM_FORMATS: readonly ProblemFormat[] = ['json', 'cnf', 'col', 'fzn'];

export interface ParseOptions {
  format: ProblemFormat;
  /** Number of colours: required for `col`, refused for the other formats. */
  colors?: number;
  /** Name kept in `meta.name` (a JSON document's own `name` field wins). */
  name?: string;
}

export function parseProblem(input: string | Uint8Array, options: ParseOptions): Model {
  const text = decodeText(input, 'problem');
  switch (options.format) {
    case 'json':
      refuseColors(options);
      return parseJsonProblem(text, options.name);
    case 'cnf':
      refuseColors(options);
      return parseCnf(text, options.name);
    case 'col':
      return parseCol(text, options.colors, options.name);
    case 'fzn':
      refuseColors(options);
      return parseFzn(text, options.name);
    default:
      throw new InputError(`unknown problem format "${String(options.format)}" (expected ${PROBLEM_FORMATS.join(', ')})`);
  }
}

function refuseColors(options: ParseOptions): void {
  if (options.colors !== undefined) throw new InputError(`the number of colours applies to .col problems only, not to ${options.format}`);
}

/** The format a file name suggests by its extension (case-insensitive), if any. */
export function guessFormat(fileName: string): ProblemFormat | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (PROBLEM_FORMATS as readonly string[]).includes(ext ?? '') ? (ext as ProblemFormat) : undefined;
}

/**
 * Problem or solution text from a string or raw bytes: at most LIMITS.maxSourceBytes, valid
 * UTF-8 (a leading byte-order mark is dropped), no NUL bytes. `what` names the input in errors.
 */
export function decodeText(input: string | Uint8Array, what: string): string {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > LIMITS.maxSourceBytes) {
    throw new InputError(`the ${what} is ${bytes} bytes, over the limit of ${LIMITS.maxSourceBytes} bytes (${LIMITS.maxSourceBytes / 1048576} MiB)`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const bad = firstInvalidUtf8(input);
    if (bad >= 0) throw new InputError(`the ${what} is not UTF-8 text (invalid sequence at byte 0x${input[bad]!.toString(16).padStart(2, '0')})`, byteLocation(input, bad));
    text = new TextDecoder('utf-8').decode(input);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    throw new InputError(`the ${what} contains a NUL byte: binary data, not a text file`, { line, column: nul - before.lastIndexOf('\n') });
  }
  return text;
}

function byteLocation(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte of the first invalid UTF-8 sequence (overlong forms and surrogates included), or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
