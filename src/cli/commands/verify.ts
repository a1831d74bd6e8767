// `hilsolve verify FILE SOLUTION`: check a solution with the program checker (what the device
// executes) and cross-check the verdict with the independent model checker; with --device, also
// on the device, whose verdict is printed beside the reference checker's.

import { checkModel } from '../../check/model-checker.ts';
import { checkProgram } from '../../check/program-checker.ts';
import { compile } from '../../model/compile.ts';
import { UnsatisfiableError } from '../../model/errors.ts';
import { packIndices, valuesToIndices } from '../../model/pack.ts';
import { constraintCount } from '../../model/program.ts';
import { describeConstraint, describeModelConstraint } from '../../model/render.ts';
import { parseSolution } from '../../model/solution.ts';
import { DEFAULT_BAUD } from '../../link/transport.ts';
import { checkOnDevice } from '../../link/validator-client.ts';
import { numberOption, parseCommandArgs, targetOption } from '../args.ts';
import { EXIT } from '../main.ts';
import { PROBLEM_OPTIONS, readBounded, readProblemFile, withFileName } from '../problem-file.ts';

export const usage = `usage: hilsolve verify FILE SOLUTION [--format json|cnf|col|fzn] [--colors K] [--device PORT [--baud N]]

Check that SOLUTION satisfies every constraint of the problem in FILE.
SOLUTION is a JSON object {"name": value, ...} for any format, DIMACS "v" lines for CNF
("v 1 -2 3 0"), "v VERTEX COLOUR" lines or a JSON array of colours for .col.
  --format F   problem format (default: from the file extension .json, .cnf, .col, .fzn)
  --colors K   number of colours, required for .col graph colouring
  --device P   also check it on the device at P (a serial path or tcp://HOST:PORT) and print
               its verdict beside the reference checker's
  --baud N     serial bit rate for --device (default ${DEFAULT_BAUD}; the iCEBreaker build: 115200)
Exit status: 0 satisfied, 1 violated (the violated constraints are listed), 2 unusable input,
3 internal error or device failure (the checkers or the device disagree).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PROBLEM_OPTIONS, device: { type: 'string' }, baud: { type: 'string' } }, ['FILE', 'SOLUTION']);
  const [file, solutionFile] = positionals as [string, string];
  if (values.device !== undefined) targetOption(values.device);
  const baud = values.baud === undefined ? DEFAULT_BAUD : numberOption('baud', values.baud, { min: 50, max: 100_000_000, integer: true });
  const model = readProblemFile(file, values);
  const solutionBytes = readBounded(solutionFile);
  const indices = withFileName(solutionFile, () => valuesToIndices(model, parseSolution(model, solutionBytes)));
  const reference = checkModel(model, indices);

  let program;
  try {
    program = compile(model);
  } catch (err) {
    if (!(err instanceof UnsatisfiableError)) throw err;
    // No program to run: report the model checker's verdict on the model constraints.
    const violated = reference.violated.filter((j) => j < model.constraints.length);
    process.stdout.write(`the problem is ${err.message}\n`);
    process.stdout.write(listViolations(violated, (j) => describeModelConstraint(model, model.constraints[j]!)));
    return EXIT.NO;
  }

  const packed = packIndices(program.widths, indices);
  const verdict = checkProgram(program, packed);
  if (verdict.ok !== reference.ok || verdict.violated.join() !== reference.violated.join()) {
    process.stderr.write(`hilsolve verify: internal error: the program checker reports [${verdict.violated.join(', ')}], ` +
      `the model checker [${reference.violated.join(', ')}]\n`);
    return EXIT.FAILURE;
  }
  const total = constraintCount(program);
  if (values.device !== undefined) {
    const { info, verdict: dev } = await checkOnDevice(values.device, program, packed, { baud });
    const listed = (v: number[]) => (v.length > 0 ? ` [${v.map((j) => `#${j}`).join(', ')}]` : '');
    process.stdout.write(`reference: ${verdict.ok ? 'ok' : `violated ${verdict.count}`}${listed(verdict.violated.slice(0, info.maxViolations))}\n`);
    process.stdout.write(`device:    ${dev.ok ? 'ok' : `violated ${dev.violatedCount}`}${listed(dev.violated)} ` +
      `(${info.deviceId}, ${dev.cycles} cycles)\n`);
    if (dev.ok !== verdict.ok || dev.violatedCount !== verdict.count || dev.violated.join() !== verdict.violated.slice(0, info.maxViolations).join()) {
      process.stderr.write('hilsolve verify: the device disagrees with the reference checker\n');
      return EXIT.FAILURE;
    }
  }
  if (verdict.ok) {
    process.stdout.write(`ok: the solution satisfies all ${total} constraints\n`);
    return EXIT.OK;
  }
  process.stdout.write(`violated: ${verdict.count} of ${total} constraints\n`);
  process.stdout.write(listViolations(verdict.violated, (j) => describeConstraint(model, program, j)));
  return EXIT.NO;
}

function listViolations(indices: number[], describe: (j: number) => string): string {
  return indices.map((j) => `  #${j}  ${describe(j)}\n`).join('');
}
