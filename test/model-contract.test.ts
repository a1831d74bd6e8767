// Bring-your-own models: files that break the contract are refused at load time with an error
// naming the input (or output) and what is wrong; a model taking only some factor groups is
// accepted and sampled from; a model declaring feedback inputs (contract version 2) is fed what
// verdicts and solutions reported, exactly.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, type OnnxDType } from '../models/onnx-writer.ts';
import { checkModel } from '../src/check/model-checker.ts';
import { compile } from '../src/model/compile.ts';
import type { Model } from '../src/model/types.ts';
import { buildFactorGraph } from '../src/sampler/factor-graph.ts';
import { pairViolated } from '../src/sampler/factor-eval.ts';
import { ModelContractError, Sampler } from '../src/sampler/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hilsolve-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Decl { name: string; dtype: OnnxDType; dims: (string | number)[] }

const MASK: Decl = { name: 'domain_mask', dtype: 'float32', dims: ['vars', 'values'] };
const SOFT: Decl = { name: 'soft_domains', dtype: 'float32', dims: ['vars', 'values'] };

/** A model whose output `logits` is soft_domains (cast or reshaped as needed to be valid ONNX). */
function writeModel(file: string, inputs: Decl[], output: Decl = { name: 'logits', dtype: 'float32', dims: ['vars', 'values'] }): string {
  const g = new GraphBuilder();
  for (const i of inputs) g.input(i.name, i.dtype, i.dims);
  const first = inputs[0].name;
  const src = inputs[0].dtype === output.dtype ? first : g.op('Cast', [first], { to: { int: output.dtype === 'int64' ? 7 : 1 } });
  if (output.dims.length === inputs[0].dims.length) g.op('Identity', [src], {}, output.name);
  else g.op('Reshape', [src, g.constant('int64', [1], [-1])], {}, output.name);
  g.output(output.name, output.dtype, output.dims);
  const path = join(dir, file);
  writeFileSync(path, g.encode({ graphName: 'test', doc: '', opset: 18, producer: 'test' }));
  return path;
}

function coloring(): Model {
  const v = (name: string) => ({ name, min: 0, size: 3, allowed: [true, true, false], kind: 'int' as const });
  return {
    format: 'json', variables: [v('a'), v('b'), v('c')],
    constraints: [{ type: 'compare', x: 0, op: '!=', y: 1, c: 0 }, { type: 'clause', literals: [{ var: 2, values: [1], negated: false }, { var: 0, values: [1], negated: false }] }],
    meta: {},
  };
}

async function refusal(path: string): Promise<string> {
  const model = coloring();
  try {
    await Sampler.create(model, compile(model), { modelPath: path });
  } catch (err) {
    expect(err).toBeInstanceOf(ModelContractError);
    return (err as Error).message;
  }
  throw new Error(`model ${path} was accepted`);
}

