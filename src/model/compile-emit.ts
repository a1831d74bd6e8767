// The compiler's intermediate form of one constraint and its emission as program words.
//
// A constraint compiles to terms of literals in CNF (term = OR, constraint = AND) or DNF
// (term = AND, constraint = OR). A literal is a word or a constant that the compiler proved
// over every representable candidate; constants are folded away here so that no word is spent
// on them, and a constraint that folds to a constant becomes a single TRUE word.

import { encodeWord, Opcode, type Instruction } from './isa.ts';

/** One word without its ET/EC/MODE flags (the emitter sets those). */
export type WordSpec = Partial<Omit<Instruction, 'endTerm' | 'endCons' | 'dnf'>> & { op: number };

/** A literal: a word, or a value known for every representable candidate. */
export type Lit = WordSpec | boolean;

export interface Terms {
  dnf: boolean;
  terms: Lit[][];
}

/** A constraint after simplify: a constant, or terms of words, in CNF or DNF. */
export interface Compiled {
  code: boolean | WordSpec[][];
  dnf: boolean;
}

/** Fold constant literals: the constraint's value if it is constant, else its terms of words. */
export function simplify({ dnf, terms }: Terms): boolean | WordSpec[][] {
  // In CNF a true literal makes its term true and a true term drops out; DNF is the dual.
  const dominant = !dnf;
  const out: WordSpec[][] = [];
  for (const term of terms) {
    const words: WordSpec[] = [];
    let decided = false;
    for (const lit of term) {
      if (lit === dominant) { decided = true; break; }
      if (typeof lit !== 'boolean') words.push(lit);
    }
    if (decided) continue;
    // An empty term is false in CNF (empty OR) and true in DNF (empty AND): it decides the constraint.
    if (words.length === 0) return dnf;
    out.push(words);
  }
  return out.length === 0 ? !dnf : out;
}

/** Words a compiled constraint costs per candidate. */
export function wordCount(code: boolean | WordSpec[][]): number {
  if (typeof code === 'boolean') return 1;
  let n = 0;
  for (const term of code) n += term.length;
  return n;
}

/** The flag bits of a word (a TRUE word with no operands carries nothing else), by ET/EC/MODE. */
const FLAG_BITS = [false, true].map((dnf) => [false, true].map((endTerm) => [false, true].map((endCons) =>
  encodeWord({ op: Opcode.TRUE, dnf, endTerm, endCons }))));

/** Append a simplified constraint to `words`: ET after each term, EC after the last. */
export function emitConstraint(words: bigint[], code: boolean | WordSpec[][], dnf: boolean): void {
  if (typeof code === 'boolean') {
    words.push(encodeWord({ op: Opcode.TRUE, neg: !code, endCons: true }));
    return;
  }
  const flags = FLAG_BITS[+dnf]!;
  code.forEach((term, t) => {
    const lastTerm = t === code.length - 1;
    term.forEach((w, i) => {
      const last = i === term.length - 1;
      words.push(encodeWord(w) | flags[+(last && !lastTerm)]![+(last && lastTerm)]!);
    });
  });
}
