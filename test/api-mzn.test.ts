// The API with real parts (Redis, a `hilsolve worker` process on its own Verilator simulation):
// MiniZinc models submitted as `format: "mzn"` (flattened on the API by the installed minizinc,
// with .dzn or JSON data; a model error is a 400 carrying MiniZinc's own message), and
// optimisation jobs: improving solutions in order, each checked here from the problem's
// definition, outcome OPTIMAL with the brute-force optimum, and SATISFIED, never OPTIMAL, when
// nothing can prove it (the device alone, without the host's tree search).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';

type Rendered = Record<string, number | boolean>;

let api: TestApi;
let worker: WorkerProcess;

beforeAll(async () => {
  api = await startApi(uniquePrefix('api-mzn'));
  worker = spawnWorker(api.prefix);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { devices } = (await api.app.inject({ url: '/v1/devices', headers: auth() })).json();
    if (devices.length > 0) break;
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`no device: ${worker.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 300_000);
afterAll(async () => {
  const code = await worker?.stop();
  await api?.close();
  expect(code).toBe(0);
});

const post = (body: object) => api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body });

async function solve(body: object, timeoutMs = 90_000) {
  const res = await post(body);
  expect(res.statusCode, res.body).toBe(202);
  return waitForJob(api.app, res.json().id, timeoutMs);
}

const PAIR = 'int: k;\nvar 1..9: x;\nvar 1..9: y;\nconstraint x + y = k;\nconstraint x - y >= 3;\nsolve satisfy;\n';

describe('format mzn', () => {
  it('a model with .dzn data and with JSON data: flattened, solved, every solution checked', async () => {
    for (const [data, k] of [['k = 10;', 10], [{ k: 12 }, 12]] as const) {
      const job = await solve({ format: 'mzn', source: PAIR, data, options: { solutions: 2, seed: 3 } });
      expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', format: 'fzn' });
      expect(job.solutions).toHaveLength(2);
      for (const { assignment } of job.solutions as { assignment: Rendered }[]) {
        const x = assignment.x as number;
        const y = assignment.y as number;
        expect(x + y, JSON.stringify(assignment)).toBe(k);
        expect(x - y).toBeGreaterThanOrEqual(3);
      }
    }
  }, 180_000);

  it('a model error is a 400 with MiniZinc\'s message; data is for mzn only', async () => {
    const bad = await post({ format: 'mzn', source: 'var 1..3: x;\nconstraint x = y;\nsolve satisfy;\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_problem');
    expect(bad.json().error.message).toMatch(/^MiniZinc: .*model\.mzn:2/s);
    expect(bad.json().error.message).toMatch(/undefined identifier `y'/);
    expect(bad.json().error.message).not.toMatch(/hilsolve-mzn-/);
    const missing = await post({ format: 'mzn', source: PAIR });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/^MiniZinc: .*k/s);
    const include = await post({ format: 'mzn', source: 'include "/etc/passwd";\nvar 0..1: x;\nsolve satisfy;\n' });
    expect(include.statusCode).toBe(400);
    expect(include.json().error.message).toBe('format mzn: include "/etc/passwd" names a path; include library files by name only (e.g. "globals.mzn")');
    const misplaced = await post({ format: 'fzn', source: 'var 0..1: x;\nsolve satisfy;\n', data: 'k = 1;' });
    expect(misplaced.statusCode).toBe(400);
    expect(misplaced.json().error.message).toBe('$.data: applies to format mzn only, not fzn');
  }, 60_000);
});

// Twelve items, capacity 30: the optimum by brute force over 4096 subsets.
const W = [5, 7, 3, 9, 4, 6, 8, 2, 5, 7, 6, 4];
const V = [9, 11, 5, 14, 6, 10, 12, 3, 8, 10, 9, 7];
const CAP = 30;
const KNAPSACK = {
  name: 'knapsack',
  variables: [{ name: 'take', size: W.length, domain: 'bool' }],
  constraints: [{ type: 'linear', terms: W.map((coef, i) => ({ coef, var: `take[${i}]` })), op: '<=', rhs: CAP }],
  objective: { sense: 'maximize', terms: V.map((coef, i) => ({ coef, var: `take[${i}]` })) },
};
const pick = (a: Rendered) => W.map((_, i) => (a[`take[${i}]`] === true ? 1 : 0));
const weight = (t: number[]) => t.reduce((s, x, i) => s + x * W[i]!, 0);
const value = (t: number[]) => t.reduce((s, x, i) => s + x * V[i]!, 0);
function optimum(): number {
  let best = 0;
  for (let m = 0; m < 1 << W.length; m++) {
    const t = W.map((_, i) => (m >> i) & 1);
    if (weight(t) <= CAP) best = Math.max(best, value(t));
  }
  return best;
}

describe('optimisation jobs', () => {
  it('JSON objective: improving solutions in order, each feasible, OPTIMAL at the brute-force optimum', async () => {
    const job = await solve({ format: 'json', problem: KNAPSACK, options: { seed: 5 } });
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'OPTIMAL', stopReason: 'optimal' });
    expect(job.detail).toMatch(new RegExp(`^optimal: objective ${optimum()} is the best value: `));
    expect(job.options.solutions).toBe(1000);
    const values = (job.solutions as { index: number; assignment: Rendered; foundAtMs: number; objective: number }[]).map((s, i) => {
      expect(s.index).toBe(i + 1);
      expect(weight(pick(s.assignment))).toBeLessThanOrEqual(CAP);
      // Each solution carries its objective value (a resumed run goes on from the best stored).
      expect(s.objective).toBe(value(pick(s.assignment)));
      return value(pick(s.assignment));
    });
    expect(values.length).toBeGreaterThan(0);
    for (let i = 1; i < values.length; i++) expect(values[i]!, values.join(', ')).toBeGreaterThan(values[i - 1]!);
    expect(values.at(-1)).toBe(optimum());
  }, 120_000);

  it('format mzn, minimize: the schedule\'s makespan matches the optimum, OPTIMAL', async () => {
    const source = [
      'array[1..4] of int: d = [3, 2, 4, 1];',
      'array[1..4] of var 0..10: s;',
      'var 0..10: makespan;',
      'constraint forall(i in 1..4) (s[i] + d[i] <= makespan);',
      'constraint forall(i, j in 1..4 where i < j) (s[i] + d[i] <= s[j] \\/ s[j] + d[j] <= s[i]);',
      'solve minimize makespan;',
    ].join('\n');
    const job = await solve({ format: 'mzn', source, options: { seed: 2 } });
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'OPTIMAL' });
    const spans = (job.solutions as { assignment: Rendered }[]).map((s) => s.assignment.makespan as number);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!).toBeLessThan(spans[i - 1]!);
    expect(spans.at(-1)).toBe(10);
  }, 120_000);

  it('without the host\'s tree search nothing proves optimality: SATISFIED at the time limit', async () => {
    const job = await solve({ format: 'json', problem: KNAPSACK, options: { seed: 5, hostTree: false, timeLimitMs: 2_000 } });
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', stopReason: 'timeLimit' });
    const values = (job.solutions as { assignment: Rendered }[]).map((s) => value(pick(s.assignment)));
    expect(values.length).toBeGreaterThan(0);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(values.at(-1)!).toBeLessThanOrEqual(optimum());
  }, 60_000);
});
