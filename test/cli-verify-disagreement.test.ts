// `hilsolve verify` must treat a disagreement between the program checker and the model checker
// as an internal error (exit 3), never as a verdict. A program checker that always says "ok"
// stands in for a broken one; the model checker stays real.

import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { FIXTURES, runCli } from './helpers/run-cli.ts';

vi.mock('../src/check/program-checker.ts', () => ({
  checkProgram: () => ({ ok: true, violated: [], count: 0 }),
}));

describe('hilsolve verify with checkers that disagree', () => {
  it('exits 3 naming both verdicts', async () => {
    const r = await runCli(['verify', join(FIXTURES, 'sudoku-easy.json'), join(FIXTURES, 'sudoku-hard.solution.json')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hilsolve verify: internal error: the program checker reports \[\], the model checker \[\d+(, \d+)*\]\n$/);
  });

  it('still exits 0 when both agree on a correct solution', async () => {
    const r = await runCli(['verify', join(FIXTURES, 'uf20-91.cnf'), join(FIXTURES, 'uf20-91.sol')]);
    expect(r.code).toBe(0);
  });
});
