// The learned prior (models/train/, issue 17): a reduced training run (tiny model, a few steps)
// goes from data generation to an exported ONNX file that meets the model contract and runs in
// onnxruntime-node; the shipped models/trained.onnx does the same and solves on the simulator
// end to end in search mode.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import type { Model } from '../src/model/types.ts';
import { MASKED_LOGIT } from '../src/sampler/contract.ts';
import { Sampler } from '../src/sampler/index.ts';
import { buildFactorGraph } from '../src/sampler/factor-graph.ts';
import { plantedSat } from '../bench/gen/sat.ts';
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

describe('training pipeline (reduced run)', { timeout: 120_000 }, () => {
  it('trains a tiny model whose ONNX export meets the contract and runs in onnxruntime-node', async () => {
    const out = join(dir, 'tiny.onnx');
    const r = spawnSync(PYTHON, [`${REPO_ROOT}models/train/train.py`, '--tiny', '--out', out], { encoding: 'utf8', timeout: 100_000 });
    expect(r.status, `${r.error ?? ''}\n${r.stderr}`).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'tiny.json'), 'utf8'));
    expect(record.hyperparameters).toMatchObject({ steps: 4, rounds: 2 });
    expect(Object.keys(record.trained_on.train_instances).sort()).toEqual(['col3', 'col4', 'queens', 'sat3', 'sudoku']);
    expect(record.loss_curve.at(-1).val).toBeLessThan(record.loss_curve[0].val); // four steps already learn something
    expect(readFileSync(join(dir, 'tiny-loss.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(dir, 'tiny.train.jsonl'))).toBe(false); // the generated data is not left behind
    await expectRuns(out);
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
});
