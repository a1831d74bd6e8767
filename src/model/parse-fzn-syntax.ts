// FlatZinc syntax (MiniZinc 2.6 `minizinc -c` output, docs/formats.md "FlatZinc"): text to a list
// of items with positions. No meaning is given here: parse-fzn.ts resolves names and domains,
// parse-fzn-builtins.ts maps constraints onto the model. Every error is an InputError with the
// line and column of the offending token.
//
// Items: `predicate ...;` (skipped), parameter and variable declarations, `constraint`, `solve`.
// Expressions: int, float, bool and string literals, identifiers (optionally `x[i]`), sets
// (`a..b`, `{a, b}`), array literals, and calls (in annotations only).

import { InputError, type InputLocation } from './errors.ts';
import { LIMITS } from './limits.ts';

export interface Pos {
  line: number;
  column: number;
}

export type Expr = (
  | { k: 'int'; v: number }
  | { k: 'float'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'str'; v: string }
  | { k: 'id'; name: string; index?: number }
  /** A set literal as closed ranges [lo, hi], lo <= hi, in the order written. */
  | { k: 'set'; ranges: [number, number][] }
  | { k: 'array'; items: Expr[] }
  | { k: 'call'; name: string; args: Expr[] }
) & { pos: Pos };

/** A declared type. `base` is the element type for arrays. */
export interface FznType {
  array?: { size: number };
  isVar: boolean;
  base:
    | { k: 'bool' }
    | { k: 'int' }
    | { k: 'float' }
    | { k: 'intSet'; ranges: [number, number][] }
    | { k: 'floatRange' }
    | { k: 'setOf'; of: FznType['base'] };
}

export type Item =
  | { kind: 'decl'; pos: Pos; type: FznType; name: string; anns: Expr[]; value?: Expr }
  | { kind: 'constraint'; pos: Pos; name: string; args: Expr[]; anns: Expr[] }
  | { kind: 'solve'; pos: Pos; method: 'satisfy' | 'minimize' | 'maximize'; objective?: Expr; anns: Expr[] };

type Token =
  | { t: 'id'; v: string; pos: Pos }
  | { t: 'int'; v: number; pos: Pos }
  | { t: 'float'; v: number; pos: Pos }
  | { t: 'str'; v: string; pos: Pos }
  | { t: 'punct'; v: string; pos: Pos }
  | { t: 'eof'; v: ''; pos: Pos };

const PUNCT = ['::', '..', ':', ';', ',', '[', ']', '(', ')', '{', '}', '='];

export function fznError(message: string, pos: Pos): never {
  const location: InputLocation = { line: pos.line, column: pos.column };
  throw new InputError(message, location);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '%') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const pos = { line, column: i - lineStart + 1 };
    const rest = text.slice(i, i + 2);
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      tokens.push({ t: 'id', v: text.slice(i, j), pos });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?(?:0x[0-9A-Fa-f]+|0o[0-7]+|[0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)?)/.exec(text.slice(i, i + 64))!;
      const s = m[0];
      if (/[.eE]/.test(s) && !/^-?0x/.test(s)) {
        tokens.push({ t: 'float', v: Number(s), pos });
      } else {
        const neg = s.startsWith('-');
        const body = neg ? s.slice(1) : s;
        const v = body.startsWith('0o') ? parseInt(body.slice(2), 8) : Number(body);
        const value = neg ? -v : v;
        if (!Number.isSafeInteger(value)) fznError(`integer ${s} is too large`, pos);
        tokens.push({ t: 'int', v: value, pos });
      }
      i += s.length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\n') fznError('unterminated string', pos);
        if (text[j] === '\\') j++;
        s += text[j] ?? '';
        j++;
      }
      if (j >= n) fznError('unterminated string', pos);
      tokens.push({ t: 'str', v: s, pos });
      i = j + 1;
      continue;
    }
    const p = PUNCT.find((q) => (q.length === 2 ? rest === q : c === q));
    if (p === undefined) fznError(`unexpected character ${JSON.stringify(c)}`, pos);
    tokens.push({ t: 'punct', v: p, pos });
    i += p.length;
  }
  tokens.push({ t: 'eof', v: '', pos: { line, column: i - lineStart + 1 } });
  return tokens;
}