// Generous timeout: the machines are shared and onnxruntime runs are slow under load.
describe('model contract', { timeout: 60_000 }, () => {
  it('refuses a model without soft_domains, naming it', async () => {
    expect(await refusal(writeModel('no-soft.onnx', [MASK]))).toMatch(/missing input 'soft_domains'/);
  });

  it('refuses an input of the wrong dtype', async () => {
    const msg = await refusal(writeModel('int-soft.onnx', [MASK, { ...SOFT, dtype: 'int64' }]));
    expect(msg).toMatch(/input 'soft_domains' has dtype int64, expected float32/);
  });

  it('refuses an input of the wrong rank', async () => {
    const msg = await refusal(writeModel('rank.onnx', [{ ...MASK, dims: ['vars'] }, SOFT]));
    expect(msg).toMatch(/input 'domain_mask' has rank 1 .*expected rank 2/);
  });

  it('refuses a fixed axis', async () => {
    const msg = await refusal(writeModel('fixed.onnx', [MASK, { ...SOFT, dims: ['vars', 3] }]));
    expect(msg).toMatch(/input 'soft_domains' axis 1 \(values\) is fixed at 3; it must be dynamic/);
  });

  it('refuses an input the contract does not know', async () => {
    const msg = await refusal(writeModel('extra.onnx', [MASK, SOFT, { name: 'temperature', dtype: 'float32', dims: ['one'] }]));
    expect(msg).toMatch(/unknown input 'temperature'/);
  });

  it('refuses half a factor group', async () => {
    const msg = await refusal(writeModel('half.onnx', [SOFT, MASK, { name: 'pair_src', dtype: 'int64', dims: ['pairs'] }]));
    expect(msg).toMatch(/missing input 'pair_dst'/);
  });

  it('refuses a wrong output', async () => {
    const msg = await refusal(writeModel('out.onnx', [SOFT, MASK], { name: 'logits', dtype: 'float32', dims: ['cells'] }));
    expect(msg).toMatch(/output 'logits' has rank 1/);
    const named = await refusal(writeModel('scores.onnx', [SOFT, MASK], { name: 'scores', dtype: 'float32', dims: ['vars', 'values'] }));
    expect(named).toMatch(/missing output 'logits'/);
  });

  it('refuses a file that is not ONNX, and a missing file, with the path', async () => {
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    const model = coloring();
    await expect(Sampler.create(model, compile(model), { modelPath: junk })).rejects.toThrow(/junk\.onnx cannot be loaded by onnxruntime/);
    await expect(Sampler.create(model, compile(model), { modelPath: join(dir, 'none.onnx') })).rejects.toThrow(/none\.onnx does not exist/);
  });

  it('refuses, at the first run, a model whose logits come out in another shape than declared', async () => {
    const g = new GraphBuilder();
    g.input('domain_mask', 'float32', ['vars', 'values']);
    g.input('soft_domains', 'float32', ['vars', 'values']);
    g.op('Transpose', ['soft_domains'], { perm: { ints: [1, 0] } }, 'logits');
    g.output('logits', 'float32', ['vars', 'values']);
    const path = join(dir, 'transposed.onnx');
    writeFileSync(path, g.encode({ graphName: 'test', doc: '', opset: 18, producer: 'test' }));
    const model = coloring(); // 3 variables of 3 values; a fourth makes the transpose [3, 4]
    model.variables.push({ name: 'd', min: 0, size: 2, allowed: [true, true], kind: 'int' });
    const s = await Sampler.create(model, compile(model), { modelPath: path });
    await expect(s.nextBatch(1)).rejects.toThrow(/transposed\.onnx .*output 'logits' is float32 \[3, 4\], expected float32 \[4, 3\]/);
  });

  it('draws allowed values, uniformly, from a model whose logits are NaN', async () => {
    const g = new GraphBuilder();
    g.input('domain_mask', 'float32', ['vars', 'values']);
    g.input('soft_domains', 'float32', ['vars', 'values']);
    const zero = g.op('Sub', ['soft_domains', 'soft_domains']);
    g.op('Div', [zero, zero], {}, 'logits'); // 0 / 0
    g.output('logits', 'float32', ['vars', 'values']);
    const path = join(dir, 'nan.onnx');
    writeFileSync(path, g.encode({ graphName: 'test', doc: '', opset: 18, producer: 'test' }));
    const model = coloring();
    const s = await Sampler.create(model, compile(model), { modelPath: path, seed: 2 });
    const p = await s.probabilities();
    expect(Array.from(p)).toEqual([0.5, 0.5, 0, 0.5, 0.5, 0, 0.5, 0.5, 0]);
    const batch = await s.nextBatch(8);
    expect(batch.length).toBeGreaterThan(4); // of the 2^3 candidates
    expect(new Set(batch.map(String)).size).toBe(batch.length);
    for (const c of batch) for (const v of c) expect(v).toBeLessThan(2);
  });

  it('accepts a model that takes only the core inputs, and samples from it', async () => {
    const path = writeModel('core-only.onnx', [SOFT, MASK]);
    const model = coloring();
    const s = await Sampler.create(model, compile(model), { modelPath: path, seed: 5 });
    const batch = await s.nextBatch(6);
    expect(batch.length).toBeGreaterThan(0);
    for (const c of batch) for (const v of c) expect(v).toBeLessThan(2); // value 2 is a hole
  });
});

