// The RTL search core (hdl/rtl/search_core.v) in its standalone Verilator testbench
// (hdl/tb/search_tb.cpp). In single-step mode the bench recounts every cached count (ntrue, crit,
// brk_all, brk_ne, the unsatisfied list) from the tables after every restart and flip and checks
// each move against the clause's candidate moves; here we generate the problems (planted 3-SAT,
// colouring, mixed multi-valued clauses with domain holes), write the tables straight from the
// clause lists (docs/search.md, "Tables"), and check what the bench cannot judge alone: solutions
// against the problem, stop latency, priors written mid-search, flip budgets, noise, garbage
// tables, and the cycles a flip takes.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareProblem } from '../src/solve/prepare.ts';
import { plantedColoring } from '../bench/gen/coloring.ts';
import { plantedSat } from '../bench/gen/sat.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';
import { compileSearchTables } from '../src/model/search-tables.ts';
import { decodeSearchStream, encodeSearchStream, SEARCH_TABLE_ERROR, SearchStreamError, type SearchStream, type SearchTableWords } from '../src/model/search-wire.ts';
import type { Model } from '../src/model/types.ts';
import { randomModel } from './helpers/random-model.ts';
import {
  buildSearchTb, clauseSatisfied, flatPrior, planted3Sat, plantedColouring, plantedCsp, runSearchTb,
  SearchScript, searchTables, slotBases, type Lit, type SearchEvent, type SearchProblem, type SearchRun,
} from './helpers/search-vectors.ts';

type Ev<K extends SearchEvent['kind']> = Extract<SearchEvent, { kind: K }>;
const of = <K extends SearchEvent['kind']>(r: SearchRun, kind: K) => r.events.filter((e): e is Ev<K> => e.kind === kind);

function expectClean(r: SearchRun): void {
  expect(r.failure).toBeUndefined();
  expect(r.status).toBe(0);
}

/** Every solution satisfies every clause and takes values with a nonzero prior. */
function expectSolutions(r: SearchRun, p: SearchProblem, prior: Uint8Array): void {
  const base = slotBases(p);
  for (const s of of(r, 'sol')) {
    expect(s.vals).toHaveLength(p.domains.length);
    for (const c of p.clauses) expect(clauseSatisfied(c, s.vals)).toBe(true);
    s.vals.forEach((v, x) => {
      expect(v).toBeLessThan(p.domains[x]!);
      expect(prior[base[x]! + v]).not.toBe(0);
    });
  }
}

/** An unplanted random 3-SAT instance (above the threshold it is almost surely unsatisfiable). */
function random3Sat(rng: Prng, n: number, m: number): SearchProblem {
  const clauses: Lit[][] = [];
  while (clauses.length < m) {
    const xs = new Set<number>();
    while (xs.size < 3) xs.add(rng.int(n));
    clauses.push([...xs].map((x) => ({ x, v: 1, neg: rng.int(2) === 1 })));
  }
  return { domains: new Array<number>(n).fill(2), clauses };
}

function randomColouring(rng: Prng, n: number, k: number, edges: number): SearchProblem {
  const clauses: Lit[][] = [];
  const seen = new Set<string>();
  while (seen.size < edges) {
    const x = rng.int(n);
    const y = rng.int(n);
    const key = x < y ? `${x},${y}` : `${y},${x}`;
    if (x === y || seen.has(key)) continue;
    seen.add(key);
    for (let i = 0; i < k; i++) clauses.push([{ x, v: i, neg: true }, { x: y, v: i, neg: true }]);
  }
  return { domains: new Array<number>(n).fill(k), clauses };
}

const ROOT = new URL('../', import.meta.url).pathname;

/** A DIMACS CNF file as a search problem (x = 1 for a positive literal, x != 1 for a negative one). */
function cnfProblem(text: string): SearchProblem {
  let n = 0;
  const clauses: Lit[][] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('p ')) n = Number(t.split(/\s+/)[2]);
    if (t === '' || t.startsWith('c') || t.startsWith('p') || t.startsWith('%')) continue;
    const lits = t.split(/\s+/).map(Number).filter((v) => v !== 0);
    if (lits.length) clauses.push(lits.map((v) => ({ x: Math.abs(v) - 1, v: 1, neg: v < 0 })));
  }
  return { domains: new Array<number>(n).fill(2), clauses };
}

/** A DIMACS .col graph as k-colouring: per edge and colour, not both ends that colour. */
function colProblem(text: string, k: number): SearchProblem {
  let n = 0;
  const clauses: Lit[][] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'p') n = Number(f[2]);
    if (f[0] !== 'e') continue;
    const [x, y] = [Number(f[1]) - 1, Number(f[2]) - 1];
    for (let i = 0; i < k; i++) clauses.push([{ x, v: i, neg: true }, { x: y, v: i, neg: true }]);
  }
  return { domains: new Array<number>(n).fill(k), clauses };
}

function script(p: SearchProblem, prior: Uint8Array): SearchScript {
  return new SearchScript().tables(searchTables(p)).prior(prior);
}

