// Cost of the prior: model load, and the first and a later run of Sampler.probabilities() (what
// the worker runs once per job in search mode) for the default and the trained model, on one
// fresh instance of four families.
//   npx tsx bench/prior-inference.ts [MODEL ...]   (default: models/default.onnx models/trained.onnx)

import { compile } from '../src/model/compile.ts';
import { Sampler } from '../src/sampler/index.ts';
import { loadModel } from '../src/sampler/session.ts';
import { makeInstance } from '../models/train/families.ts';
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['models/default.onnx', 'models/trained.onnx'];
for (const path of paths) {
  let t = performance.now();
  await loadModel(path, 1);
  const load = performance.now() - t;
  const cells: string[] = [];
  for (const [f, n] of [['sat3', 200], ['sudoku', 30], ['queens', 40], ['col4', 150]] as const) {
    const m = makeInstance(f, n, 1_000_000).model;
    const s = await Sampler.create(m, compile(m), { modelPath: path });
    t = performance.now(); await s.probabilities(); const first = performance.now() - t;
    t = performance.now(); await s.probabilities(); const second = performance.now() - t;
    cells.push(`${f}-${n}: ${first.toFixed(1)} / ${second.toFixed(1)} ms`);
  }
  console.log(path, `load ${load.toFixed(0)} ms;`, cells.join('; '));
}
