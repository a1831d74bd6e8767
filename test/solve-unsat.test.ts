// Proofs of no solution and structured problems, end to end through `hilsolve solve` (in-process
// one-shot solve on a fresh Verilator simulator, src/cli/direct-solve.ts): root propagation and
// the host's complete tree search beside the device (src/solve/tree-companion.ts). Instances from
// /work/shared/instances (test/fixtures/instances/SOURCES.md); every solution must be one the
// device proved (stats.proven) and that satisfies the sudoku here too.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProblem } from '../src/model/parse.ts';
import { TreeSearch } from '../src/propagate/index.ts';
import { FIXTURES, spawnCli } from './helpers/run-cli.ts';

const DIR = join(FIXTURES, 'instances');
const TMP = mkdtempSync(join(tmpdir(), 'hilsolve-unsat-'));

interface Job {
  outcome: string; stopReason: string; detail: string | null;
  stats: { proven: number; deviceFaults: number; treeNodes?: number; proof?: string; elapsedMs: number };
  solutions: { assignment: Record<string, number> }[];
}

function solve(file: string, extra: string[] = []): { code: number; job: Job; ms: number } {
  const t0 = Date.now();
  const r = spawnCli(['solve', file, '--output', 'json', '--time-limit', '30000', ...extra]);
  return { code: r.code, job: JSON.parse(r.stdout) as Job, ms: Date.now() - t0 };
}

type Sudoku = { name: string; variables: unknown[]; constraints: { type: string; literals?: { var: string; op: string; value: number }[] }[] };
const sudoku = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Sudoku;
const given = (cell: number, value: number) => ({ type: 'clause', literals: [{ var: `cell[${cell}]`, op: '=', value }] });

function validGrid(a: Record<string, number>): boolean {
  const g = Array.from({ length: 81 }, (_, i) => a[`cell[${i}]`]!);
  const units: number[][] = [];
  for (let k = 0; k < 9; k++) {
    units.push([0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => 9 * k + j), [0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => 9 * j + k));
    units.push([0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => 9 * (3 * Math.floor(k / 3) + Math.floor(j / 3)) + 3 * (k % 3) + (j % 3)));
  }
  return g.every((v) => v >= 1 && v <= 9) && units.every((u) => new Set(u.map((i) => g[i])).size === 9);
}

describe('proven unsatisfiable on the simulator', () => {
  it.each([
    ['hole6.cnf', []],
    ['uuf50-01.cnf', []],
    ['uuf100-01.cnf', []],
    ['myciel3.col', ['--colors', '3']],
    ['queen5_5.col', ['--colors', '4']],
  ])('%s %s: UNSATISFIABLE within 30 s, exit 1', (name, extra) => {
    const { code, job, ms } = solve(join(DIR, name), extra);
    expect(job.outcome).toBe('UNSATISFIABLE');
    expect(job.stopReason).toBe('unsatisfiable');
    expect(job.stats.proof).toMatch(/^(root|search)$/);
    expect(job.detail).toMatch(/proved by (propagation|search)/);
    expect(job.solutions).toEqual([]);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(30_000);
  });
});

describe('validate mode and the service', () => {
  it('validate mode: the tree proves uuf50-01 unsatisfiable and solves hardest-01 with a device verdict', () => {
    const unsat = solve(join(DIR, 'uuf50-01.cnf'), ['--mode', 'validate']);
    expect(unsat.job).toMatchObject({ outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', stats: { proof: 'search' } });
    expect(unsat.code).toBe(1);
    const sat = solve(join(DIR, 'hardest-01.json'), ['--mode', 'validate']);
    expect(sat.job.outcome).toBe('SATISFIED');
    expect(sat.job.stats.proven).toBeGreaterThanOrEqual(1);
    expect(validGrid(sat.job.solutions[0]!.assignment)).toBe(true);
  });

  it('through the embedded service (API, queue, worker): the proof is in the job record and its stats', () => {
    const { code, job } = solve(join(DIR, 'queen5_5.col'), ['--colors', '4', '--embedded']);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'UNSATISFIABLE', stopReason: 'unsatisfiable', stats: { proof: 'search' } });
    expect(job.stats.treeNodes).toBeGreaterThan(0);
    expect(job.detail).toMatch(/proved by search: the tree was exhausted after \d+ nodes/);
    expect(code).toBe(1);
  });
});

