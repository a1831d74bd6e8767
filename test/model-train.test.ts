// The learned prior (models/train/, issue 17): a reduced training run (tiny model, a few steps)
// goes from data generation to an exported ONNX file that meets the model contract and runs in
// onnxruntime-node, takes the feedback inputs (contract version 2) and is moved by them; the
// shipped models/trained.onnx does the same and solves on the simulator end to end in search mode.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { MASKED_LOGIT } from '../src/sampler/contract.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { Sampler } from '../src/sampler/index.ts';
import { loadModel } from '../src/sampler/session.ts';
import { buildFactorGraph } from '../src/sampler/factor-graph.ts';
import { queensProblem } from '../bench/gen/queens.ts';
import { plantedSat } from '../bench/gen/sat.ts';
import { valuesToIndices } from '../src/model/pack.ts';
import { makeInstance } from '../models/train/families.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'model-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's python3 (where apt installs python3-torch); a pyenv or venv python3 earlier in PATH may lack it. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const TRAINED = `${REPO_ROOT}models/trained.onnx`;

/** One problem per factor group, plus one with no factor at all (every axis but vars/values empty). */
const PROBLEMS: [string, Model][] = [
  ['pairs (8-queens)', makeInstance('queens', 8, 1).model],
  ['clauses (planted 3-SAT)', makeInstance('sat3', 30, 2).model],
  ['pairs and clauses (sudoku)', makeInstance('sudoku', 30, 3).model],
  ['linear factors', parseProblem(JSON.stringify({
    variables: [{ name: 'x', domain: [0, 5] }, { name: 'y', domain: [0, 5] }, { name: 'z', domain: [1, 3] }],
    constraints: [{ type: 'linear', terms: [{ var: 'x', coef: 2 }, { var: 'y', coef: 1 }], op: '=', rhs: 7 }],
  }), { format: 'json' })],
  ['no factors', parseProblem(JSON.stringify({ variables: [{ name: 'x', domain: [0, 3] }], constraints: [] }), { format: 'json' })],
];

/** The model loads (the contract check) and gives finite, normalised probabilities on the mask. */
async function expectRuns(modelPath: string): Promise<void> {
  for (const [what, model] of PROBLEMS) {
    const sampler = await Sampler.create(model, compile(model), { modelPath, seed: 1 });
    const logits = await sampler.logits();
    const g = buildFactorGraph(model);
    expect(logits.length, what).toBe(g.numVars * g.numValues);
    for (let i = 0; i < logits.length; i++) {
      if (g.mask[i] === 0) expect(logits[i], `${what}: masked cell ${i}`).toBeLessThanOrEqual(MASKED_LOGIT / 2);
      else expect(Number.isFinite(logits[i]), `${what}: cell ${i} is ${logits[i]}`).toBe(true);
    }
    const p = await sampler.probabilities();
    for (let x = 0; x < g.numVars; x++) {
      const row = Array.from(p.slice(x * g.numValues, (x + 1) * g.numValues));
      expect(row.reduce((a, b) => a + b, 0), `${what}: variable ${x}`).toBeCloseTo(1, 5);
    }
    const batch = await sampler.nextBatch(4);
    expect(batch.length, what).toBeGreaterThan(0);
  }
}

/** After a verdict on a non-solution, the logits with the feedback inputs fed differ from those with them zeroed. */
async function expectFeedbackMatters(modelPath: string): Promise<void> {
  const model = makeInstance('sat3', 30, 2).model;
  const program = compile(model);
  const fed = await Sampler.create(model, program, { modelPath, seed: 1, repairSteps: 0 });
  const zeroed = await Sampler.create(model, program, { modelPath, seed: 1, repairSteps: 0, modelFeedback: false });
  const c = model.variables.map(() => 0);
  const verdict = checkModel(model, c);
  expect(verdict.ok).toBe(false);
  for (const s of [fed, zeroed]) await s.feedback([c], [verdict]);
  const a = await fed.logits();
  const b = await zeroed.logits();
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  expect(diff).toBeGreaterThan(1e-3);
}