describe('search core testbench', () => {
  let tb = '';
  let tbSmall = '';
  beforeAll(() => {
    tb = buildSearchTb('search');
    tbSmall = buildSearchTb('search_small');
  }, 600_000);

  it('keeps every count equal to a from-scratch recount after every flip: planted 3-SAT, stalled handshakes', () => {
    const rng = new Prng(1);
    let flips = 0;
    let solutions = 0;
    for (let k = 0; k < 4; k++) {
      const n = 20 + rng.int(40);
      const { problem } = planted3Sat(rng, n, Math.round(n * 4.2));
      const prior = flatPrior(problem);
      const s = script(problem, prior).check(true).start(1 + rng.int(1e9), 150, 60 + rng.int(100)).run(1200, 8, 20_000_000);
      const r = runSearchTb(tb, s, 30, 10 + k);
      expectClean(r);
      expectSolutions(r, problem, prior);
      flips += of(r, 'flip').length;
      solutions += of(r, 'sol').length;
      expect(r.checks).toBe(of(r, 'flip').length + of(r, 'restart').length);
    }
    expect(flips).toBeGreaterThan(2000);
    expect(solutions).toBeGreaterThan(4);
  }, 300_000);

  it('keeps every count equal to a recount on colouring (domains 3..8)', () => {
    const rng = new Prng(2);
    let flips = 0;
    const kinds = new Set<number>();
    for (const k of [3, 4, 5, 8]) {
      const n = 15 + rng.int(20);
      const { problem } = plantedColouring(rng, n, k, Math.round(n * (k === 3 ? 2.2 : k)));
      const prior = flatPrior(problem);
      const r = runSearchTb(tb, script(problem, prior).check(true).start(7 + k, 200, 80).run(700, 1000, 20_000_000), 25, k);
      expectClean(r);
      expectSolutions(r, problem, prior);
      flips += of(r, 'flip').length;
      for (const f of of(r, 'flip')) kinds.add(f.move);
    }
    expect(flips).toBeGreaterThan(1500);
    expect([...kinds].sort()).toEqual([1, 2, 3]);
  }, 300_000);

  it('keeps every count equal to a recount on mixed multi-valued clauses with domain holes and membership clauses', () => {
    const rng = new Prng(3);
    let flips = 0;
    let solutions = 0;
    for (let k = 0; k < 8; k++) {
      const n = 8 + rng.int(20);
      const { problem, prior } = plantedCsp(rng, n, n, 2 * n, n);
      const r = runSearchTb(tb, script(problem, prior).check(true).start(100 + k, 60, 90).run(400, 1000, 20_000_000), 30, 20 + k);
      expectClean(r);
      expectSolutions(r, problem, prior);
      // no value with prior 0 is ever taken, by a restart or a move
      const base = slotBases(problem);
      for (const e of of(r, 'restart')) e.vals.forEach((v, x) => expect(prior[base[x]! + v]).not.toBe(0));
      for (const f of of(r, 'flip')) if (f.move !== 0) expect(prior[base[f.x]! + f.b]).not.toBe(0);
      flips += of(r, 'flip').length;
      solutions += of(r, 'sol').length;
    }
    expect(flips).toBeGreaterThan(1000);
    expect(solutions).toBeGreaterThan(8);
  }, 300_000);

  it('keeps every count equal to a recount on a larger unsatisfiable instance (a long unsatisfied list)', () => {
    const rng = new Prng(4);
    const problem = random3Sat(rng, 80, 480);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(5, 0, 120).run(600, 1, 50_000_000), 20, 4);
    expectClean(r);
    expect(of(r, 'flip')).toHaveLength(600);
    expect(Math.max(...of(r, 'restart').map((e) => e.unsat))).toBeGreaterThan(20);
  }, 300_000);

  it('finds solutions at full speed that satisfy every clause, restarting after each', () => {
    const rng = new Prng(5);
    const { problem } = planted3Sat(rng, 100, 426);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(false).start(77, 0, 140).run(1e9, 6, 30_000_000), 30, 5);
    expectClean(r);
    const sols = of(r, 'sol');
    expect(sols).toHaveLength(6);
    expectSolutions(r, problem, prior);
    const ran = of(r, 'ran')[0]!;
    // the first start state, then one after each solution (the run ends as the 6th is taken)
    expect(ran.restarts).toBeGreaterThanOrEqual(6);
    expect(ran.restarts).toBeLessThanOrEqual(7);
    expect(new Set(sols.map((s) => s.vals.join(''))).size).toBeGreaterThan(1);
  }, 300_000);

  it('stops within 16 cycles wherever it is, and starts again afterwards', () => {
    const rng = new Prng(6);
    const { problem } = plantedColouring(rng, 60, 4, 200);
    const prior = flatPrior(problem);
    const s = script(problem, prior).check(false);
    for (let k = 0; k < 30; k++) s.start(k, 1 + rng.int(50), rng.int(256)).idle(1 + rng.int(3000)).stop();
    s.start(99, 0, 100).run(1e9, 2, 20_000_000);
    const r = runSearchTb(tb, s, 20, 6);
    expectClean(r);
    const stops = of(r, 'stopped');
    expect(stops).toHaveLength(30);
    for (const st of stops) {
      expect(st.cycles).toBeLessThanOrEqual(16);
      expect(st.flipsAfter).toBe(0);
    }
    expect(of(r, 'sol').length).toBeGreaterThanOrEqual(2);
    expectSolutions(r, problem, prior);
  }, 300_000);

  it('uses a prior written mid-search at the next restart', () => {
    const rng = new Prng(7);
    const problem = randomColouring(rng, 30, 3, 75);
    const prior = flatPrior(problem);
    const s = script(problem, prior).check(true).start(3, 10, 80).run(150, 100, 20_000_000);
    s.prior([0, 0, 255], 0);                      // variable 0 may only take value 2 from now on
    s.run(300, 100, 20_000_000);
    const r = runSearchTb(tb, s, 20, 7);
    expectClean(r);
    // events before the write are those up to the 150th flip
    let seen = 0;
    const before: number[] = [];
    const after: number[] = [];
    for (const e of r.events) {
      if (e.kind === 'ran') seen++;
      if (e.kind === 'restart') (seen === 0 ? before : after).push(e.vals[0]!);
      if (e.kind === 'flip' && seen > 0 && e.x === 0 && e.move !== 0) expect(e.b).toBe(2);
    }
    expect(before.some((v) => v !== 2)).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((v) => v === 2)).toBe(true);
  }, 300_000);

  it('restarts after flip_budget flips, and never with budget 0', () => {
    const rng = new Prng(8);
    const problem = random3Sat(rng, 40, 220);     // unsatisfiable almost surely: no solution ends a try
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(8, 7, 100).run(200, 1, 20_000_000), 10, 8);
    expectClean(r);
    const flips = of(r, 'flip');
    expect(Math.max(...flips.map((f) => f.flips))).toBe(7);
    let last = 0;
    for (const e of r.events) {
      if (e.kind === 'flip') {
        expect(e.flips).toBe(last + 1);
        last = e.flips;
      }
      if (e.kind === 'restart') {
        expect([0, 7]).toContain(last);
        last = 0;
      }
    }
    expect(of(r, 'restart').length).toBeGreaterThan(25);

    const r0 = runSearchTb(tb, script(problem, prior).check(false).start(8, 0, 100).run(3000, 1, 20_000_000), 0, 8);
    expectClean(r0);
    expect(of(r0, 'ran')[0]!.restarts).toBe(1);
  }, 300_000);

  it('takes random-walk moves only with noise, and then at about noise/256 of the non-freebie flips', () => {
    const rng = new Prng(9);
    const problem = random3Sat(rng, 50, 260);
    const prior = flatPrior(problem);
    const share = (noise: number) => {
      const r = runSearchTb(tb, script(problem, prior).check(true).start(9, 0, noise).run(800, 1, 30_000_000), 0, 9);
      expectClean(r);
      const flips = of(r, 'flip').filter((f) => f.move !== 1);
      expect(flips.length).toBeGreaterThan(200);
      return flips.filter((f) => f.move === 2).length / flips.length;
    };
    expect(share(0)).toBe(0);
    expect(share(128)).toBeGreaterThan(0.4);
    expect(share(128)).toBeLessThan(0.6);
    expect(share(255)).toBeGreaterThan(0.95);
  }, 300_000);

  it('solves at once when there is nothing to satisfy', () => {
    const problem: SearchProblem = { domains: [3, 2, 5], clauses: [] };
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(1, 0, 50).run(10, 3, 100_000), 10, 1);
    expectClean(r);
    expect(of(r, 'sol')).toHaveLength(3);
    for (const s of of(r, 'sol')) expect(s.flips).toBe(0);
  });

  it('never hangs on garbage tables: it keeps stepping and stops on command', () => {
    const rng = new Prng(10);
    const words = (n: number) => Array.from({ length: n }, () => rng.uint32());
    for (const [bin, caps] of [[tbSmall, [64, 512, 256, 1024]], [tb, [16384, 65536, 1 << 20, 1 << 21]]] as const) {
      for (let k = 0; k < 4; k++) {
        const sizes = caps.map((c) => (rng.int(3) === 0 ? rng.uint32() : rng.int(Math.min(c, 300) + 1)));
        // garbage sizes beyond a small build's capacity are clamped; on the full build keep them small
        if (bin === tb) for (let i = 0; i < 4; i++) sizes[i] = rng.int(300);
        const s = new SearchScript().sizes(sizes[0]!, sizes[1]!, sizes[2]!, sizes[3]!);
        for (let sec = 0; sec < 5; sec++) s.section(sec, words(40 + rng.int(300)), rng.int(8));
        s.prior(Array.from({ length: 600 }, () => rng.int(256)));
        s.garbage(true).check(false).start(k, 1 + rng.int(20), rng.int(256)).run(1e9, 1e9, 1_500_000).stop();
        const r = runSearchTb(bin, s, 10, k);
        expectClean(r);
        const ran = of(r, 'ran')[0]!;
        expect(ran.flips + ran.restarts).toBeGreaterThan(2);
        expect(of(r, 'stopped')[0]!.cycles).toBeLessThanOrEqual(16);
      }
    }
  }, 300_000);

  it('takes few cycles per flip (random 3-SAT 250/1065, colouring 250 x 3)', () => {
    const rng = new Prng(11);
    const cases: [string, SearchProblem, number][] = [
      ['3-SAT 250/1065', random3Sat(rng, 250, 1065), 30],
      ['colouring 250 x 3, 750 edges', randomColouring(rng, 250, 3, 750), 30],
      ['colouring 200 x 8, 4000 edges', randomColouring(rng, 200, 8, 4000), 120],
    ];
    for (const [name, problem, bound] of cases) {
      const r = runSearchTb(tb, script(problem, flatPrior(problem)).check(false).start(3, 0, 128).run(1e9, 1, 1_000_000), 0, 1);
      expectClean(r);
      const ran = of(r, 'ran')[0]!;
      const perFlip = ran.cycles / ran.flips;
      console.log(`${name}: ${perFlip.toFixed(1)} cycles per flip (${ran.flips} flips, ${ran.cycles} cycles, best ${ran.best} unsatisfied)`);
      expect(perFlip).toBeLessThan(bound);
    }
  }, 300_000);

  // The break-count forwarding's formal properties (search_breaks.v) run with the others in
  // test/hdl-formal.test.ts (hdl/formal/jobs.txt: BMC, induction and covers).
});