describe('sudokus', () => {
  it.each(['top95-01.json', 'hardest-01.json'])('%s: solved within 10 s, the solution proven by the device', (name) => {
    const { code, job, ms } = solve(join(DIR, name));
    expect(code).toBe(0);
    expect(job.outcome).toBe('SATISFIED');
    expect(job.solutions).toHaveLength(1);
    expect(job.stats.proven).toBeGreaterThanOrEqual(1);
    expect(job.stats.deviceFaults).toBe(0);
    expect(validGrid(job.solutions[0]!.assignment)).toBe(true);
    expect(ms).toBeLessThan(10_000);
  });

  it('two equal givens in a row: UNSATISFIABLE by propagation', () => {
    const s = sudoku('top95-01.json'); // cell[0] = 4
    s.constraints.push(given(1, 4));
    const file = join(TMP, 'equal-givens.json');
    writeFileSync(file, JSON.stringify(s));
    const { code, job } = solve(file);
    expect(job.outcome).toBe('UNSATISFIABLE');
    expect(job.detail).toMatch(/proved by propagation/);
    expect(code).toBe(1);
  });

  it('no solution but no conflict among the givens: UNSATISFIABLE', () => {
    // top95-01 has one solution; give an empty cell a value that differs from it and from
    // every given in its row, column and box, so no two givens clash.
    const s = sudoku('top95-01.json');
    const file = join(TMP, 'wrong-given.json');
    writeFileSync(file, JSON.stringify(s));
    const model = parseProblem(readFileSync(file, 'utf8'), { format: 'json' });
    const r = new TreeSearch(model).run();
    if (r.status !== 'sat') throw new Error('top95-01 should have a solution');
    const givens = new Map(s.constraints.filter((c) => c.type === 'clause').map((c) => [Number(c.literals![0]!.var.slice(5, -1)), c.literals![0]!.value]));
    const peers = (i: number, j: number) => Math.floor(i / 9) === Math.floor(j / 9) || i % 9 === j % 9 ||
      (Math.floor(i / 27) === Math.floor(j / 27) && Math.floor((i % 9) / 3) === Math.floor((j % 9) / 3));
    let added = false;
    for (let cell = 0; cell < 81 && !added; cell++) {
      if (givens.has(cell)) continue;
      for (let value = 1; value <= 9 && !added; value++) {
        if (value === r.values[cell] || [...givens].some(([g, v]) => v === value && peers(g, cell))) continue;
        s.constraints.push(given(cell, value));
        added = true;
      }
    }
    expect(added).toBe(true);
    writeFileSync(file, JSON.stringify(s));
    const { code, job } = solve(file);
    expect(job.outcome).toBe('UNSATISFIABLE');
    expect(code).toBe(1);
  });
});

describe('--output competition', () => {
  it('exits 20 with s UNSATISFIABLE, 10 with s SATISFIABLE and v lines ending in 0', () => {
    const unsat = spawnCli(['solve', join(DIR, 'uuf50-01.cnf'), '--output', 'competition']);
    expect(unsat.code, unsat.stderr).toBe(20);
    expect(unsat.stdout).toMatch(/^s UNSATISFIABLE$/m);
    expect(unsat.stdout).not.toMatch(/^v /m);
    const sat = spawnCli(['solve', join(DIR, 'queen5_5.col'), '--colors', '5', '--output', 'competition']);
    expect(sat.code, sat.stderr).toBe(10);
    expect(sat.stdout).toMatch(/^s SATISFIABLE$/m);
    expect(sat.stdout).toMatch(/^v .* 0$/m);
  });

  it('exits 0 with s UNKNOWN when the limits run out first', () => {
    // hole8-sized pigeonhole: beyond what the tree proves in 0.3 s.
    const n = 9;
    const p = (i: number, h: number) => i * (n - 1) + h + 1;
    const clauses: string[] = [];
    for (let i = 0; i < n; i++) clauses.push(`${Array.from({ length: n - 1 }, (_, h) => p(i, h)).join(' ')} 0`);
    for (let h = 0; h < n - 1; h++) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) clauses.push(`-${p(i, h)} -${p(j, h)} 0`);
    const file = join(TMP, 'hole8.cnf');
    writeFileSync(file, `p cnf ${n * (n - 1)} ${clauses.length}\n${clauses.join('\n')}\n`);
    const r = spawnCli(['solve', file, '--output', 'competition', '--time-limit', '300']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^s UNKNOWN$/m);
  });
});
