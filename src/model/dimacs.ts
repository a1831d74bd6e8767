// Line and token reading shared by the DIMACS CNF and .col parsers: each line is split into
// whitespace-separated tokens that remember their 1-based line and column for error messages.

import { InputError } from './errors.ts';

export interface Token {
  text: string;
  line: number;
  column: number;
}

/** Space, tab, CR, vertical tab, form feed: the separators within a line. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Call `onLine` with the tokens of each non-blank line; stop early when it returns false. */
export function forEachTokenLine(text: string, onLine: (tokens: Token[], line: number) => boolean | void): void {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const tokens: Token[] = [];
    for (let i = start; i < end;) {
      if (isSpace(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const from = i;
      while (i < end && !isSpace(text.charCodeAt(i))) i++;
      tokens.push({ text: text.slice(from, i), line, column: from - start + 1 });
    }
    if (tokens.length > 0 && onLine(tokens, line) === false) return;
    start = end + 1;
  }
}

export function tokenError(token: Pick<Token, 'line' | 'column'>, message: string): InputError {
  return new InputError(message, { line: token.line, column: token.column });
}

/** A decimal integer token (`-?[0-9]+`) within [min, max]; `what` names it in errors. */
export function readIntToken(token: Token, what: string, min: number, max: number): number {
  if (!/^-?[0-9]+$/.test(token.text)) throw tokenError(token, `expected ${what}, got "${clip(token.text)}"`);
  const value = Number(token.text);
  if (value < min || value > max) throw tokenError(token, `expected ${what} in ${min}..${max}, got ${clip(token.text)}`);
  return value;
}

/** Where a missing token should have been: just after the last token of its line. */
export function afterToken(token: Token): Pick<Token, 'line' | 'column'> {
  return { line: token.line, column: token.column + token.text.length };
}

export function clip(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