// CHAINS = 2 (make search2): two chains on one set of tables, each checked on its own after
// every restart and flip, each with its own seed, restarts and flip counters.
describe('search core testbench, CHAINS = 2', () => {
  let tb1 = '';
  let tb2 = '';
  beforeAll(() => {
    tb1 = buildSearchTb('search');
    tb2 = buildSearchTb('search2');
  }, 600_000);

  it('keeps every count of every chain equal to a recount after every flip (3-SAT, colouring, mixed; stalled handshakes)', () => {
    const rng = new Prng(21);
    const cases: { problem: SearchProblem; prior: Uint8Array }[] = [];
    for (let k = 0; k < 2; k++) {
      const n = 30 + rng.int(30);
      const { problem } = planted3Sat(rng, n, Math.round(n * 4.2));
      cases.push({ problem, prior: flatPrior(problem) });
    }
    const { problem: col } = plantedColouring(rng, 25, 4, 100);
    cases.push({ problem: col, prior: flatPrior(col) });
    cases.push(plantedCsp(rng, 20, 20, 40, 20));
    let solutions = 0;
    cases.forEach(({ problem, prior }, k) => {
      const s = script(problem, prior).check(true).start(1 + rng.int(1e9), 150, 100).run(900, 1000, 20_000_000);
      const r = runSearchTb(tb2, s, 30, 40 + k);
      expectClean(r);
      expect(r.chains).toBe(2);
      expectSolutions(r, problem, prior);
      solutions += of(r, 'sol').length;
      const flips = of(r, 'flip');
      expect(r.checks).toBe(flips.length + of(r, 'restart').length);
      for (const c of [0, 1]) {
        // each chain counts its own flips since its own restarts: 1, 2, 3, ... after each restart
        const mine = r.events.filter((e): e is Ev<'flip'> | Ev<'restart'> =>
          (e.kind === 'flip' || e.kind === 'restart') && e.chain === c);
        expect(mine.filter((e) => e.kind === 'flip').length).toBeGreaterThan(100);
        let want = 1;
        for (const e of mine) {
          if (e.kind === 'restart') want = 1;
          else expect(e.flips).toBe(want++);
        }
      }
      // different seeds: the chains' first start states differ
      const first = [0, 1].map((c) => of(r, 'restart').find((e) => e.chain === c)!.vals.join());
      expect(first[0]).not.toBe(first[1]);
    });
    expect(solutions).toBeGreaterThan(4);
  }, 300_000);

  it('offers solutions of both chains one at a time, and stops within 16 cycles', () => {
    const rng = new Prng(22);
    const { problem } = planted3Sat(rng, 60, 240);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb2, script(problem, prior).check(false).start(9, 0, 140).run(1e9, 20, 30_000_000).stop(), 40, 7);
    expectClean(r);
    expect(of(r, 'sol')).toHaveLength(20);
    expectSolutions(r, problem, prior);
    expect(of(r, 'stopped')[0]!.cycles).toBeLessThanOrEqual(16);
    expect(of(r, 'stopped')[0]!.flipsAfter).toBe(0);
    // restarts: each chain's first start state and one after each of its solutions
    const ran = of(r, 'ran')[0]!;
    expect(ran.restarts).toBeGreaterThanOrEqual(21);
    expect(ran.restarts).toBeLessThanOrEqual(22);
  }, 300_000);

  it('keeps the cycles per flip of one chain and doubles the flips per cycle (uf250, 200-vertex 3-colouring)', () => {
    const cases: [string, SearchProblem][] = [
      ['uf250-1065', cnfProblem(readFileSync(`${ROOT}test/fixtures/uf250-1065.cnf`, 'utf8'))],
      ['col 200 x 3, 479 edges', colProblem(plantedColoring(200, 3, 479, 1).col, 3)],
    ];
    for (const [name, problem] of cases) {
      const s = script(problem, flatPrior(problem)).check(false).start(3, 0, 128).run(1e9, 1e9, 1_000_000);
      const [one, two] = [tb1, tb2].map((tb) => {
        const r = runSearchTb(tb, s, 0, 1);
        expectClean(r);
        expectSolutions(r, problem, flatPrior(problem));
        return of(r, 'ran')[0]!;
      });
      const perFlip1 = one!.cycles / one!.flips;
      const perFlip2 = (2 * two!.cycles) / two!.flips;       // per chain
      console.log(`${name}: CHAINS 1 ${perFlip1.toFixed(1)} cycles per flip (${one!.flips} flips, ` +
        `${(one!.flips / one!.cycles).toFixed(4)} flips per cycle); CHAINS 2 ${perFlip2.toFixed(1)} cycles per flip ` +
        `per chain (${two!.flips} flips, ${(two!.flips / two!.cycles).toFixed(4)} flips per cycle)`);
      expect(perFlip1).toBeLessThan(40);
      // no port is shared between two chains' pipelines, so a chain is as fast as alone
      expect(Math.abs(perFlip2 - perFlip1) / perFlip1).toBeLessThan(0.1);
      expect(two!.flips / two!.cycles).toBeGreaterThan(1.8 * (one!.flips / one!.cycles));
    }
  }, 300_000);
});

