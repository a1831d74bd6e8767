// Line and token reading shared by the DIMACS CNF, .col and solution parsers. Tokens are read one
// at a time, never a whole line at once, so that a hostile line of millions of tokens is refused
// at the first token past a limit; each token remembers its 1-based line and column for errors.

import { InputError } from './errors.ts';

export interface Token {
  text: string;
  line: number;
  column: number;
}

export type Position = Pick<Token, 'line' | 'column'>;

/** Space, tab, CR, vertical tab, form feed: the separators within a line. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export class DimacsReader {
  /** Current line, 1-based (0 before the first call to nextLine). */
  line = 0;
  /** The last line that held a token (1 if none did): where to report what the text lacks. */
  lastNonBlankLine = 1;
  private lineStart = 0;
  private lineEnd = -1;
  private pos = 0;

  constructor(private readonly text: string) {}

  /** Move to the next line that holds a token; false at the end of the text. The rest of the current line is skipped. */
  nextLine(): boolean {
    const t = this.text;
    while (this.lineEnd < t.length) {
      this.line++;
      this.lineStart = this.lineEnd + 1;
      const nl = t.indexOf('\n', this.lineStart);
      this.lineEnd = nl < 0 ? t.length : nl;
      this.pos = this.lineStart;
      while (this.pos < this.lineEnd && isSpace(t.charCodeAt(this.pos))) this.pos++;
      if (this.pos < this.lineEnd) {
        this.lastNonBlankLine = this.line;
        return true;
      }
    }
    return false;
  }

  /** The next token of the current line, or undefined at its end. */
  token(): Token | undefined {
    const t = this.text;
    while (this.pos < this.lineEnd && isSpace(t.charCodeAt(this.pos))) this.pos++;
    if (this.pos >= this.lineEnd) return undefined;
    const from = this.pos;
    while (this.pos < this.lineEnd && !isSpace(t.charCodeAt(this.pos))) this.pos++;
    return { text: t.slice(from, this.pos), line: this.line, column: from - this.lineStart + 1 };
  }
}

export function tokenError(at: Position, message: string): InputError {
  return new InputError(message, { line: at.line, column: at.column });
}

/** A decimal integer token (`-?[0-9]+`) within [min, max]; `what` names it in errors. */
export function readIntToken(token: Token, what: string, min: number, max: number): number {
  if (!/^-?[0-9]+$/.test(token.text)) throw tokenError(token, `expected ${what}, got "${clip(token.text)}"`);
  const value = Number(token.text);
  if (value < min || value > max) throw tokenError(token, `expected ${what} in ${min}..${max}, got ${clip(token.text)}`);
  return value;
}

/** Where a missing token should have been: just after the last token of its line. */
export function afterToken(token: Token): Position {
  return { line: token.line, column: token.column + token.text.length };
}

export function clip(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
