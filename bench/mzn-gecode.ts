// hilsolve and Gecode through MiniZinc on the same .mzn files (test/fixtures/minizinc/, and two
// larger optimisation models in bench/mzn/, run once each: they take tens of seconds): for each
// model and solver, `minizinc --solver S -a` in a fresh process (flattening, solver start-up and
// search included; hilsolve runs its in-process solve on a Verilator simulation), and the wall
// clock from the spawn to the first solution printed, to the last (best) one, and to the exit,
// median of N runs; how many solutions were printed (with -a: all of a satisfaction problem, up
// to -n, or every improving one), the last objective, and whether the end was proven (========== or
// =====UNSATISFIABLE=====). Needs the Debian package `minizinc` (scripts/setup.sh) and the
// simulator (npm run sim:build).
//
//   npx tsx bench/mzn-gecode.ts              # 3 runs per row
//   npx tsx bench/mzn-gecode.ts --runs 5 --out bench/results/mzn-gecode.md

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/minizinc');
const BENCH = join(ROOT, 'bench/mzn');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, out: { type: 'string' } } });
const runs = Number(values.runs);

/** Directory, model, data, extra flags (satisfaction with many solutions: the first 10), runs (default --runs). */
const MODELS: [string, string, string[], string[], number?][] = [
  [FIXTURES, 'queens.mzn', [], ['-n', '10']],
  [FIXTURES, 'sendmore.mzn', [], []],
  [FIXTURES, 'sudoku.mzn', ['sudoku.dzn'], []],
  [FIXTURES, 'colouring.mzn', [], ['-n', '10']],
  [FIXTURES, 'magic3.mzn', [], ['-n', '10']],
  [FIXTURES, 'unsat.mzn', [], []],
  [FIXTURES, 'knapsack01.mzn', [], []],
  [FIXTURES, 'schedule.mzn', [], []],
  [BENCH, 'knapsack24.mzn', [], [], 1],
  [BENCH, 'schedule8.mzn', [], [], 1],
];
const SOLVERS = ['gecode', 'hilsolve'];
const TIME_LIMIT_MS = 60_000;

interface Run { first: number | null; best: number | null; total: number; solutions: number; objective: string; proven: string }

function once(solver: string, dir: string, model: string, data: string[], flags: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = ['--solver', solver, '-a', '--output-mode', 'dzn', '--output-objective', '-t', String(TIME_LIMIT_MS), '-r', '1', ...flags, join(dir, model), ...data.map((d) => join(dir, d))];
    const started = performance.now();
    const child = spawn('minizinc', args, { env: { ...process.env, MZN_SOLVER_PATH: join(ROOT, 'minizinc'), HILSOLVE_LOG_LEVEL: 'error' } });
    let out = '';
    let err = '';
    const times: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      const before = out.split('----------\n').length;
      out += d.toString();
      const after = out.split('----------\n').length;
      for (let k = before; k < after; k++) times.push(performance.now() - started);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${solver} ${model}: exit ${code}: ${err.slice(0, 400)}`));
      const objectives = [...out.matchAll(/_objective = (-?\d+);/g)].map((m) => m[1]!);
      resolve({
        first: times[0] ?? null,
        best: times.at(-1) ?? null,
        total: performance.now() - started,
        solutions: times.length,
        objective: objectives.at(-1) ?? '',
        proven: out.includes('=====UNSATISFIABLE=====') ? 'unsat' : out.includes('==========') ? 'yes' : 'no',
      });
    });
  });
}

const median = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor(v.length / 2)]!;
};
const sec = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(2));

const rows: string[] = [];
for (const [dir, model, data, flags, n = runs] of MODELS) {
  for (const solver of SOLVERS) {
    const results: Run[] = [];
    for (let r = 0; r < n; r++) results.push(await once(solver, dir, model, data, flags));
    const last = results.at(-1)!;
    const row = `| ${model}${flags.length > 0 ? ` ${flags.join(' ')}` : ''} | ${solver} | ${n} | ${sec(median(results.map((x) => x.first)))} | ${sec(median(results.map((x) => x.best)))} | ${sec(median(results.map((x) => x.total)))} | ${last.solutions} | ${last.objective || '-'} | ${last.proven} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
  }
}

const text = [
  `minizinc -a, median of the runs of each row, seconds of wall clock from the spawn (flattening and start-up included); time limit ${TIME_LIMIT_MS / 1000} s.`,
  'proven: "yes" = ========== printed (the search is complete: the optimum is proven, or every solution was printed), "unsat" = =====UNSATISFIABLE=====; hilsolve prints ========== for a proven optimum only.',
  '',
  '| model | solver | runs | first solution s | best (last) solution s | exit s | solutions printed | last objective | proven |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
process.stdout.write(text);
if (values.out) writeFileSync(values.out, text);
