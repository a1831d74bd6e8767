// `hilsolve solve` on an optimisation problem (a JSON objective), in-process on the simulator:
// every improving solution is printed, the summary says OPTIMAL with the brute-force optimum and
// the exit status is 0; with the device alone (--no-tree) nothing can prove optimality: the best
// found is SATISFIED, "not proven optimal", exit 5.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/run-cli.ts';

const W = [4, 6, 3, 7, 5, 2, 8, 6];
const V = [7, 9, 4, 12, 8, 3, 13, 9];
const CAP = 20;
const file = join(mkdtempSync(join(tmpdir(), 'optimise-cli-')), 'knapsack.json');
writeFileSync(file, JSON.stringify({
  name: 'knapsack',
  variables: [{ name: 'take', size: W.length, domain: 'bool' }],
  constraints: [{ type: 'linear', terms: W.map((coef, i) => ({ coef, var: `take[${i}]` })), op: '<=', rhs: CAP }],
  objective: { sense: 'minimize', terms: V.map((coef, i) => ({ coef: -coef, var: `take[${i}]` })) },
}));

function optimum(): number {
  let best = 0;
  for (let m = 0; m < 1 << W.length; m++) {
    const t = W.map((_, i) => (m >> i) & 1);
    if (t.reduce((s, x, i) => s + x * W[i]!, 0) <= CAP) best = Math.min(best, -t.reduce((s, x, i) => s + x * V[i]!, 0));
  }
  return best;
}

describe('hilsolve solve with an objective', () => {
  it('prints every improving solution, OPTIMAL at the optimum, exit 0', () => {
    const r = spawnCli(['solve', file, '--seed', '3', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ outcome: 'OPTIMAL', stopReason: 'optimal' });
    const values = (job.solutions as { assignment: Record<string, boolean> }[]).map((s) => -V.reduce((sum, v, i) => sum + (s.assignment[`take[${i}]`] ? v : 0), 0));
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThan(values[i - 1]!);
    expect(values.at(-1)).toBe(optimum());
    const pretty = spawnCli(['solve', file, '--seed', '3']);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toMatch(new RegExp(`knapsack: OPTIMAL: \\d+ improving solutions?, objective ${optimum()} is the best value: `));
  }, 120_000);

  it('the device alone cannot prove it: SATISFIED, not proven optimal, exit 5', () => {
    const r = spawnCli(['solve', file, '--seed', '3', '--no-tree', '--time-limit', '1500']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toMatch(/knapsack: SATISFIED: \d+ improving solutions?, the last not proven optimal: (the time limit ran out|no solution left)/);
  }, 120_000);
});
