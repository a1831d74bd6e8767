// `hilsolve solve FILE` runs in-process by default (src/cli/direct-solve.ts: no Redis, no HTTP)
// and through the whole local service with --embedded. Both run src/solve/run-solve.ts, so on the
// same problem and seed they must give the same answers, outcomes and exit codes; each run is a
// real `bin/hilsolve.js` process on its own simulator.

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, spawnCli } from './helpers/run-cli.ts';

interface JobJson {
  status: string;
  outcome: string;
  stopReason: string | null;
  solutions: { assignment: Record<string, unknown> }[];
  stats: { mode?: string; deviceFaults: number; treeNodes?: number; flips?: number };
}

const dir = mkdtempSync(join(tmpdir(), 'hilsolve-direct-'));
const unsat = join(dir, 'unsat.cnf');
writeFileSync(unsat, 'p cnf 1 2\n1 0\n-1 0\n');
const huge = join(dir, 'huge.cnf');
writeFileSync(huge, `p cnf 20000 2\n1 20000 0\n-1 -20000 0\n`);   // more variables than the simulator holds

/** Cases: arguments after `solve`, and what both paths must give. */
const CASES: { name: string; args: string[]; code: number }[] = [
  { name: 'uf20-91, search mode', args: [`${REPO_ROOT}examples/uf20-91.cnf`, '--seed', '3', '--mode', 'search'], code: 0 },
  { name: 'uf50-218, the device alone (--no-tree)', args: [`${FIXTURES}uf50-218.cnf`, '--seed', '2', '--mode', 'search', '--no-tree'], code: 0 },
  { name: '8-queens, 3 solutions, validate mode', args: [`${FIXTURES}8-queens.json`, '--seed', '5', '--solutions', '3', '--mode', 'validate'], code: 0 },
  { name: 'uf250-1065 within 100 ms: no solution, the time limit', args: [`${FIXTURES}uf250-1065.cnf`, '--seed', '1', '--time-limit', '100'], code: 4 },
  { name: 'a CNF unsatisfiable by propagation', args: [unsat, '--seed', '1'], code: 1 },
];

describe('hilsolve solve: in-process and through the embedded service', () => {
  for (const c of CASES) {
    it(`give the same answer, outcome and exit code: ${c.name}`, () => {
      const direct = spawnCli(['solve', ...c.args, '--output', 'json']);
      const service = spawnCli(['solve', ...c.args, '--output', 'json', '--embedded']);
      expect(direct.code, direct.stderr).toBe(c.code);
      expect(service.code, service.stderr).toBe(c.code);
      const a = JSON.parse(direct.stdout) as JobJson;
      const b = JSON.parse(service.stdout) as JobJson;
      for (const key of ['status', 'outcome', 'stopReason'] as const) expect(a[key], key).toBe(b[key]);
      expect(a.stats.mode).toBe(b.stats.mode);
      expect(a.stats.deviceFaults).toBe(0);
      if (c.args.includes('--no-tree')) {
        for (const job of [a, b]) expect(job.stats.treeNodes ?? 0, 'no tree search with --no-tree').toBe(0);
        expect(a.stats.flips).toBeGreaterThan(0);
      }
      expect(a.solutions.map((s) => s.assignment)).toEqual(b.solutions.map((s) => s.assignment));
    }, 120_000);
  }

  it('refuse a problem that fits no device with exit 2, naming the limit', () => {
    for (const extra of [[], ['--embedded']]) {
      const run = spawnCli(['solve', huge, ...extra]);
      expect(run.code, `${extra.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stdout + run.stderr).toMatch(/20000 variables|LIMIT_VARS|LIMIT_SEARCH_VARS/);
    }
  }, 120_000);

  it('refuses --embedded with --server, and bad input before starting anything', () => {
    const both = spawnCli(['solve', `${REPO_ROOT}examples/uf20-91.cnf`, '--embedded', '--server', 'http://127.0.0.1:1', '--api-key', 'k']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--embedded and --server exclude each other');
    const bad = spawnCli(['solve', join(dir, 'missing.cnf')]);
    expect(bad.code).toBe(2);
    const noModel = spawnCli(['solve', `${REPO_ROOT}examples/uf20-91.cnf`, '--model', join(dir, 'missing.onnx')]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('--model: no file');
    const remote = spawnCli(['solve', `${REPO_ROOT}examples/uf20-91.cnf`, '--model', `${REPO_ROOT}models/trained.onnx`, '--server', 'http://127.0.0.1:1', '--api-key', 'k']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('--model is for a solve in this process');
  });

  it('--model picks the prior: a broken model file fails the solve, the trained one solves', () => {
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not an ONNX model');
    const bad = spawnCli(['solve', `${REPO_ROOT}examples/uf20-91.cnf`, '--seed', '1', '--model', broken]);
    expect(bad.code, bad.stderr).not.toBe(0);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/model .*broken.onnx cannot be loaded/);
    const trained = spawnCli(['solve', `${REPO_ROOT}examples/uf20-91.cnf`, '--seed', '1', '--model', `${REPO_ROOT}models/trained.onnx`, '--output', 'json']);
    expect(trained.code, trained.stderr).toBe(0);
    const job = JSON.parse(trained.stdout) as JobJson;
    expect(job.solutions.length).toBe(1);
    expect(job.stats.deviceFaults).toBe(0);
  }, 120_000);
});
