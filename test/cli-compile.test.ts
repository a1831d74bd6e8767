import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { compileSearchTables, searchImageBytes } from '../src/model/search-tables.ts';
import type { ProgramSummary } from '../src/cli/commands/compile.ts';
import { FIXTURES, runCli, spawnCli } from './helpers/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hilsolve-cli-compile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function summary(args: string[]) {
  const r = await runCli(['compile', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ProgramSummary;
}

describe('hilsolve compile', () => {
  it('summarises a JSON problem', async () => {
    const s = await summary([join(FIXTURES, '8-queens.json')]);
    const program = compile(parseProblem(readFileSync(join(FIXTURES, '8-queens.json')), { format: 'json' }));
    const tables = compileSearchTables(parseProblem(readFileSync(join(FIXTURES, '8-queens.json')), { format: 'json' }));
    expect(s).toEqual({
      name: '8-queens', format: 'json', variables: 8, constraints: 3, domainChecks: 0,
      words: program.words.length, programBytes: program.words.length * 3 + 4, candidateBits: 24, candidateBytes: 3,
      // Every allDifferent is searched, so a search job's program is empty: 4 width bytes.
      search: {
        clauses: tables.numClauses, literals: tables.numLiterals, searched: 3, checkedOnly: {},
        tableBytes: searchImageBytes(tables).reduce((n, e) => n + e.bytes.length, 0), programWords: 0, programBytes: 4,
      },
    });
    expect(program.words.length).toBeGreaterThanOrEqual(3); // ADIFF words of 3 bytes on the wire, 4 width bytes
  });

  it('summarises CNF: one bit per variable', async () => {
    const s = await summary([join(FIXTURES, 'uf250-1065.cnf')]);
    expect(s).toMatchObject({ name: 'uf250-1065.cnf', format: 'cnf', variables: 250, constraints: 1065, domainChecks: 0, candidateBits: 250, candidateBytes: 32 });
  });

  it('summarises a colouring: two bits and a domain check per vertex for 3 colours', async () => {
    const s = await summary([join(FIXTURES, 'flat50-3.col'), '--colors', '3']);
    expect(s).toMatchObject({ format: 'col', variables: 50, constraints: 115, domainChecks: 50, candidateBits: 100, candidateBytes: 13 });
  });

  it('says which constraints device search leaves to the validator, and what a search job loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hilsolve-compile-'));
    const file = join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify({
      variables: [{ name: 'x', domain: [0, 3] }, { name: 'y', domain: [0, 3] }, { name: 'z', domain: [0, 3] }],
      constraints: [{ type: 'compare', x: 'x', op: '!=', y: 'y' }, { type: 'linear', terms: [{ coef: 1, var: 'x' }, { coef: 1, var: 'y' }, { coef: 1, var: 'z' }], op: '<=', rhs: 5 }],
    }));
    const s = await summary([file]);
    expect(s.search).toMatchObject({ searched: 1, checkedOnly: { 'not-searched': 1 } });
    expect(s.search.programWords).toBeGreaterThan(0);
    expect(s.search.programWords).toBeLessThan(s.words);
    const r = await runCli(['compile', file]);
    expect(r.stdout).toMatch(/^search +\d+ clauses, \d+ literals, \d+ bytes; 1 constraint searched, checked only: 1 not-searched$/m);
  });

  it('prints a readable summary without --json', async () => {
    const r = await runCli(['compile', join(FIXTURES, 'uf20-91.cnf')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^problem +uf20-91\.cnf \(cnf\)$/m);
    expect(r.stdout).toMatch(/^variables +20$/m);
    expect(r.stdout).toMatch(/^constraints +91 \+ 0 domain checks = 91$/m);
    expect(r.stdout).toMatch(/^candidate +20 bits, 3 bytes$/m);
  });

  it('takes --format over the extension, and needs it when the extension says nothing', async () => {
    const path = join(tmp, 'problem.txt');
    copyFileSync(join(FIXTURES, 'uf20-91.cnf'), path);
    expect((await summary([path, '--format', 'cnf'])).constraints).toBe(91);
    const r = await runCli(['compile', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot tell the format of ${path} from its name: use --format json|cnf|col`);
    const bad = await runCli(['compile', path, '--format', 'sat']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown format "sat" (expected json, cnf, col, fzn)');
  });

  it('exits 1 for a problem proven unsatisfiable while compiling (a self-loop)', async () => {
    const path = join(tmp, 'loop.col');
    writeFileSync(path, 'p edge 3 3\ne 1 2\ne 2 3\ne 3 3\n');
    const r = await runCli(['compile', path, '--colors', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}: unsatisfiable: constraint 2`);
  });

  it.each([
    [[], 'expected FILE, got 0 operands'],
    [['a.cnf', 'b.cnf'], 'expected FILE, got 2 operands'],
    [['a.cnf', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['a.cnf', '--colors', 'three'], '--colors must be an integer in 1..256, got "three"'],
  ])('refuses usage %j with the usage text', async (args, message) => {
    const r = await runCli(['compile', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: hilsolve compile FILE');
  });

  it('refuses missing files, directories and colours for CNF', async () => {
    const missing = await runCli(['compile', join(tmp, 'nope.cnf')]);
    expect([missing.code, missing.stderr]).toEqual([2, `hilsolve compile: ${join(tmp, 'nope.cnf')}: cannot read: no such file\n`]);
    const dir = await runCli(['compile', tmp, '--format', 'cnf']);
    expect([dir.code, dir.stderr]).toEqual([2, `hilsolve compile: ${tmp}: not a regular file\n`]);
    const colours = await runCli(['compile', join(FIXTURES, 'uf20-91.cnf'), '--colors', '3']);
    expect(colours.code).toBe(2);
    expect(colours.stderr).toContain('the number of colours applies to .col problems only, not to cnf');
  });

  it('runs as a real process with --help and with a problem', () => {
    const help = spawnCli(['compile', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: hilsolve compile FILE');
    const r = spawnCli(['compile', join(FIXTURES, 'flat100-3.col'), '--colors', '3', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ variables: 100, constraints: 230, domainChecks: 100 });
  });
});