// ---------------------------------------------------------------- the small Boolean core

/** Build the search_lite bench (make search_lite: the board's capacities, -DSEARCH_LITE). */
function buildLiteTb(): string {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), 'search_lite'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(ROOT, 'build/tb/search_lite/Vsearch_core');
}

// search_lite: one chain, booleans only, nothing cached but ntrue and the unsatisfied list. The
// same bench checks it (only the brk_all, brk_ne and crit reads are skipped: it has none): every
// ntrue, the list and each listed clause's position after every restart and flip, each move
// against the state before it (its break recounted, least break, freebie, walk only without a
// freebie, only the moved variable changed), every solution against every clause.
describe('search lite core testbench (hdl/rtl/search_lite.v)', () => {
  let tb = '';
  beforeAll(() => {
    tb = buildLiteTb();
  }, 600_000);

  it('keeps every count equal to a from-scratch recount after every flip: planted 3-SAT, stalled handshakes', () => {
    const rng = new Prng(31);
    let flips = 0;
    let solutions = 0;
    const kinds = new Set<number>();
    for (let k = 0; k < 4; k++) {
      const n = 20 + rng.int(40);
      const { problem } = planted3Sat(rng, n, Math.round(n * 4.2));
      const prior = flatPrior(problem);
      const s = script(problem, prior).check(true).start(1 + rng.int(1e9), 150, 60 + rng.int(100)).run(1200, 8, 20_000_000);
      const r = runSearchTb(tb, s, 30, 10 + k);
      expectClean(r);
      expectSolutions(r, problem, prior);
      flips += of(r, 'flip').length;
      solutions += of(r, 'sol').length;
      for (const f of of(r, 'flip')) kinds.add(f.move);
      expect(r.checks).toBe(of(r, 'flip').length + of(r, 'restart').length);
    }
    expect(flips).toBeGreaterThan(1500);
    expect(solutions).toBeGreaterThan(4);
    expect([...kinds].sort()).toEqual([1, 2, 3]);
  }, 300_000);

  it('keeps every count equal to a recount on a larger unsatisfiable instance (a long unsatisfied list)', () => {
    const rng = new Prng(4);
    const problem = random3Sat(rng, 80, 480);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(5, 0, 120).run(600, 1, 50_000_000), 20, 4);
    expectClean(r);
    expect(of(r, 'flip')).toHaveLength(600);
    expect(Math.max(...of(r, 'restart').map((e) => e.unsat))).toBeGreaterThan(20);
  }, 300_000);

  it('never takes a value with prior 0, by a restart or a move, and keeps the counts (pinned variables)', () => {
    const rng = new Prng(32);
    const { problem, hidden } = planted3Sat(rng, 40, 150);
    const prior = flatPrior(problem);
    // a third of the variables pinned to their planted value, the rest with uneven weights
    for (let x = 0; x < 40; x++) {
      if (x % 3 === 0) prior[2 * x + 1 - hidden[x]!] = 0;
      else prior[2 * x + rng.int(2)] = 1 + rng.int(255);
    }
    const r = runSearchTb(tb, script(problem, prior).check(true).start(12, 40, 100).run(800, 1000, 20_000_000), 20, 12);
    expectClean(r);
    expectSolutions(r, problem, prior);
    for (const e of of(r, 'restart')) e.vals.forEach((v, x) => expect(prior[2 * x + v]).not.toBe(0));
    for (const f of of(r, 'flip')) if (f.move !== 0) expect(prior[2 * f.x + f.b]).not.toBe(0);
    expect(of(r, 'flip').length).toBeGreaterThan(300);
  }, 300_000);

  it('finds solutions at full speed that satisfy every clause, restarting after each', () => {
    const rng = new Prng(5);
    const { problem } = planted3Sat(rng, 100, 426);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(false).start(77, 0, 140).run(1e9, 6, 30_000_000), 30, 5);
    expectClean(r);
    const sols = of(r, 'sol');
    expect(sols).toHaveLength(6);
    expectSolutions(r, problem, prior);
    const ran = of(r, 'ran')[0]!;
    expect(ran.restarts).toBeGreaterThanOrEqual(6);
    expect(ran.restarts).toBeLessThanOrEqual(7);
    expect(new Set(sols.map((s) => s.vals.join(''))).size).toBeGreaterThan(1);
  }, 300_000);

  it('stops within 16 cycles wherever it is, and starts again afterwards', () => {
    const rng = new Prng(6);
    const { problem } = planted3Sat(rng, 60, 250);
    const prior = flatPrior(problem);
    const s = script(problem, prior).check(false);
    for (let k = 0; k < 30; k++) s.start(k, 1 + rng.int(50), rng.int(256)).idle(1 + rng.int(3000)).stop();
    s.start(99, 0, 100).run(1e9, 2, 20_000_000);
    const r = runSearchTb(tb, s, 20, 6);
    expectClean(r);
    const stops = of(r, 'stopped');
    expect(stops).toHaveLength(30);
    for (const st of stops) {
      expect(st.cycles).toBeLessThanOrEqual(16);
      expect(st.flipsAfter).toBe(0);
    }
    expect(of(r, 'sol').length).toBeGreaterThanOrEqual(2);
    expectSolutions(r, problem, prior);
  }, 300_000);

  it('uses a prior written mid-search at the next restart', () => {
    const rng = new Prng(7);
    // unsatisfiable almost surely: a solution found before the next restart could still hold the
    // value drawn before the write (only restarts and moves read the prior), which the bench refuses
    const problem = random3Sat(rng, 30, 160);
    const prior = flatPrior(problem);
    const s = script(problem, prior).check(true).start(3, 10, 80).run(150, 100, 20_000_000);
    s.prior([0, 255], 0);                         // variable 0 may only take value 1 from now on
    s.run(300, 100, 20_000_000);
    const r = runSearchTb(tb, s, 20, 7);
    expectClean(r);
    let seen = 0;
    const before: number[] = [];
    const after: number[] = [];
    for (const e of r.events) {
      if (e.kind === 'ran') seen++;
      if (e.kind === 'restart') (seen === 0 ? before : after).push(e.vals[0]!);
      if (e.kind === 'flip' && seen > 0 && e.x === 0 && e.move !== 0) expect(e.b).toBe(1);
    }
    expect(before.some((v) => v !== 1)).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((v) => v === 1)).toBe(true);
  }, 300_000);

  it('restarts after flip_budget flips, and never with budget 0', () => {
    const rng = new Prng(8);
    const problem = random3Sat(rng, 40, 220);
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(8, 7, 100).run(200, 1, 20_000_000), 10, 8);
    expectClean(r);
    const flips = of(r, 'flip');
    expect(Math.max(...flips.map((f) => f.flips))).toBe(7);
    let last = 0;
    for (const e of r.events) {
      if (e.kind === 'flip') {
        expect(e.flips).toBe(last + 1);
        last = e.flips;
      }
      if (e.kind === 'restart') {
        expect([0, 7]).toContain(last);
        last = 0;
      }
    }
    expect(of(r, 'restart').length).toBeGreaterThan(25);

    const r0 = runSearchTb(tb, script(problem, prior).check(false).start(8, 0, 100).run(3000, 1, 20_000_000), 0, 8);
    expectClean(r0);
    expect(of(r0, 'ran')[0]!.restarts).toBe(1);
  }, 300_000);

  it('takes random-walk moves only with noise, and then at about noise/256 of the non-freebie flips', () => {
    const rng = new Prng(9);
    const problem = random3Sat(rng, 50, 260);
    const prior = flatPrior(problem);
    const share = (noise: number) => {
      const r = runSearchTb(tb, script(problem, prior).check(true).start(9, 0, noise).run(800, 1, 30_000_000), 0, 9);
      expectClean(r);
      const flips = of(r, 'flip').filter((f) => f.move !== 1);
      expect(flips.length).toBeGreaterThan(200);
      return flips.filter((f) => f.move === 2).length / flips.length;
    };
    expect(share(0)).toBe(0);
    expect(share(128)).toBeGreaterThan(0.4);
    expect(share(128)).toBeLessThan(0.6);
    expect(share(255)).toBeGreaterThan(0.95);
  }, 300_000);

  it('solves at once when there is nothing to satisfy', () => {
    const problem: SearchProblem = { domains: [2, 2, 2], clauses: [] };
    const prior = flatPrior(problem);
    const r = runSearchTb(tb, script(problem, prior).check(true).start(1, 0, 50).run(10, 3, 100_000), 10, 1);
    expectClean(r);
    expect(of(r, 'sol')).toHaveLength(3);
    for (const s of of(r, 'sol')) expect(s.flips).toBe(0);
  });

  it('never hangs on garbage tables: it keeps stepping and stops on command', () => {
    const rng = new Prng(10);
    const words = (n: number) => Array.from({ length: n }, () => rng.uint32());
    const caps = [512, 1024, 2048, 8192];
    for (let k = 0; k < 8; k++) {
      const sizes = caps.map((c) => (rng.int(3) === 0 ? rng.uint32() : rng.int(Math.min(c, 300) + 1)));
      const s = new SearchScript().sizes(sizes[0]!, sizes[1]!, sizes[2]!, sizes[3]!);
      for (let sec = 0; sec < 5; sec++) s.section(sec, words(40 + rng.int(300)), rng.int(8));
      s.prior(Array.from({ length: 600 }, () => rng.int(256)));
      s.garbage(true).check(false).start(k, 1 + rng.int(20), rng.int(256)).run(1e9, 1e9, 1_500_000).stop();
      const r = runSearchTb(tb, s, 10, k);
      expectClean(r);
      const ran = of(r, 'ran')[0]!;
      expect(ran.flips + ran.restarts).toBeGreaterThan(2);
      expect(of(r, 'stopped')[0]!.cycles).toBeLessThanOrEqual(16);
    }
  }, 300_000);

  it('takes on the order of a hundred cycles per flip (random 3-SAT 250/1065, uf250-1065)', () => {
    const rng = new Prng(11);
    const cases: [string, SearchProblem][] = [
      ['3-SAT 250/1065', random3Sat(rng, 250, 1065)],
      ['uf250-1065', cnfProblem(readFileSync(`${ROOT}test/fixtures/uf250-1065.cnf`, 'utf8'))],
    ];
    for (const [name, problem] of cases) {
      const r = runSearchTb(tb, script(problem, flatPrior(problem)).check(false).start(3, 0, 128).run(1e9, 1, 1_000_000), 0, 1);
      expectClean(r);
      expectSolutions(r, problem, flatPrior(problem));
      const ran = of(r, 'ran')[0]!;
      const perFlip = ran.cycles / ran.flips;
      console.log(`search_lite ${name}: ${perFlip.toFixed(1)} cycles per flip (${ran.flips} flips, ${ran.cycles} cycles, ` +
        `best ${ran.best} unsatisfied)`);
      expect(perFlip).toBeLessThan(400);
    }
  }, 300_000);
});

