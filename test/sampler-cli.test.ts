// `hilsolve sample`: output lines parse as assignments with the right names and value types per
// format, the seed fixes the output, --stats reports the accepted share, bad input exits 2.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './helpers/run-cli.ts';

function lines(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('hilsolve sample', { timeout: 60_000 }, () => {
  it('prints CNF candidates as variable numbers with boolean values', async () => {
    const r = await runCli(['sample', join(FIXTURES, 'uf20-91.cnf'), '--count', '12', '--seed', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(12);
    for (const a of out) {
      expect(Object.keys(a).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
      for (const v of Object.values(a)) expect(typeof v).toBe('boolean');
    }
    expect(new Set(r.stdout.trim().split('\n')).size).toBe(12);
  });

  it('prints colourings as vertex numbers with colours 0..K-1', async () => {
    const r = await runCli(['sample', join(FIXTURES, 'flat50-3.col'), '--colors', '3', '--count', '5']);
    expect(r.code).toBe(0);
    for (const a of lines(r.stdout)) {
      expect(Object.keys(a)).toHaveLength(50);
      expect(a['1']).toBeDefined();
      expect(a['50']).toBeDefined();
      for (const v of Object.values(a)) expect([0, 1, 2]).toContain(v);
    }
  });

  it('prints JSON problems by variable name, gives the same output for the same seed, and reports --stats', async () => {
    const args = ['sample', join(FIXTURES, '8-queens.json'), '--count', '300', '--seed', '9', '--stats'];
    const a = await runCli(args);
    const b = await runCli(args);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const out = lines(a.stdout);
    expect(out).toHaveLength(300);
    for (const q of out) {
      expect(Object.keys(q)).toEqual(Array.from({ length: 8 }, (_, i) => `q[${i}]`));
      for (const v of Object.values(q)) expect(Number.isInteger(v) && (v as number) >= 0 && (v as number) < 8).toBe(true);
    }
    expect(a.stderr).toMatch(/^accepted by the reference checker: \d+ of 300 \(\d+\.\d\d%\)\n/);
    const c = await runCli(['sample', join(FIXTURES, '8-queens.json'), '--count', '300', '--seed', '10']);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('exits 2 with a clear message on a bad model, a bad option or a bad file', async () => {
    const model = await runCli(['sample', join(FIXTURES, '8-queens.json'), '--model', join(FIXTURES, 'uf20-91.cnf')]);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/uf20-91\.cnf cannot be loaded by onnxruntime/);
    const count = await runCli(['sample', join(FIXTURES, '8-queens.json'), '--count', 'many']);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/--count must be a whole number/);
    const temp = await runCli(['sample', join(FIXTURES, '8-queens.json'), '--temperature=0']);
    expect(temp.code).toBe(2);
    expect(temp.stderr).toMatch(/--temperature must be a number/);
    const missing = await runCli(['sample', join(FIXTURES, 'nope.cnf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.cnf: cannot read: no such file/);
  });
});