describe('training pipeline (reduced run)', { timeout: 120_000 }, () => {
  it('trains a tiny model whose ONNX export meets the contract and runs in onnxruntime-node', async () => {
    const out = join(dir, 'tiny.onnx');
    const r = spawnSync(PYTHON, [`${REPO_ROOT}models/train/train.py`, '--tiny', '--out', out], { encoding: 'utf8', timeout: 100_000 });
    expect(r.status, `${r.error ?? ''}\n${r.stderr}`).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'tiny.json'), 'utf8'));
    expect(record.hyperparameters).toMatchObject({ steps: 4, rounds: 2, feedback_steps: 4 });
    expect(Object.keys(record.trained_on.train_instances).sort()).toEqual(['col3', 'col4', 'queens', 'sat3', 'sudoku']);
    const curve = record.loss_curve as { step: number; val?: number; val_states?: number }[];
    expect(curve.filter((c) => c.val !== undefined).at(-1)!.val).toBeLessThan(curve[0].val!); // four steps already learn something
    const states = curve.filter((c) => c.val_states !== undefined); // the second stage, on reported states
    expect(states.length).toBeGreaterThan(1);
    expect(states.at(-1)!.val_states).toBeLessThan(states[0].val_states!);
    expect(readFileSync(join(dir, 'tiny-loss.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(dir, 'tiny.train.jsonl'))).toBe(false); // the generated data is not left behind
    await expectRuns(out);
    // Contract version 2: the model takes the feedback inputs, and they change its output.
    expect(record).toMatchObject({ contract_version: 2, feedback_inputs: ['state', 'pair_violated', 'clause_violated', 'linear_violated'] });
    expect(Object.keys(record.validation_states_after.corrupted).sort()).toEqual(['col3', 'col4', 'queens', 'sat3', 'sudoku']);
    expect(record.train_reported_states).toBeGreaterThan(0); // elites recorded from validate-mode runs (dump.ts --states)
    const loaded = await loadModel(out);
    expect([...loaded.inputs].filter((n) => ['state', 'pair_violated', 'clause_violated', 'linear_violated', 'found'].includes(n)).sort())
      .toEqual(['clause_violated', 'linear_violated', 'pair_violated', 'state']);
    await expectFeedbackMatters(out);
  });

  it('trains a version-1 model with --no-feedback, and refuses an unknown --label-free family', async () => {
    const out = join(dir, 'tiny-v1.onnx');
    const r = spawnSync(PYTHON, [`${REPO_ROOT}models/train/train.py`, '--tiny', '--no-feedback', '--label-free', 'queens', '--out', out], { encoding: 'utf8', timeout: 100_000 });
    expect(r.status, `${r.error ?? ''}\n${r.stderr}`).toBe(0);
    expect((await loadModel(out)).groups.has('feedback')).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'tiny-v1.json'), 'utf8')).hyperparameters.label_free).toEqual(['queens']);
    const bad = spawnSync(PYTHON, [`${REPO_ROOT}models/train/train.py`, '--tiny', '--label-free', 'chess', '--out', join(dir, 'x.onnx')], { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--label-free: unknown family 'chess'/);
  });

  it('refuses a bad argument with an error naming it', () => {
    const r = spawnSync(PYTHON, [`${REPO_ROOT}models/train/train.py`, '--steps', 'many'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--steps: invalid int value/);
  });
});

describe('models/trained.onnx', { timeout: 200_000 }, () => {
  it('meets the contract and runs on every factor group, and its record says what it was trained on', async () => {
    await expectRuns(TRAINED);
    const record = JSON.parse(readFileSync(`${REPO_ROOT}models/trained.json`, 'utf8'));
    expect(record.model).toBe('trained.onnx');
    expect(record.trained_on.families).toEqual(['col3', 'col4', 'queens', 'sat3', 'sudoku']);
    expect(record.contract_version).toBe(2);
    await expectFeedbackMatters(TRAINED);
  });

  it('solves on the simulator in search mode, end to end (hilsolve solve with HILSOLVE_MODEL)', () => {
    const sat = plantedSat(40, 168, 7);
    const file = join(dir, 'planted-40.cnf');
    writeFileSync(file, sat.cnf);
    const r = spawnSync(process.execPath, [`${REPO_ROOT}bin/hilsolve.js`, 'solve', file, '--mode', 'search', '--no-tree', '--seed', '3', '--output', 'json'], {
      encoding: 'utf8', timeout: 150_000, env: { ...process.env, HILSOLVE_MODEL: TRAINED, HILSOLVE_LOG_LEVEL: 'error' },
    });
    expect(r.status, `${r.error ?? ''}\n${r.stderr}`).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED' });
    expect(job.stats.mode).toBe('search');
    const assignment = job.solutions[0].assignment as Record<string, boolean>;
    const clauses = sat.cnf.split('\n').filter((l) => /^-?\d/.test(l)).map((l) => l.split(' ').map(Number).filter((n) => n !== 0));
    expect(clauses).toHaveLength(168);
    for (const c of clauses) expect(c.some((lit) => assignment[String(Math.abs(lit))] === lit > 0), `clause ${c.join(' ')}`).toBe(true);
  });

  it('solves on the simulator in validate mode, its feedback inputs fed from the device\'s verdicts', () => {
    const text = queensProblem(12);
    const file = join(dir, 'queens-12.json');
    writeFileSync(file, text);
    const r = spawnSync(process.execPath, [`${REPO_ROOT}bin/hilsolve.js`, 'solve', file, '--mode', 'validate', '--model', TRAINED, '--seed', '2', '--solutions', '20', '--output', 'json'], {
      encoding: 'utf8', timeout: 150_000, env: { ...process.env, HILSOLVE_LOG_LEVEL: 'error' },
    });
    expect(r.status, `${r.error ?? ''}\n${r.stderr}`).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED' });
    expect(job.stats.mode).toBe('validate');
    const model = parseProblem(text, { format: 'json' });
    // 20 distinct solutions: batches after the first solution run the model on verdicts (state, found).
    expect(job.solutions).toHaveLength(20);
    const seen = new Set<string>();
    for (const sol of job.solutions as { assignment: Record<string, number[]> }[]) {
      const values = Object.values(sol.assignment).flat(); // { q: [12 rows] }
      expect(values).toHaveLength(12);
      expect(checkModel(model, valuesToIndices(model, values)).ok).toBe(true);
      seen.add(values.join(','));
    }
    expect(seen.size).toBe(20);
  });
});
