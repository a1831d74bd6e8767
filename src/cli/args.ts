// Command-line option parsing for the verbs: node:util parseArgs in strict mode, its errors and a
// wrong number of operands turned into UsageError (exit 2 with the verb's usage).

import { parseArgs, type ParseArgsConfig } from 'node:util';

import { parseTarget } from '../link/target.ts';
import { UsageError } from './main.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(args: string[], options: T, operands: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length !== operands.length) {
    throw new UsageError(`expected ${operands.join(' ')}, got ${parsed.positionals.length} operand${parsed.positionals.length === 1 ? '' : 's'}`);
  }
  return parsed;
}

/** The number in option `--name`, checked against [min, max] (and to be whole when `integer`); UsageError otherwise. */
export function numberOption(name: string, text: string, { min, max, integer }: { min: number; max: number; integer: boolean }): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not '${text}'`);
  }
  return value;
}

/** A malformed address is a usage error (exit 2); a well-formed one that fails to open is a device failure (exit 3). */
export function targetOption(target: string, listening = false): void {
  try {
    parseTarget(target, listening);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