/** Parse FlatZinc text into items, in file order. */
export function parseFznItems(text: string): Item[] {
  return new Parser(tokenize(text)).items();
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  items(): Item[] {
    const out: Item[] = [];
    while (this.peek().t !== 'eof') {
      const tok = this.peek();
      if (tok.t === 'id' && tok.v === 'predicate') this.skipPredicate();
      else if (tok.t === 'id' && tok.v === 'constraint') out.push(this.constraint());
      else if (tok.t === 'id' && tok.v === 'solve') out.push(this.solve());
      else out.push(this.declaration());
    }
    if (!out.some((it) => it.kind === 'solve')) fznError('no solve item (`solve satisfy;`, `solve minimize x;` or `solve maximize x;`)', this.peek().pos);
    return out;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.t !== 'eof') this.i++;
    return tok;
  }

  private isPunct(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'punct' && tok.v === v;
  }

  private isWord(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'id' && tok.v === v;
  }

  private expect(v: string, what = `'${v}'`): Token {
    const tok = this.next();
    if ((tok.t === 'punct' || tok.t === 'id') && tok.v === v) return tok;
    return fznError(`expected ${what}, found ${describe(tok)}`, tok.pos);
  }

  private ident(what: string): { v: string; pos: Pos } {
    const tok = this.next();
    if (tok.t !== 'id') fznError(`expected ${what}, found ${describe(tok)}`, tok.pos);
    if (tok.v.length > LIMITS.maxNameLength) fznError(`name longer than ${LIMITS.maxNameLength} characters`, tok.pos);
    return tok;
  }

  private int(what = 'an integer'): number {
    const tok = this.next();
    if (tok.t !== 'int') fznError(`expected ${what}, found ${describe(tok)}`, tok.pos);
    return tok.v;
  }

  private skipPredicate(): void {
    this.next();
    let depth = 0;
    for (;;) {
      const tok = this.next();
      if (tok.t === 'eof') fznError('unterminated predicate declaration (missing `;`)', tok.pos);
      if (tok.t !== 'punct') continue;
      if (tok.v === '(' || tok.v === '[') depth++;
      else if (tok.v === ')' || tok.v === ']') depth--;
      else if (tok.v === ';' && depth <= 0) return;
    }
  }

  private declaration(): Item {
    const pos = this.peek().pos;
    const type = this.type();
    this.expect(':');
    const name = this.ident('a name').v;
    const anns = this.annotations();
    let value: Expr | undefined;
    if (this.isPunct('=')) {
      this.next();
      value = this.expr();
    }
    this.expect(';', "';' at the end of the declaration");
    return { kind: 'decl', pos, type, name, anns, value };
  }

  private type(): FznType {
    let array: FznType['array'];
    if (this.isWord('array')) {
      this.next();
      this.expect('[');
      const tok = this.peek();
      if (tok.t === 'id' && tok.v === 'int') fznError('an array declaration needs an index set 1..n', tok.pos);
      const lo = this.int('the index set 1..n');
      this.expect('..');
      const hi = this.int('the index set 1..n');
      if (lo !== 1 || hi < 0) fznError(`array index set ${lo}..${hi}: FlatZinc arrays are indexed 1..n`, tok.pos);
      this.expect(']');
      this.expect('of');
      array = { size: hi };
    }
    let isVar = false;
    if (this.isWord('var')) {
      this.next();
      isVar = true;
    } else if (this.isWord('par')) {
      this.next();
    }
    return { ...(array ? { array } : {}), isVar, base: this.baseType() };
  }

  private baseType(): FznType['base'] {
    const tok = this.peek();
    if (tok.t === 'id') {
      if (tok.v === 'bool' || tok.v === 'int' || tok.v === 'float') {
        this.next();
        return { k: tok.v };
      }
      if (tok.v === 'set') {
        this.next();
        this.expect('of');
        return { k: 'setOf', of: this.baseType() };
      }
    }
    if (tok.t === 'float') {
      this.next();
      this.expect('..');
      this.next();
      return { k: 'floatRange' };
    }
    if (tok.t === 'int' || (tok.t === 'punct' && tok.v === '{')) {
      const set = this.expr();
      if (set.k !== 'set') fznError('expected a domain a..b or {a, b, ...}', tok.pos);
      return { k: 'intSet', ranges: set.ranges };
    }
    return fznError(`expected a type, found ${describe(tok)}`, tok.pos);
  }

  private constraint(): Item {
    this.next();
    const name = this.ident('the name of a constraint');
    this.expect('(', `'(' after ${name.v}`);
    const args = this.list(')');
    const anns = this.annotations();
    this.expect(';', "';' at the end of the constraint");
    return { kind: 'constraint', pos: name.pos, name: name.v, args, anns };
  }

  private solve(): Item {
    const pos = this.next().pos;
    const anns = this.annotations();
    const tok = this.ident('satisfy, minimize or maximize');
    if (tok.v !== 'satisfy' && tok.v !== 'minimize' && tok.v !== 'maximize') {
      fznError(`expected satisfy, minimize or maximize, found ${tok.v}`, tok.pos);
    }
    const objective = tok.v === 'satisfy' ? undefined : this.expr();
    this.expect(';', "';' at the end of the solve item");
    if (this.peek().t !== 'eof') fznError('the solve item must be the last item', this.peek().pos);
    return { kind: 'solve', pos, method: tok.v, ...(objective ? { objective } : {}), anns };
  }

  private annotations(): Expr[] {
    const anns: Expr[] = [];
    while (this.isPunct('::')) {
      this.next();
      anns.push(this.expr());
    }
    return anns;
  }

  /** Comma-separated expressions up to the closing `close` (consumed); a trailing comma is allowed. */
  private list(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.isPunct(close)) {
      items.push(this.expr());
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expect(close, `',' or '${close}'`);
    return items;
  }

  private expr(): Expr {
    const tok = this.next();
    const pos = tok.pos;
    switch (tok.t) {
      case 'int':
        if (this.isPunct('..')) {
          this.next();
          const hi = this.int('the upper bound of a range');
          return { k: 'set', ranges: hi >= tok.v ? [[tok.v, hi]] : [], pos };
        }
        return { k: 'int', v: tok.v, pos };
      case 'float':
        if (this.isPunct('..')) {
          this.next();
          this.next();
        }
        return { k: 'float', v: tok.v, pos };
      case 'str':
        return { k: 'str', v: tok.v, pos };
      case 'id':
        if (tok.v === 'true' || tok.v === 'false') return { k: 'bool', v: tok.v === 'true', pos };
        if (this.isPunct('(')) {
          this.next();
          return { k: 'call', name: tok.v, args: this.list(')'), pos };
        }
        if (this.isPunct('[') && this.peek(1).t === 'int' && this.peek(2).t === 'punct' && this.peek(2).v === ']') {
          this.next();
          const index = this.int();
          this.next();
          return { k: 'id', name: tok.v, index, pos };
        }
        return { k: 'id', name: tok.v, pos };
      case 'punct':
        if (tok.v === '[') return { k: 'array', items: this.list(']'), pos };
        if (tok.v === '{') {
          const items = this.list('}');
          const values = items.map((e) => (e.k === 'int' ? e.v : fznError('a set literal holds integers', e.pos)));
          values.sort((a, b) => a - b);
          return { k: 'set', ranges: values.filter((v, i) => i === 0 || v !== values[i - 1]).map((v) => [v, v]), pos };
        }
        break;
      case 'eof':
        break;
    }
    return fznError(`expected an expression, found ${describe(tok)}`, pos);
  }
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'eof':
      return 'the end of the file';
    case 'str':
      return `a string`;
    default:
      return `'${String(tok.v)}'`;
  }
}
