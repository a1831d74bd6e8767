// The complete tree search (src/propagate/tree.ts). NEVER A WRONG UNSAT: on 500 small random
// instances, satisfiable and not (uniform 3-SAT at the threshold against CaDiCaL; random graph
// colourings, Latin squares with givens and random CSPs of every constraint type against Gecode
// through MiniZinc), the verdict must agree with the independent solver, under four search
// settings in turn (default, aggressive restarts so that nogoods do the work, no restarts, a
// random prior). Every SAT answer passes the reference model checker. Then the API's
// promises: sudokus (the instances and two without a solution), slices, limits,
// enumeration of every solution, open sub-problems that cover every remaining solution.

import { beforeAll, describe, expect, it } from 'vitest';
import { sudokuModel } from '../bench/gen/sudoku.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';
import type { Constraint, Model } from '../src/model/types.ts';
import { maskHas, maskOf, modelDomains } from '../src/propagate/domains.ts';
import { TreeSearch } from '../src/propagate/tree.ts';
import type { TreeResult, TreeSearchOptions } from '../src/propagate/tree-options.ts';
import { allSolutions, randomCnf, randomGraph } from './helpers/brute-force.ts';
import { cadical, gecode, pool, requirePeers, type PeerVerdict } from './helpers/peer-solvers.ts';
import { randomModel } from './helpers/random-model.ts';

/** The four settings the cross-check cycles through. */
function settings(k: number, model: Model, rng: Prng): TreeSearchOptions {
  switch (k % 4) {
    case 0: return {};
    case 1: return { restartBase: 2, restartGrowth: 1.1 };
    case 2: return { restarts: false };
    default: {
      const stride = Math.max(...model.variables.map((v) => v.size));
      return { prior: { scores: Float64Array.from({ length: stride * model.variables.length }, () => rng.next()), stride }, restartBase: 8 };
    }
  }
}

/** Our verdict, with every SAT answer checked by the reference checker. */
function solve(model: Model, options: TreeSearchOptions): { verdict: PeerVerdict; result: TreeResult } {
  const result = new TreeSearch(model, options).run({ maxNodes: 2_000_000 });
  if (result.status === 'unknown') throw new Error(`tree search gave up after ${result.stats.nodes} nodes`);
  if (result.status === 'sat') {
    expect(checkModel(model, result.indices).ok).toBe(true);
    expect(result.values).toEqual(result.indices.map((i, v) => model.variables[v]!.min + i));
  }
  return { verdict: result.status, result };
}

function latinSquare(rng: Prng, n: number): Model {
  const constraints: Constraint[] = [];
  for (let r = 0; r < n; r++) {
    const row = Array.from({ length: n }, (_, c) => r * n + c);
    const col = Array.from({ length: n }, (_, c) => c * n + r);
    constraints.push({ type: 'allDifferent', vars: row, offsets: row.map(() => 0) }, { type: 'allDifferent', vars: col, offsets: col.map(() => 0) });
  }
  for (let cell = 0; cell < n * n; cell++) {
    if (rng.next() < 0.3) constraints.push({ type: 'clause', literals: [{ var: cell, values: [1 + rng.int(n)], negated: false }] });
  }
  return {
    format: 'json', meta: { name: `latin${n}` }, constraints,
    variables: Array.from({ length: n * n }, (_, i) => ({ name: `c${i}`, min: 1, size: n, allowed: new Array<boolean>(n).fill(true), kind: 'int' as const })),
  };
}