// ---------------------------------------------------------------- the table loader

/** The loader bench's vectors for one load: the wire form of `t` and the five sections it must build. */
function loaderVectors(t: SearchTableWords, stream: SearchStream = encodeSearchStream(t)): string {
  const hex = (a: ArrayLike<number>): string[] => Array.from(a, (x) => x.toString(16));
  const lines = [`load ${t.numVars} ${t.numValues} ${t.numClauses} ${t.numLiterals}`];
  const chunked = (head: string, items: string[]) => {
    for (let k = 0; k < items.length; k += 64) lines.push(`${head} ${items.slice(k, k + 64).join(' ')}`);
  };
  chunked('vars', hex(stream.vars));
  chunked('clauses', hex(stream.clauses));
  (['vars', 'clauses', 'literals', 'values', 'occurrences'] as const).forEach((name, s) => chunked(`expect ${s}`, hex(t.sections[name])));
  lines.push('build');
  return `${lines.join('\n')}\n`;
}

function runLoaderTb(binary: string, text: string, stallPercent: number, seed: number): { lines: string[]; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'search-loader-tb-'));
  try {
    const file = join(dir, 'vectors.txt');
    writeFileSync(file, text);
    const r = spawnSync(binary, [file, String(stallPercent), String(seed)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { lines: r.stdout.trim().split('\n'), status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('search table loader testbench (hdl/rtl/search_loader.v)', () => {
  let tb = '';
  beforeAll(() => {
    execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), 'search_loader'], { stdio: ['ignore', 'ignore', 'inherit'] });
    tb = join(ROOT, 'build/tb/search_loader/Vsearch_loader');
  }, 600_000);

  it('stores every word and builds VALUES and OCCURRENCES exactly as the host does, within the stated bound', () => {
    const models: Model[] = [
      parseProblem(readFileSync(join(ROOT, 'test/fixtures/uf50-218.cnf'), 'utf8'), { format: 'cnf' }),
      parseProblem(plantedSat(250, 1065, 3).cnf, { format: 'cnf' }),
      parseProblem(readFileSync(join(ROOT, 'test/fixtures/flat50-3.col'), 'utf8'), { format: 'col', colors: 3 }),
      parseProblem(plantedColoring(60, 8, 400, 2).col, { format: 'col', colors: 8 }),
      parseProblem(readFileSync(join(ROOT, 'test/fixtures/sudoku-hard.json'), 'utf8'), { format: 'json' }),
    ];
    const rng = new Prng(11);
    for (let k = 0; k < 40; k++) {
      models.push(randomModel(rng, { variables: 1 + rng.int(12), constraints: 1 + rng.int(8), maxDomainSize: k % 4 === 0 ? 256 : 9 }));
    }
    const tables = models.map((m) => compileSearchTables(m)).filter((t) => t.numLiterals <= 65536 && t.numValues <= 4096);
    expect(tables.length).toBeGreaterThan(40);
    const text = tables.map((t) => loaderVectors(t)).join('');
    for (const [stall, seed] of [[0, 1], [30, 2]] as const) {
      const { lines, status } = runLoaderTb(tb, text, stall, seed);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(status).toBe(0);
      expect(lines.at(-1)).toBe(`done ${tables.length}`);
      const oks = lines.slice(0, -1);
      expect(oks).toHaveLength(tables.length);
      oks.forEach((l, i) => {
        expect(l).toMatch(/^ok \d+$/);
        const t = tables[i]!;
        if (stall === 0) expect(Number(l.split(' ')[1])).toBeLessThanOrEqual(t.numValues + 2 * t.numLiterals + 6);
      });
    }
  }, 300_000);

  it('refuses a damaged stream with the ERROR_SEARCH_TABLE arg the host decoder gives', () => {
    const rng = new Prng(5);
    const cases: { t: SearchTableWords; stream: SearchStream; arg: number }[] = [];
    for (let k = 0; cases.length < 60 && k < 2000; k++) {
      const t = compileSearchTables(randomModel(rng, { variables: 2 + rng.int(8), constraints: 1 + rng.int(6), maxDomainSize: 9 }));
      if (t.numClauses === 0) continue;
      const good = encodeSearchStream(t);
      const stream = { vars: good.vars.slice(), clauses: good.clauses.slice() };
      const sizes = { ...t };
      switch (k % 7) {
        case 6: stream.clauses[0]! |= 0x03; break;                                              // a shifted copy first
        case 0: stream.clauses[rng.int(stream.clauses.length)]! ^= 1 << rng.int(8); break;   // a flipped bit
        case 1: sizes.numClauses += 1; break;                                                    // a clause short
        case 2: sizes.numLiterals -= 1; break;                                                   // a literal too many
        case 3: stream.clauses = Uint8Array.from([...stream.clauses, rng.int(256)]); break;      // a byte after the end
        case 4: sizes.numValues += 1; break;                                                     // values short
        default: stream.vars[rng.int(stream.vars.length)] = rng.int(256); break;               // a size changed
      }
      let arg: number;
      try {
        decodeSearchStream(sizes, stream);
        continue;   // the damage happened to decode (e.g. a flipped sign bit): the CRC catches those
      } catch (err) {
        if (!(err instanceof SearchStreamError)) throw err;
        arg = err.arg;
      }
      cases.push({ t: { ...sizes, sections: t.sections }, stream, arg });
    }
    expect(new Set(cases.map((c) => c.arg)).size).toBeGreaterThanOrEqual(5);
    expect(cases.some((c) => c.arg === SEARCH_TABLE_ERROR.shift)).toBe(true);
    const text = cases.map((c) => loaderVectors(c.t, c.stream)).join('');
    const { lines, status } = runLoaderTb(tb, text, 20, 3);
    expect(status).toBe(0);
    expect(lines.slice(0, -1)).toEqual(cases.map((c) => `error ${c.arg}`));
  }, 300_000);
});

describe('booleans-only table loader testbench (search_loader BOOLEANS_ONLY = 1)', () => {
  let tb = '';
  beforeAll(() => {
    execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), 'search_loader_bool'], { stdio: ['ignore', 'ignore', 'inherit'] });
    tb = join(ROOT, 'build/tb/search_loader_bool/Vsearch_loader');
  }, 600_000);

  it('stores CNF tables exactly as the host does, fixed booleans included, and refuses any other domain with arg 10', () => {
    const cnfs: Model[] = [
      parseProblem(readFileSync(join(ROOT, 'test/fixtures/uf50-218.cnf'), 'utf8'), { format: 'cnf' }),
      parseProblem(plantedSat(250, 1065, 4).cnf, { format: 'cnf' }),
    ];
    // A CNF with units: propagated, so some booleans keep one value (their unit clauses in the tables).
    const withUnits = prepareProblem({ format: 'cnf', source: `p cnf 30 40\n1 0\n-2 0\n${plantedSat(30, 38, 5).cnf.split('\n').filter((l) => /^-?\d/.test(l)).join('\n')}\n`, options: { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1 } }).model;
    const tables = [...cnfs, withUnits].map((m) => compileSearchTables(m));
    expect(tables[2]!.heldDomains.length).toBeGreaterThan(0);
    const bad = [
      compileSearchTables(parseProblem(readFileSync(join(ROOT, 'test/fixtures/flat50-3.col'), 'utf8'), { format: 'col', colors: 3 })),
      compileSearchTables(parseProblem(readFileSync(join(ROOT, 'test/fixtures/8-queens.json'), 'utf8'), { format: 'json' })),
    ];
    const text = [...tables, ...bad].map((t) => loaderVectors(t)).join('');
    for (const [stall, seed] of [[0, 1], [30, 2]] as const) {
      const { lines, status } = runLoaderTb(tb, text, stall, seed);
      expect(status).toBe(0);
      expect(lines.slice(0, tables.length).every((l) => /^ok \d+$/.test(l)), lines.join('\n')).toBe(true);
      expect(lines.slice(tables.length, -1)).toEqual(Array(2).fill(`error ${SEARCH_TABLE_ERROR.booleans}`));
    }
  }, 300_000);
});

// ---------------------------------------------------------------- the clause proof
describe('proof testbench (hdl/rtl/search_clause_check.v)', () => {
  let tb = '';
  beforeAll(() => {
    execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), 'search_clause_check'], { stdio: ['ignore', 'ignore', 'inherit'] });
    tb = join(ROOT, 'build/tb/search_clause_check/Vsearch_clause_check');
  }, 300_000);

  it('agrees with a recount (ranges and clauses) on random tables and states, within num_vars + num_literals + num_clauses + 6 cycles, and resets mid-check', () => {
    for (const seed of [1, 2, 3]) {
      const r = spawnSync(tb, ['2000', String(seed)], { encoding: 'utf8' });
      const lines = r.stdout.trim().split('\n');
      expect(lines.at(-1), r.stdout).toBe('PASS');
      expect(r.status).toBe(0);
      // Both outcomes and the reset were exercised.
      const m = /(\d+) satisfied, (\d+) refused, (\d+) reset midway/.exec(r.stdout)!;
      expect(Number(m[1])).toBeGreaterThan(200);
      expect(Number(m[2])).toBeGreaterThan(200);
      expect(Number(m[3])).toBeGreaterThan(20);
    }
  }, 120_000);
});
