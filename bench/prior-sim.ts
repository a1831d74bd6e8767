// Confirms the prior ablation (bench/prior-ablation.ts) on the real simulator: `hilsolve solve
// FILE --mode search --no-tree` (the device alone, no host tree search), with HILSOLVE_MODEL set
// to each model in turn, on a few fresh instances of the training families (seeds never trained
// on). "uniform" is a model written here whose logits are its soft domains, so the first prior is
// uniform over the domains. Per instance and model, over seeds 1..N: the device's flips (SearchStatus
// counters at the stop, so a few flips past the first solution are included) and the time to
// the first proven solution.
//
//   npx tsx bench/prior-sim.ts [--models default=models/default.onnx,trained=models/trained.onnx] [--seeds 2]
//       [--out bench/results/prior-sim.json]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { plantedColoring } from './gen/coloring.ts';
import { writeUniformModel } from './prior-validate.ts';
import { queensProblem } from './gen/queens.ts';
import { plantedSat } from './gen/sat.ts';
import { sudokuProblem } from './gen/sudoku.ts';
import { solvedSudoku } from '../models/train/families.ts';
import { Prng } from '../src/model/prng.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'default=models/default.onnx,trained=models/trained.onnx' },
    seeds: { type: 'string', default: '2' },
    'time-limit': { type: 'string', default: '60000' },
    out: { type: 'string', default: 'bench/results/prior-sim.json' },
  },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError('--seeds must be a positive integer');
const dir = mkdtempSync(join(tmpdir(), 'prior-sim-'));

const models = [{ name: 'uniform', path: writeUniformModel(join(dir, 'uniform.onnx')) }, ...values.models.split(',').map((kv) => {
  const [name, path] = kv.split('=');
  if (!name || !path) throw new RangeError(`--models: expected NAME=PATH, got '${kv}'`);
  return { name, path };
})];

const S = 1_000_000; // ablation seeds, as in bench/prior-ablation.ts
const sudokuGrid = (givens: number, seed: number): string => {
  const grid = solvedSudoku(seed);
  const keep = new Set(new Prng(seed ^ 0x5bd1e995).shuffle(Array.from({ length: 81 }, (_, i) => i)).slice(0, givens));
  return grid.map((d, i) => (keep.has(i) ? String(d) : '.')).join('');
};
const instances: { name: string; file: string; args: string[] }[] = [
  { name: 'sat3 n=100', file: 'sat3.cnf', text: plantedSat(100, 420, S).cnf, args: [] },
  { name: 'col3 n=100', file: 'col3.col', text: plantedColoring(100, 3, 230, S).col, args: ['--colors', '3'] },
  { name: 'col4 n=80', file: 'col4.col', text: plantedColoring(80, 4, 336, S).col, args: ['--colors', '4'] },
  { name: '16-queens', file: 'queens.json', text: queensProblem(16), args: [] },
  { name: 'sudoku 30 givens', file: 'sudoku.json', text: sudokuProblem(sudokuGrid(30, S)), args: [] },
].map(({ name, file, text, args }) => {
  const path = join(dir, file);
  writeFileSync(path, text);
  return { name, file: path, args };
});

interface Run { instance: string; model: string; seed: number; solved: boolean; flips: number | null; firstMs: number | null; error?: string }
const runs: Run[] = [];
for (const inst of instances) {
  for (const m of models) {
    for (let seed = 1; seed <= seeds; seed++) {
      const p = spawnSync(process.execPath, [`${ROOT}bin/hilsolve.js`, 'solve', inst.file, ...inst.args, '--mode', 'search', '--no-tree',
        '--seed', String(seed), '--time-limit', values['time-limit'], '--output', 'json'], {
        encoding: 'utf8', timeout: Number(values['time-limit']) + 60_000, env: { ...process.env, HILSOLVE_MODEL: m.path, HILSOLVE_LOG_LEVEL: 'error' },
      });
      let run: Run;
      try {
        const job = JSON.parse(p.stdout) as { solutions: { foundAtMs: number }[]; stats: { flips: number } };
        run = { instance: inst.name, model: m.name, seed, solved: job.solutions.length > 0, flips: job.stats.flips, firstMs: job.solutions[0]?.foundAtMs ?? null };
      } catch {
        run = { instance: inst.name, model: m.name, seed, solved: false, flips: null, firstMs: null, error: (p.stderr || `exit ${p.status}`).trim().split('\n').pop() };
      }
      runs.push(run);
      process.stderr.write(`${inst.name} ${m.name} seed ${seed}: ${run.solved ? `${run.flips} flips, ${run.firstMs} ms` : `unsolved ${run.error ?? ''}`}\n`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const lines = [`| instance | ${models.map((m) => `${m.name} flips (solved)`).join(' | ')} | ${models.map((m) => `${m.name} ms to first`).join(' | ')} |`,
  `|---|${models.map(() => '---|---').join('|')}|`];
for (const inst of instances) {
  const cell = (m: string, f: (r: Run) => number | null): string => {
    const rs = runs.filter((r) => r.instance === inst.name && r.model === m);
    const ok = rs.filter((r) => r.solved).map(f).filter((v): v is number => v !== null);
    return ok.length === 0 ? `unsolved (0/${rs.length})` : `${Math.round(median(ok))}${f === flipsOf ? ` (${ok.length}/${rs.length})` : ''}`;
  };
  lines.push(`| ${inst.name} | ${models.map((m) => cell(m.name, flipsOf)).join(' | ')} | ${models.map((m) => cell(m.name, (r) => r.firstMs)).join(' | ')} |`);
}
function flipsOf(r: Run): number | null { return r.flips; }
console.log(lines.join('\n'));
writeFileSync(values.out, `${JSON.stringify({ command: `npx tsx bench/prior-sim.ts ${process.argv.slice(2).join(' ')}`.trim(), runs }, null, 1)}\n`);
writeFileSync(values.out.replace(/\.json$/, '.md'), `${lines.join('\n')}\n`);