describe('tree search: never a wrong UNSAT (cross-checked against CaDiCaL and Gecode)', () => {
  beforeAll(() => requirePeers());

  it('300 uniform random 3-SAT instances, 20..50 variables at 4.26 clauses per variable', async () => {
    const rng = new Prng(1401);
    const cases = Array.from({ length: 300 }, (_, k) => {
      const vars = 20 + rng.int(31);
      const cnf = randomCnf(rng, vars, Math.round(vars * (4.0 + rng.next() * 0.5)));
      return { k, cnf, model: parseProblem(cnf, { format: 'cnf' }) };
    });
    const peer = await pool(cases.map((c) => () => cadical(c.cnf)));
    const tally = { sat: 0, unsat: 0, nodes: 0, nogoods: 0 };
    for (const c of cases) {
      const { verdict, result } = solve(c.model, settings(c.k, c.model, rng));
      expect(verdict, `instance ${c.k} (settings ${c.k % 4}):\n${c.cnf}`).toBe(peer[c.k]);
      tally[verdict]++;
      tally.nodes += result.stats.nodes;
      tally.nogoods += result.stats.nogoods;
    }
    expect(tally.sat).toBeGreaterThan(60);
    expect(tally.unsat).toBeGreaterThan(60);
    expect(tally.nogoods).toBeGreaterThan(100);
  });

  it('200 CSPs: random colourings, Latin squares with givens, random models of every constraint type', async () => {
    const rng = new Prng(1402);
    const cases = Array.from({ length: 200 }, (_, k) => {
      let model: Model;
      if (k % 3 === 0) {
        const colors = 3 + (k % 2);
        const vertices = 8 + rng.int(13);
        const edges = Math.min(Math.round(vertices * (colors === 3 ? 2.35 : 4.2) * (0.8 + 0.4 * rng.next())), (vertices * (vertices - 1)) / 2);
        model = parseProblem(randomGraph(rng, vertices, edges), { format: 'col', colors });
      } else if (k % 3 === 1) {
        model = latinSquare(rng, 4 + rng.int(3));
      } else {
        model = randomModel(rng, { maxDomainSize: 8, variables: 4 + rng.int(7), constraints: 2 + rng.int(7) });
      }
      return { k, model };
    });
    const peer = await pool(cases.map((c) => () => gecode(c.model)));
    const tally = { sat: 0, unsat: 0 };
    for (const c of cases) {
      const { verdict } = solve(c.model, settings(c.k, c.model, rng));
      expect(verdict, `instance ${c.k} (settings ${c.k % 4}): ${JSON.stringify(c.model.constraints).slice(0, 2000)}`).toBe(peer[c.k]);
      tally[verdict]++;
    }
    expect(tally.sat).toBeGreaterThan(40);
    expect(tally.unsat).toBeGreaterThan(40);
  });
});

describe('tree search: sudokus', () => {
  // ../shared/instances/sudoku/*.json (MANIFEST.md: Norvig's lists via
  // ojizosan/sudoku-solver-go@36b1726a6a09b232b1479735889f558c447e33c6, hardest.txt and top95.txt)
  // are these grids in the shape bench/gen/sudoku.ts builds.
  const GRIDS: Record<string, string> = {
    'top95-01': '4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......',
    'top95-02': '52...6.........7.13...........4..8..6......5...........418.........3..2...87.....',
    'hardest-01': '85...24..72......9..4.........1.7..23.5...9...4...........8..7..17..........36.4.',
    'hardest-02': '..53.....8......2..7..1.5..4....53...1..7...6..32...8..6.5....9..4....3......97..',
    'hardest-03': '12..4......5.69.1...9...5.........7.7...52.9..3......2.9.6...5.4..9..8.1..3...9.4',
    'hardest-04': '...57..3.1......2.7...234......8...4..7..4...49....6.5.42...3.....7..9....18.....',
    'hardest-05': '7..1523........92....3.....1....47.8.......6............9...5.6.4.9.7...8....6.1.',
  };

  it('solves the issue\'s hardest and top95 sudokus', () => {
    for (const [name, grid] of Object.entries(GRIDS)) {
      const model = sudokuModel(grid, name);
      const r = new TreeSearch(model).run({ maxNodes: 100_000 });
      expect(r.status, name).toBe('sat');
      if (r.status === 'sat') expect(checkModel(model, r.indices).ok).toBe(true);
    }
  });

  it('proves UNSAT at the root when two givens in one row are equal', () => {
    const r = new TreeSearch(sudokuModel('11' + '.'.repeat(79))).run();
    expect(r).toMatchObject({ status: 'unsat', proof: 'root' });
  });

  it('proves UNSAT for a sudoku with no solution but no immediate conflict', () => {
    // hardest-01 has one solution; one more given that disagrees with it but conflicts with no
    // given in its row, column or box leaves none.
    const grid = GRIDS['hardest-01']!;
    const solved = new TreeSearch(sudokuModel(grid)).run();
    expect(solved.status).toBe('sat');
    if (solved.status !== 'sat') return;
    const cell = grid.indexOf('.');
    const row = Math.floor(cell / 9);
    const col = cell % 9;
    const box = (i: number) => 3 * Math.floor(Math.floor(i / 9) / 3) + Math.floor((i % 9) / 3);
    const peers = [...grid].flatMap((ch, i) => (ch !== '.' && (Math.floor(i / 9) === row || i % 9 === col || box(i) === box(cell)) ? [Number(ch)] : []));
    const digit = [1, 2, 3, 4, 5, 6, 7, 8, 9].find((d) => d !== solved.values[cell] && !peers.includes(d))!;
    const model = sudokuModel(grid.slice(0, cell) + digit + grid.slice(cell + 1));
    const r = new TreeSearch(model).run();
    expect(r.status).toBe('unsat');
  });
});

