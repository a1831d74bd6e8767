// `hilsolve sample FILE`: draw candidates from the soft-domain sampler and print them, one JSON
// assignment per line. By default each batch's verdicts from the reference checker are fed back,
// as the solve loop does with the device's, so the output shows the guided search.

import { prepareProgram, type PreparedProgram } from '../../check/program-checker.ts';
import { compile } from '../../model/compile.ts';
import { UnsatisfiableError } from '../../model/errors.ts';
import { indicesToValues, packIndices } from '../../model/pack.ts';
import { renderAssignment } from '../../model/render.ts';
import { Sampler } from '../../sampler/index.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT } from '../main.ts';
import { PROBLEM_OPTIONS, readProblemFile } from '../problem-file.ts';

export const usage = `usage: hilsolve sample FILE [--count N] [--seed S] [--model PATH] [--format json|cnf|col|fzn]
                      [--colors K] [--temperature T] [--threads N] [--no-feedback] [--stats]

Draw candidate assignments from the soft-domain sampler; print one JSON object {name: value}
per line (CNF variables as booleans, colours as 0..K-1). No candidate is printed twice.
  --count N        candidates to draw (default 10); fewer are printed if the space runs out
  --seed S         PRNG seed, 0..4294967295 (default 1): the same seed gives the same output
  --model PATH     ONNX model meeting the contract in models/README.md (default models/default.onnx)
  --format F       problem format (default: from the file extension .json, .cnf, .col, .fzn)
  --colors K       number of colours, required for .col graph colouring
  --temperature T  sampling temperature > 0 (default 1): higher is more random
  --threads N      onnxruntime intra-op threads (default 1)
  --no-feedback    draw every batch from the same soft domains, without learning from verdicts
  --stats          print to stderr the share of candidates the reference checker accepts
Exit status: 0 sampled, 1 proven unsatisfiable before sampling, 2 unusable input or model.`;

// Candidates per model run: smaller batches learn from feedback more often (bench/sampler.ts).
const BATCH = 64;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PROBLEM_OPTIONS,
    count: { type: 'string' },
    seed: { type: 'string' },
    model: { type: 'string' },
    temperature: { type: 'string' },
    threads: { type: 'string' },
    'no-feedback': { type: 'boolean' },
    stats: { type: 'boolean' },
  }, ['FILE']);
  const count = numberOption('count', values.count ?? '10', { min: 0, max: 1e9, integer: true });
  const seed = numberOption('seed', values.seed ?? '1', { min: 0, max: 0xffffffff, integer: true });
  const temperature = numberOption('temperature', values.temperature ?? '1', { min: 1e-6, max: 1e6, integer: false });
  const threads = numberOption('threads', values.threads ?? '1', { min: 1, max: 256, integer: true });
  const file = positionals[0]!;
  const model = readProblemFile(file, values);

  let sampler: Sampler;
  let checker: PreparedProgram;
  try {
    const program = compile(model);
    checker = prepareProgram(program);
    sampler = await Sampler.create(model, program, { modelPath: values.model, seed, temperature, threads });
  } catch (err) {
    if (!(err instanceof UnsatisfiableError)) throw err;
    process.stderr.write(`hilsolve sample: ${file}: ${err.message}\n`);
    return EXIT.NO;
  }

  const start = performance.now();
  let drawn = 0;
  let accepted = 0;
  while (drawn < count) {
    const batch = await sampler.nextBatch(Math.min(BATCH, count - drawn));
    if (batch.length === 0) break;
    const verdicts = batch.map((c) => checker.check(packIndices(checker.program.widths, c)));
    accepted += verdicts.filter((v) => v.ok).length;
    if (!values['no-feedback']) await sampler.feedback(batch, verdicts);
    process.stdout.write(batch.map((c) => `${JSON.stringify(renderAssignment(model, indicesToValues(model, c)))}\n`).join(''));
    drawn += batch.length;
  }

  if (values.stats) {
    const s = sampler.stats();
    const seconds = (performance.now() - start) / 1000;
    const share = drawn === 0 ? 0 : (100 * accepted) / drawn;
    process.stderr.write(
      `accepted by the reference checker: ${accepted} of ${drawn} (${share.toFixed(2)}%)\n` +
      `model runs: ${s.inferences}, ${s.inferenceMs.toFixed(1)} ms; repeated draws redrawn: ${s.duplicateDraws}; ` +
      `${(drawn / seconds).toFixed(0)} candidates/s\n`);
  }
  return EXIT.OK;
}
