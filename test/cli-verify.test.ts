import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FIXTURES, runCli, spawnCli } from './helpers/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hilsolve-cli-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fixture = (name: string) => join(FIXTURES, name);

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** Clauses of a DIMACS file, read naively (one clause per line), to check verify independently. */
function naiveClauses(path: string): number[][] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => /^-?[0-9]/.test(l)).map((l) => l.trim().split(/\s+/).map(Number).slice(0, -1));
}

function plantedCnf(path: string): Map<number, boolean> {
  const lits = readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('v ')).flatMap((l) => l.slice(2).trim().split(/\s+/).map(Number));
  return new Map(lits.filter((l) => l !== 0).map((l) => [Math.abs(l), l > 0]));
}

/** Listed violations: [index, rendering] pairs from verify's output. */
function violations(stdout: string): [number, string][] {
  return [...stdout.matchAll(/^ {2}#(\d+) {2}(.*)$/gm)].map((m) => [Number(m[1]), m[2]!]);
}

describe('hilsolve verify: satisfied', () => {
  it.each([
    [['8-queens.json', '8-queens.solution.json'], 3],
    [['sudoku-easy.json', 'sudoku-easy.solution.json'], 27 + 30 + 81],
    [['sudoku-medium.json', 'sudoku-medium.solution.json'], undefined],
    [['sudoku-hard.json', 'sudoku-hard.solution.json'], undefined],
    [['uf20-91.cnf', 'uf20-91.sol'], 91],
    [['uf50-218.cnf', 'uf50-218.sol'], 218],
    [['uf250-1065.cnf', 'uf250-1065.sol'], 1065],
    [['flat50-3.col', 'flat50-3.sol', '--colors', '3'], 115 + 50],
    [['flat100-3.col', 'flat100-3.sol', '--colors', '3'], 230 + 100],
  ])('%j', async ([problem, solution, ...rest], total) => {
    const r = await runCli(['verify', fixture(problem!), fixture(solution!), ...rest]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(total === undefined ? /^ok: the solution satisfies all \d+ constraints\n$/ : new RegExp(`^ok: the solution satisfies all ${total} constraints\n$`));
  });

  it('accepts a colouring as a JSON array and a CNF solution as a rendered object', async () => {
    const colours = readFileSync(fixture('flat50-3.sol'), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]));
    const array = write('colours.json', JSON.stringify(colours));
    expect((await runCli(['verify', fixture('flat50-3.col'), array, '--colors', '3'])).code).toBe(0);
    const planted = plantedCnf(fixture('uf20-91.sol'));
    const object = write('cnf.json', JSON.stringify(Object.fromEntries(planted)));
    expect((await runCli(['verify', fixture('uf20-91.cnf'), object])).code).toBe(0);
  });
});

describe('hilsolve verify: violated', () => {
  it('names the violated queens constraint', async () => {
    const diagonal = write('diag.json', JSON.stringify(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`q[${i}]`, i]))));
    const r = await runCli(['verify', fixture('8-queens.json'), diagonal]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('violated: 1 of 3 constraints');
    expect(violations(r.stdout)).toEqual([[2, 'allDifferent(q[0], q[1] - 1, q[2] - 2, q[3] - 3, q[4] - 4, q[5] - 5, q[6] - 6, q[7] - 7)']]);
  });

  it('lists exactly the clauses a flipped variable breaks', async () => {
    const planted = plantedCnf(fixture('uf50-218.sol'));
    planted.set(7, !planted.get(7));
    planted.set(30, !planted.get(30));
    const clauses = naiveClauses(fixture('uf50-218.cnf'));
    const broken = clauses.flatMap((c, j) => (c.some((l) => planted.get(Math.abs(l)) === l > 0) ? [] : [j]));
    expect(broken.length).toBeGreaterThan(0);
    const lines = [...planted].map(([v, t]) => `v ${t ? v : -v}`).join('\n');
    const r = await runCli(['verify', fixture('uf50-218.cnf'), write('flipped.sol', `s SATISFIABLE\n${lines}\nv 0\n`)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`violated: ${broken.length} of 218 constraints`);
    const listed = violations(r.stdout);
    expect(listed.map(([j]) => j)).toEqual(broken);
    for (const [j, text] of listed) {
      const expected = clauses[j]!.map((l) => (l > 0 ? `${l}` : `¬${-l}`)).join(' ∨ ');
      expect(text).toBe(`clause (${expected})`);
    }
  });

  it('lists a clashing edge and a colour outside the domain', async () => {
    const colours = readFileSync(fixture('flat50-3.sol'), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]));
    const edges = readFileSync(fixture('flat50-3.col'), 'utf8').split('\n').filter((l) => l.startsWith('e ')).map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
    const [u, v] = edges[0]!;
    colours[u - 1] = colours[v - 1]!;
    colours[9] = 3;
    const clashes = edges.flatMap(([a, b], j) => (colours[a - 1] === colours[b - 1] ? [[j, `${a} != ${b}`]] : []));
    const r = await runCli(['verify', fixture('flat50-3.col'), write('bad.sol', colours.map((c, i) => `v ${i + 1} ${c}`).join('\n')), '--colors', '3']);
    expect(r.code).toBe(1);
    expect(violations(r.stdout)).toEqual([...clashes, [115 + 9, 'domain of 10: 0..2']]);
  });

  it('reports an unsatisfiable problem and what the solution breaks', async () => {
    const loop = write('loop.col', 'p edge 3 3\ne 1 2\ne 2 3\ne 3 3\n');
    const r = await runCli(['verify', loop, write('loop.sol', 'v 1 0\nv 2 0\nv 3 1\n'), '--colors', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the problem is unsatisfiable: constraint 2');
    expect(violations(r.stdout)).toEqual([[0, '1 != 2'], [2, '3 != 3']]);
  });

  it('runs as a real process: 0 for the planted solution, 1 for a broken one', () => {
    expect(spawnCli(['verify', fixture('uf20-91.cnf'), fixture('uf20-91.sol')]).code).toBe(0);
    const r = spawnCli(['verify', fixture('sudoku-easy.json'), fixture('sudoku-hard.solution.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}#\d+ {2}clause \(cell\[\d+\] = \d\)$/m);
  });
});

describe('hilsolve verify: unusable input', () => {
  it.each([
    ['8-queens.json', 'q.json', '{"q[0]": 9}', '$: no value for 7 variables: q[1], q[2]'],
    ['8-queens.json', 'q.json', JSON.stringify(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`q[${i}]`, i === 3 ? 8 : 0]))), 'variable q[3]: value 8 is outside its domain 0..7'],
    ['uf20-91.cnf', 'x.sol', 'v 1 2 3\nv 21 0\n', 'x.sol: line 2, column 3: literal 21 names variable 21, but the problem has 20 variables'],
    ['uf20-91.cnf', 'x.sol', 's UNSATISFIABLE\n', 'x.sol: line 1, column 1: the solution reports "UNSATISFIABLE"'],
    ['8-queens.json', 'x.sol', 'v 1 0\n', 'x.sol: a solution of a JSON problem is a JSON object'],
  ])('%s with %s %j', async (problem, name, text, message) => {
    const r = await runCli(['verify', fixture(problem), write(name, text)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('needs both operands', async () => {
    const r = await runCli(['verify', fixture('uf20-91.cnf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected FILE SOLUTION, got 1 operand');
  });
});