describe('tree search: API', () => {
  const cnfModel = (seed: number, vars: number, clauses: number) => parseProblem(randomCnf(new Prng(seed), vars, clauses), { format: 'cnf' });

  it('slices of one node each give the same search as one run', () => {
    for (const seed of [1, 2, 3, 4]) {
      const model = cnfModel(seed, 40, 172);
      const whole = new TreeSearch(model).run();
      const sliced = new TreeSearch(model);
      let r: TreeResult;
      let calls = 0;
      do { r = sliced.run({ maxNodes: 1 }); calls++; } while (r.status === 'unknown');
      expect(r.status).toBe(whole.status);
      expect(r.stats).toEqual(whole.stats);
      expect(calls).toBeGreaterThan(whole.stats.nodes / 2);
    }
  });

  it('stops at a deadline (caller\'s clock), at an abort, at a node limit, and resumes', () => {
    const model = cnfModel(9, 50, 213);
    let clock = 0;
    const t = new TreeSearch(model, { restarts: false });
    const timed = t.run({ deadline: 5, now: () => clock++, checkEvery: 1 });
    expect(timed).toMatchObject({ status: 'unknown', limit: 'time' });
    const controller = new AbortController();
    controller.abort();
    expect(t.run({ signal: controller.signal })).toMatchObject({ status: 'unknown', limit: 'aborted' });
    expect(t.run({ maxNodes: 3 })).toMatchObject({ status: 'unknown', limit: 'nodes' });
    const done = t.run();
    expect(['sat', 'unsat']).toContain(done.status);
    expect(done.status).toBe(new TreeSearch(model, { restarts: false }).run().status);
    expect(() => t.run({ deadline: 1 })).toThrow(/now/);
  });

  it('enumerates every solution exactly once, with and without restarts', () => {
    const rng = new Prng(77);
    let models = 0;
    while (models < 150) {
      const model = randomModel(rng, { maxDomainSize: 6, variables: 2 + rng.int(4), constraints: 1 + rng.int(3) });
      const truth = allSolutions(model, 5000);
      if (!truth) continue;
      models++;
      const t = new TreeSearch(model, models % 2 ? { restartBase: 1, restartGrowth: 1.05 } : {});
      const found = new Set<string>();
      for (let r = t.run(); r.status !== 'unsat'; r = t.run()) {
        expect(r.status).toBe('sat');
        if (r.status !== 'sat') break;
        const key = r.indices.join(',');
        expect(found.has(key), `repeated ${key}`).toBe(false);
        found.add(key);
      }
      expect([...found].sort()).toEqual(truth.map((s) => s.join(',')).sort());
      expect(t.stats.solutions).toBe(truth.length);
    }
  });

  it('open sub-problems cover every solution not yet found, within the root domains', () => {
    const rng = new Prng(78);
    let covered = 0;
    for (let k = 0; k < 200; k++) {
      const model = randomModel(rng, { maxDomainSize: 6, variables: 3 + rng.int(4), constraints: 1 + rng.int(3) });
      const truth = allSolutions(model, 20_000);
      if (!truth) continue;
      const t = new TreeSearch(model, { restarts: false });
      const first = t.run({ maxNodes: 1 + rng.int(6) });
      const open = t.frontier(1000);
      const found = first.status === 'sat' ? first.indices.join(',') : '';
      if (first.status !== 'unknown' && first.status !== 'sat') { expect(open).toEqual([]); continue; }
      for (const sol of truth) {
        if (sol.join(',') === found) continue;
        expect(open.some((o) => sol.every((i, v) => maskHas(o.domains[v]!, i))), `solution ${sol} not covered`).toBe(true);
        covered++;
      }
      const root = modelDomains(model);
      for (const o of open) expect(o.domains.every((m, v) => m.every((w, j) => (w & ~root[v]![j]!) === 0))).toBe(true);
    }
    expect(covered).toBeGreaterThan(100);
  });

  it('follows the prior: scores pointing at a solution reach it without a failure', () => {
    const model = cnfModel(21, 50, 200);
    const truth = new TreeSearch(model).run();
    expect(truth.status).toBe('sat');
    if (truth.status !== 'sat') return;
    const scores = new Float64Array(2 * 50);
    truth.indices.forEach((i, v) => { scores[2 * v + i] = 1; });
    const guided = new TreeSearch(model, { prior: { scores, stride: 2 } }).run();
    expect(guided.status).toBe('sat');
    expect(guided.stats.failures).toBe(0);
  });

  it('searches a sub-problem given as root domains', () => {
    const model = cnfModel(22, 30, 120);
    const r = new TreeSearch(model).run();
    if (r.status !== 'sat') return;
    // Forbid the value the solution gives variable 0: any answer must respect that.
    const domains = modelDomains(model);
    domains[0] = maskOf(2, [1 - r.indices[0]!]);
    const sub = new TreeSearch(model, { domains }).run();
    if (sub.status === 'sat') expect(sub.indices[0]).toBe(1 - r.indices[0]!);
    expect(() => new TreeSearch(model, { restartGrowth: 1 })).toThrow(/restartGrowth/);
  });
});
