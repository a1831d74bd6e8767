// Drives the standalone search-core testbench (hdl/tb/search_tb.cpp): builds it, writes search
// tables straight from clause lists (docs/search.md, "Tables": the five sections), writes the
// vector script, runs it and parses the events it prints. Also the random problems the test
// uses: planted 3-SAT, planted colouring, planted mixed CSP clauses with domain holes.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Prng } from '../../src/model/prng.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A value literal: true when val[x] == v, or val[x] != v when negated. */
export interface Lit {
  x: number;
  v: number;
  neg: boolean;
}

export interface SearchProblem {
  /** Domain size of each variable (values 0..size-1, holes included). */
  domains: number[];
  clauses: Lit[][];
}

export interface SearchTables {
  numVars: number;
  numValues: number;
  numClauses: number;
  numLiterals: number;
  /** Sections 0..4: VARS, CLAUSES, LITERALS, VALUES (num_values + 1), OCCURRENCES. */
  sections: [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
}

export function literalWord(l: Lit): number {
  return ((l.v & 0xff) | (l.x << 8) | (l.neg ? 0x80000000 : 0)) >>> 0;
}

/** The five table sections of docs/search.md for a clause list. */
export function searchTables(p: SearchProblem): SearchTables {
  const numVars = p.domains.length;
  const base: number[] = [];
  let numValues = 0;
  for (const d of p.domains) {
    base.push(numValues);
    numValues += d;
  }
  const vars = Uint32Array.from(p.domains.map((d, x) => (base[x]! | ((d - 1) << 24)) >>> 0));
  const numLiterals = p.clauses.reduce((n, c) => n + c.length, 0);
  const clauses = new Uint32Array(p.clauses.length);
  const literals = new Uint32Array(numLiterals);
  const perSlot: { c: number; neg: boolean }[][] = Array.from({ length: numValues }, () => []);
  let l = 0;
  p.clauses.forEach((clause, c) => {
    if (clause.length < 1 || clause.length > 256) throw new RangeError(`clause ${c}: length ${clause.length}`);
    clauses[c] = (l | ((clause.length - 1) << 24)) >>> 0;
    for (const lit of clause) {
      literals[l++] = literalWord(lit);
      perSlot[base[lit.x]! + lit.v]!.push({ c, neg: lit.neg });
    }
  });
  const values = new Uint32Array(numValues + 1);
  const occurrences = new Uint32Array(numLiterals);
  let o = 0;
  for (let s = 0; s < numValues; s++) {
    values[s] = o;
    for (const e of perSlot[s]!) occurrences[o++] = (e.c | (e.neg ? 0x80000000 : 0)) >>> 0;
  }
  values[numValues] = o;
  return { numVars, numValues, numClauses: p.clauses.length, numLiterals, sections: [vars, clauses, literals, values, occurrences] };
}

/** Value slot of (x, v). */
export function slotBases(p: SearchProblem): number[] {
  const base: number[] = [];
  let n = 0;
  for (const d of p.domains) {
    base.push(n);
    n += d;
  }
  return base;
}

export function clauseSatisfied(clause: readonly Lit[], vals: readonly number[]): boolean {
  return clause.some((l) => (vals[l.x] === l.v) !== l.neg);
}

export function unsatisfiedClauses(p: SearchProblem, vals: readonly number[]): number[] {
  const out: number[] = [];
  p.clauses.forEach((c, i) => { if (!clauseSatisfied(c, vals)) out.push(i); });
  return out;
}

// ---------------------------------------------------------------- random problems

/** Random 3-SAT over booleans (size 2, literal on value 1) satisfied by a hidden assignment. */
export function planted3Sat(rng: Prng, n: number, m: number): { problem: SearchProblem; hidden: number[] } {
  const hidden = Array.from({ length: n }, () => rng.int(2));
  const clauses: Lit[][] = [];
  while (clauses.length < m) {
    const xs = new Set<number>();
    while (xs.size < 3) xs.add(rng.int(n));
    const clause = [...xs].map((x) => ({ x, v: 1, neg: rng.int(2) === 1 }));
    if (clauseSatisfied(clause, hidden)) clauses.push(clause);
  }
  return { problem: { domains: new Array<number>(n).fill(2), clauses }, hidden };
}

/** Graph colouring with k colours: per edge and colour, (x != i or y != i); planted colours. */
export function plantedColouring(rng: Prng, n: number, k: number, edges: number): { problem: SearchProblem; hidden: number[] } {
  const hidden = Array.from({ length: n }, () => rng.int(k));
  const seen = new Set<string>();
  const clauses: Lit[][] = [];
  let tries = 0;
  while (seen.size < edges && tries++ < edges * 100) {
    const x = rng.int(n);
    const y = rng.int(n);
    if (x === y || hidden[x] === hidden[y]) continue;
    const key = x < y ? `${x},${y}` : `${y},${x}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (let i = 0; i < k; i++) clauses.push([{ x, v: i, neg: true }, { x: y, v: i, neg: true }]);
  }
  return { problem: { domains: new Array<number>(n).fill(k), clauses }, hidden };
}

/**
 * A multi-valued CSP: domains 3..8 with holes (prior 0; no positive literal on them), random
 * x != y pairs on equal values, clauses of 1..4 mixed positive and negative literals, and `sets`
 * membership clauses `x in S` (the positive literals of S, as the compiler writes them; a flip
 * between two values of S walks the same clause in both occurrence lists), all satisfied by a
 * hidden in-domain assignment.
 */
export function plantedCsp(rng: Prng, n: number, pairs: number, mixed: number, sets = 0): { problem: SearchProblem; hidden: number[]; prior: Uint8Array } {
  const domains = Array.from({ length: n }, () => 3 + rng.int(6));
  const base = slotBases({ domains, clauses: [] });
  const numValues = domains.reduce((a, b) => a + b, 0);
  const prior = new Uint8Array(numValues);
  const allowed: number[][] = [];
  for (let x = 0; x < n; x++) {
    const ok: number[] = [];
    for (let v = 0; v < domains[x]!; v++) {
      const hole = v > 0 && rng.int(5) === 0;
      prior[base[x]! + v] = hole ? 0 : rng.int(3) === 0 ? 1 + rng.int(255) : 255;
      if (!hole) ok.push(v);
    }
    allowed.push(ok);
  }
  const hidden = allowed.map((ok) => ok[rng.int(ok.length)]!);
  const clauses: Lit[][] = [];
  for (let i = 0, tries = 0; i < pairs && tries < pairs * 50; tries++) {
    const x = rng.int(n);
    const y = rng.int(n);
    if (x === y) continue;
    for (const v of allowed[x]!) {
      if (v >= domains[y]! || (hidden[x] === v && hidden[y] === v)) continue;
      clauses.push([{ x, v, neg: true }, { x: y, v, neg: true }]);
    }
    i++;
  }
  while (clauses.length < pairs + mixed) {
    const len = 1 + rng.int(4);
    const clause: Lit[] = [];
    const keys = new Set<string>();
    for (let j = 0; j < len; j++) {
      const x = rng.int(n);
      const neg = rng.int(2) === 1;
      const v = neg ? rng.int(domains[x]!) : allowed[x]![rng.int(allowed[x]!.length)]!;
      if (keys.has(`${x},${v}`)) continue;      // no duplicate, no tautology
      keys.add(`${x},${v}`);
      clause.push({ x, v, neg });
    }
    // single literals only rarely (they pin a variable)
    if (clause.length === 1 && rng.int(4) !== 0) continue;
    if (clauseSatisfied(clause, hidden)) clauses.push(clause);
  }
  for (let i = 0; i < sets; i++) {
    const x = rng.int(n);
    const others = rng.shuffle(allowed[x]!.filter((v) => v !== hidden[x]));
    const set = [hidden[x]!, ...others.slice(0, 1 + rng.int(Math.max(1, others.length - 1)))];
    clauses.push(rng.shuffle(set).map((v) => ({ x, v, neg: false })));
  }
  return { problem: { domains, clauses }, hidden, prior };
}

/** Prior 255 on every value. */
export function flatPrior(p: SearchProblem): Uint8Array {
  return new Uint8Array(p.domains.reduce((a, b) => a + b, 0)).fill(255);
}

// ---------------------------------------------------------------- the vector script

export class SearchScript {
  readonly lines: string[] = [];

  sizes(numVars: number, numValues: number, numClauses: number, numLiterals: number): this {
    this.lines.push(`sizes ${numVars >>> 0} ${numValues >>> 0} ${numClauses >>> 0} ${numLiterals >>> 0}`);
    return this;
  }

  section(section: number, words: ArrayLike<number>, from = 0): this {
    for (let i = 0; i < words.length; i += 64) {
      const chunk = Array.from({ length: Math.min(64, words.length - i) }, (_, j) => (words[i + j]! >>> 0).toString(16));
      this.lines.push(`table ${section} ${from + i} ${chunk.join(' ')}`);
    }
    return this;
  }

  tables(t: SearchTables): this {
    this.sizes(t.numVars, t.numValues, t.numClauses, t.numLiterals);
    t.sections.forEach((words, s) => this.section(s, words));
    return this;
  }

  prior(bytes: ArrayLike<number>, from = 0): this {
    for (let i = 0; i < bytes.length; i += 128) {
      const chunk = Array.from({ length: Math.min(128, bytes.length - i) }, (_, j) => (bytes[i + j]! & 0xff).toString(16));
      this.lines.push(`prior ${from + i} ${chunk.join(' ')}`);
    }
    return this;
  }

  check(on: boolean): this {
    this.lines.push(`check ${on ? 1 : 0}`);
    return this;
  }

  /** The tables are garbage: the bench takes solutions without checking them. */
  garbage(on: boolean): this {
    this.lines.push(`garbage ${on ? 1 : 0}`);
    return this;
  }

  start(seed: number, flipBudget: number, noise: number): this {
    this.lines.push(`start ${seed >>> 0} ${flipBudget >>> 0} ${noise}`);
    return this;
  }

  run(flips: number, solutions: number, cycles: number): this {
    this.lines.push(`run ${flips} ${solutions} ${cycles}`);
    return this;
  }

  stop(): this {
    this.lines.push('stop');
    return this;
  }

  idle(cycles: number): this {
    this.lines.push(`idle ${cycles}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export type SearchEvent =
  | { kind: 'restart'; restarts: number; unsat: number; vals: number[]; chain: number }
  | { kind: 'flip'; flips: number; clause: number; x: number; a: number; b: number; brk: number; move: number; unsat: number; chain: number }
  | { kind: 'sol'; flips: number; cycles: number; vals: number[] }
  | { kind: 'ran'; cycles: number; flips: number; restarts: number; solutions: number; unsat: number; best: number }
  | { kind: 'stopped'; cycles: number; flipsAfter: number };

export interface SearchRun {
  events: SearchEvent[];
  cycles: number;
  checks: number;
  /** search_core's CHAINS (the bench's `chains` line; 1 without it). */
  chains: number;
  /** The FAIL line, if the bench found a disagreement. */
  failure?: string;
  status: number | null;
}

/** Build the testbench (make is incremental); returns the binary's path. */
export function buildSearchTb(variant: 'search' | 'search_small' | 'search2' = 'search'): string {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), variant], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(ROOT, `build/tb/${variant}/Vsearch_core`);
}

function vals(s: string | undefined): number[] {
  return !s || s === '-' ? [] : s.split(',').map(Number);
}

export function parseSearchOutput(text: string): Omit<SearchRun, 'status'> {
  const events: SearchEvent[] = [];
  let cycles = -1;
  let checks = 0;
  let chains = 1;
  let failure: string | undefined;
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const n = (i: number) => Number(f[i]);
    switch (f[0]) {
      case 'restart': events.push({ kind: 'restart', restarts: n(1), unsat: n(2), vals: vals(f[3]), chain: n(4) || 0 }); break;
      case 'flip':
        events.push({ kind: 'flip', flips: n(1), clause: n(2), x: n(3), a: n(4), b: n(5), brk: n(6), move: n(7), unsat: n(8), chain: n(9) || 0 });
        break;
      case 'chains': chains = n(1); break;
      case 'sol': events.push({ kind: 'sol', flips: n(1), cycles: n(2), vals: vals(f[3]) }); break;
      case 'ran':
        events.push({ kind: 'ran', cycles: n(1), flips: n(2), restarts: n(3), solutions: n(4), unsat: n(5), best: n(6) });
        break;
      case 'stopped': events.push({ kind: 'stopped', cycles: n(1), flipsAfter: n(2) }); break;
      case 'done': cycles = n(1); checks = n(2); break;
      case 'FAIL': failure = line; break;
      case '': break;
      default: throw new Error(`search testbench: unexpected output line '${line}'`);
    }
  }
  return { events, cycles, checks, chains, failure };
}

/** Run the testbench on a script; `stallPercent` of handshakes are held off at random. */
export function runSearchTb(binary: string, script: SearchScript, stallPercent = 0, seed = 1): SearchRun {
  const dir = mkdtempSync(join(tmpdir(), 'search-tb-'));
  try {
    const file = join(dir, 'vectors.txt');
    writeFileSync(file, script.text());
    const r = spawnSync(binary, [file, String(stallPercent), String(seed)], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
    if (r.error) throw r.error;
    const parsed = parseSearchOutput(r.stdout);
    if (r.status !== 0 && !parsed.failure) parsed.failure = `exit ${r.status}: ${r.stderr.slice(0, 2000)}`;
    return { ...parsed, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