const STATE: Decl = { name: 'state', dtype: 'float32', dims: ['vars', 'values'] };
const FOUND: Decl = { name: 'found', dtype: 'float32', dims: ['vars', 'values'] };
const PAIRS: Decl[] = [
  { name: 'pair_src', dtype: 'int64', dims: ['pairs'] }, { name: 'pair_dst', dtype: 'int64', dims: ['pairs'] },
  { name: 'pair_kind', dtype: 'int64', dims: ['pairs'] }, { name: 'pair_shift', dtype: 'int64', dims: ['pairs'] },
  { name: 'pair_flip', dtype: 'float32', dims: ['pairs'] }, { name: 'pair_weight', dtype: 'float32', dims: ['pairs'] },
];

/** A model with the given inputs whose logits are soft_domains + 10 * `extra` ([vars, values], or a [rows] input summed). */
function writeSumModel(file: string, inputs: Decl[], extra: string): string {
  const g = new GraphBuilder();
  for (const i of inputs) g.input(i.name, i.dtype, i.dims);
  const rank = inputs.find((i) => i.name === extra)!.dims.length;
  const term = rank === 2 ? extra : g.op('ReduceSum', [extra], { keepdims: { int: 0 } });
  g.op('Add', ['soft_domains', g.op('Mul', [term, g.constant('float32', [], [10])])], {}, 'logits');
  g.output('logits', 'float32', ['vars', 'values']);
  const path = join(dir, file);
  writeFileSync(path, g.encode({ graphName: 'test', doc: '', opset: 18, producer: 'test' }));
  return path;
}

