// Instance generators on the command line; the instance goes to stdout, a planted solution to
// the file named by --solution.
//   npx tsx bench/gen/cli.ts queens 8 > 8-queens.json
//   npx tsx bench/gen/cli.ts sudoku '53..7....6..195...' > s.json      (81 characters)
//   npx tsx bench/gen/cli.ts sat VARS RATIO [--seed S] [--solution FILE] > x.cnf
//   npx tsx bench/gen/cli.ts col VERTICES COLOURS EDGES [--seed S] [--solution FILE] > x.col

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { plantedColoring } from './coloring.ts';
import { queensProblem } from './queens.ts';
import { plantedSat } from './sat.ts';
import { sudokuProblem } from './sudoku.ts';

const USAGE = `usage: gen queens N | sudoku GRID | sat VARS RATIO [--seed S] [--solution FILE]
     | col VERTICES COLOURS EDGES [--seed S] [--solution FILE]`;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, options: { seed: { type: 'string', default: '1' }, solution: { type: 'string' } },
  });
  const [kind, ...rest] = positionals;
  const num = (i: number): number => {
    const x = Number(rest[i]);
    if (rest[i] === undefined || !Number.isFinite(x)) throw new RangeError(`argument ${i + 1} must be a number\n${USAGE}`);
    return x;
  };
  const seed = Number(values.seed);
  let out: { text: string; solution?: string };
  switch (kind) {
    case 'queens':
      out = { text: queensProblem(num(0)) };
      break;
    case 'sudoku':
      out = { text: sudokuProblem(rest[0] ?? '') };
      break;
    case 'sat': {
      const vars = num(0);
      const g = plantedSat(vars, Math.round(vars * num(1)), seed);
      out = { text: g.cnf, solution: g.solution };
      break;
    }
    case 'col': {
      const g = plantedColoring(num(0), num(1), num(2), seed);
      out = { text: g.col, solution: g.solution };
      break;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
  process.stdout.write(out.text);
  if (values.solution !== undefined) {
    if (out.solution === undefined) throw new RangeError(`${kind} has no planted solution`);
    writeFileSync(values.solution, out.solution);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`gen: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
