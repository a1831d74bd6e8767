// Reading problem and solution files for the CLI verbs: format from `--format` or the file's
// extension, the size limit checked before reading, and errors prefixed with the file name.

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { InputError } from '../model/errors.ts';
import { LIMITS } from '../model/limits.ts';
import { guessFormat, parseProblem, PROBLEM_FORMATS } from '../model/parse.ts';
import type { Model, ProblemFormat } from '../model/types.ts';
import { UsageError } from './main.ts';

/** Shared option definitions for `node:util` parseArgs. */
export const PROBLEM_OPTIONS = {
  format: { type: 'string' },
  colors: { type: 'string' },
} as const;

export interface ProblemFileOptions {
  format?: string;
  colors?: string;
}

export function readProblemFile(file: string, options: ProblemFileOptions): Model {
  const format = problemFormat(file, options.format);
  const colors = options.colors === undefined ? undefined : parseColors(options.colors);
  const bytes = readBounded(file);
  return withFileName(file, () => parseProblem(bytes, { format, colors, name: basename(file) }));
}

/** Run `parse` and prefix any InputError with the file name. */
export function withFileName<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

/** File bytes, refusing missing files, directories and files over the source limit before reading. */
export function readBounded(file: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError(`${file}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`${file}: cannot read: ${reason}`);
  }
  if (size > LIMITS.maxSourceBytes) {
    throw new InputError(`${file}: ${size} bytes, over the limit of ${LIMITS.maxSourceBytes} bytes (${LIMITS.maxSourceBytes / 1048576} MiB)`);
  }
  return readFileSync(file);
}

function problemFormat(file: string, option: string | undefined): ProblemFormat {
  if (option !== undefined) {
    if (!(PROBLEM_FORMATS as readonly string[]).includes(option)) {
      throw new UsageError(`unknown format "${option}" (expected ${PROBLEM_FORMATS.join(', ')})`);
    }
    return option as ProblemFormat;
  }
  const guessed = guessFormat(file);
  if (!guessed) throw new UsageError(`cannot tell the format of ${file} from its name: use --format ${PROBLEM_FORMATS.join('|')}`);
  return guessed;
}

function parseColors(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > LIMITS.maxColors) {
    throw new UsageError(`--colors must be an integer in 1..${LIMITS.maxColors}, got "${text}"`);
  }
  return Number(text);
}