describe('model contract, feedback inputs (version 2)', { timeout: 60_000 }, () => {
  it('refuses a feedback input without its factor group, and one of the wrong dtype or rank, naming it', async () => {
    expect(await refusal(writeModel('viol-alone.onnx', [SOFT, MASK, { name: 'clause_violated', dtype: 'float32', dims: ['clauses'] }])))
      .toMatch(/feedback input 'clause_violated' needs the clause group's inputs/);
    expect(await refusal(writeModel('state-int.onnx', [SOFT, MASK, { ...STATE, dtype: 'int64' }]))).toMatch(/input 'state' has dtype int64, expected float32/);
    expect(await refusal(writeModel('found-rank.onnx', [SOFT, MASK, { ...FOUND, dims: ['vars'] }]))).toMatch(/input 'found' has rank 1/);
  });

  it('feeds `state` the one-hot elite after verdicts, and zeros before any (or with modelFeedback off)', async () => {
    const path = writeSumModel('state.onnx', [SOFT, MASK, STATE], 'state');
    const model = coloring();
    const program = compile(model);
    const s = await Sampler.create(model, program, { modelPath: path, seed: 3, repairSteps: 0 });
    const off = await Sampler.create(model, program, { modelPath: path, seed: 3, repairSteps: 0, modelFeedback: false });
    expect(Array.from(await s.logits())).toEqual(Array(9).fill(0)); // no report yet: state is all 0
    const bad = [0, 0, 0]; // a = b (the != is violated) and neither c = 1 nor a = 1 (the clause)
    for (const t of [s, off]) await t.feedback([bad], [checkModel(model, bad)]);
    // The elite is `bad`: soft domains put -1 on each (conflicted) elite value, state adds 10.
    expect(Array.from(await s.logits())).toEqual([9, 0, 0, 9, 0, 0, 9, 0, 0]);
    expect(Array.from(await off.logits())).toEqual([-1, 0, 0, -1, 0, 0, -1, 0, 0]);
  });

  it('feeds `pair_violated` the pair edges the elite violates', async () => {
    const path = writeSumModel('pair-viol.onnx', [SOFT, MASK, ...PAIRS, { name: 'pair_violated', dtype: 'float32', dims: ['pairs'] }], 'pair_violated');
    const model = coloring();
    const s = await Sampler.create(model, compile(model), { modelPath: path, seed: 3, repairSteps: 0 });
    const g = buildFactorGraph(model);
    // Both violate a factor on a (the != edges, then the clause): a's elite value gets -1.
    for (const [c, edges] of [[[0, 0, 1], 2], [[0, 1, 0], 0]] as const) {
      await s.feedback([c], [checkModel(model, c)]);
      const violated = Array.from(g.pairSrc, (_, e) => Number(pairViolated(g, e, c))).reduce((a, b) => a + b, 0);
      expect(violated).toBe(edges);
      const logits = await s.logits();
      expect(logits[c[0]]).toBe(-1 + 10 * edges); // the elite's soft domain plus 10 per violated edge
    }
    expect(g.pairSrc.length).toBe(2); // a != b: one edge into each
  });

  it('feeds `clause_violated` the clauses the elite violates, and leaves it 0 when the elite satisfies them', async () => {
    const CLAUSES: Decl[] = [
      { name: 'lit_clause', dtype: 'int64', dims: ['literals'] }, { name: 'lit_var', dtype: 'int64', dims: ['literals'] },
      { name: 'lit_mask', dtype: 'float32', dims: ['literals', 'values'] }, { name: 'clause_weight', dtype: 'float32', dims: ['clauses'] },
    ];
    const path = writeSumModel('clause-viol.onnx', [SOFT, MASK, ...CLAUSES, { name: 'clause_violated', dtype: 'float32', dims: ['clauses'] }], 'clause_violated');
    const model = coloring();
    const s = await Sampler.create(model, compile(model), { modelPath: path, seed: 3, repairSteps: 0 });
    await s.feedback([[0, 0, 1]], [checkModel(model, [0, 0, 1])]); // only a = b: the clause holds (c = 1)
    expect((await s.logits())[0]).toBe(-1);
    await s.feedback([[0, 1, 0]], [checkModel(model, [0, 1, 0])]); // only the clause (neither c = 1 nor a = 1)
    expect((await s.logits())[0]).toBe(-1 + 10);
  });

  it('feeds `found` the share of solutions taking each value, from verdicts and from device solutions', async () => {
    const path = writeSumModel('found.onnx', [SOFT, MASK, FOUND], 'found');
    const model = coloring();
    const s = await Sampler.create(model, compile(model), { modelPath: path, seed: 3, repairSteps: 0 });
    const sol1 = [1, 0, 0];
    const sol2 = [0, 1, 1];
    expect(checkModel(model, sol1).ok && checkModel(model, sol2).ok).toBe(true);
    await s.feedback([sol1, [0, 0, 0]], [checkModel(model, sol1), checkModel(model, [0, 0, 0])]);
    expect(Array.from(await s.logits())).toEqual([0, 10, 0, 10, 0, 0, 10, 0, 0]);
    // A device solution as the search loop passes it (solutionsFound): an empty verdict.
    await s.feedback([sol2], [{ ok: true, violated: [], count: 0 }]);
    const l = Array.from(await s.logits());
    expect(l.slice(0, 2)).toEqual([5, 5]);
    expect(l.slice(6, 8)).toEqual([5, 5]);
  });

  it('refuses a modelFeedback that is not a boolean', async () => {
    const model = coloring();
    await expect(Sampler.create(model, compile(model), { modelFeedback: 'yes' as unknown as boolean })).rejects.toThrow(/modelFeedback must be a boolean/);
  });
});
