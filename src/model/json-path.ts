// JSON paths for error messages, `$.constraints[3].vars[1]`, and the small typed readers that the
// JSON problem and solution parsers share. Each reader throws an InputError naming the path.

import { InputError } from './errors.ts';
import { LIMITS } from './limits.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}

export function fail(path: string, message: string): never {
  throw new InputError(message, { path });
}

/** An object whose keys are all among `required` and `optional`; missing required keys are errors. */
export function readObject(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `expected an object, got ${describeJsonType(value)}`);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(childPath(path, key), `unknown field "${key}" (expected ${[...required, ...optional].join(', ')})`);
    }
  }
  for (const key of required) if (!(key in obj)) fail(path, `missing field "${key}"`);
  return obj;
}

/** The string field `key` of an object (a constraint's `type`, a literal's `op`), before its other fields are read. */
export function readTag(value: unknown, path: string, key: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `expected an object, got ${describeJsonType(value)}`);
  const obj = value as Record<string, unknown>;
  if (!(key in obj)) fail(path, `missing field "${key}"`);
  return readString(obj[key], childPath(path, key));
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${describeJsonType(value)}`);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `expected a string, got ${describeJsonType(value)}`);
  return value;
}

/** An integer in [min, max] (default: the int32 range of LIMITS). */
export function readInt(value: unknown, path: string, min: number = LIMITS.minValue, max: number = LIMITS.maxValue, what = 'value'): number {
  if (typeof value !== 'number') fail(path, `expected an integer, got ${describeJsonType(value)}`);
  if (!Number.isInteger(value)) fail(path, `expected an integer, got ${value}`);
  if (value < min || value > max) fail(path, `${what} ${value} is out of range ${min}..${max}`);
  return value === 0 ? 0 : value; // -0 reads as 0
}
