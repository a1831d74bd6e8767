// Start-up of one-shot commands: whole-process wall clock and peak memory (GNU time's %e and %M)
// of `hilsolve --help`, `hilsolve compile` and `hilsolve solve` (in-process, the default, and
// with --embedded, the whole local service) on uf20-91, 8-queens and a sudoku, beside CaDiCaL on
// the CNF and MiniZinc+Gecode on the CSPs, run the same way: a fresh process each time, median of
// N runs. Needs the Debian packages `time`, `cadical` and `minizinc`.
//
//   npx tsx bench/startup.ts            # 5 runs per row
//   npx tsx bench/startup.ts --runs 9

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseProblem } from '../src/model/parse.ts';
import { toMiniZinc } from './peers/minizinc.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'hilsolve-startup-'));
const mzn = (file: string, format: 'json') => {
  const path = join(dir, `${file.replace(/\W+/g, '_')}.mzn`);
  writeFileSync(path, toMiniZinc(parseProblem(readFileSync(`${ROOT}${file}`, 'utf8'), { format })));
  return path;
};

const hilsolve = (...args: string[]) => [process.execPath, `${ROOT}bin/hilsolve.js`, ...args];
const ROWS: { name: string; cmd: string[] }[] = [
  { name: 'hilsolve --help', cmd: hilsolve('--help') },
  { name: 'hilsolve compile uf20-91.cnf', cmd: hilsolve('compile', 'examples/uf20-91.cnf') },
  { name: 'hilsolve solve uf20-91.cnf', cmd: hilsolve('solve', 'examples/uf20-91.cnf', '--seed', '1') },
  { name: 'hilsolve solve uf20-91.cnf --embedded', cmd: hilsolve('solve', 'examples/uf20-91.cnf', '--seed', '1', '--embedded') },
  { name: 'cadical uf20-91.cnf', cmd: ['cadical', '-q', 'examples/uf20-91.cnf'] },
  { name: 'hilsolve solve 8-queens.json', cmd: hilsolve('solve', 'examples/8-queens.json', '--seed', '1') },
  { name: 'minizinc gecode 8-queens', cmd: ['minizinc', '--solver', 'gecode', mzn('examples/8-queens.json', 'json')] },
  { name: 'hilsolve solve sudoku.json', cmd: hilsolve('solve', 'examples/sudoku.json', '--seed', '1') },
  { name: 'minizinc gecode sudoku', cmd: ['minizinc', '--solver', 'gecode', mzn('examples/sudoku.json', 'json')] },
];

function measure(cmd: string[]): { seconds: number; kb: number; ok: boolean } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [s, kb] = last.split(' ').map(Number);
  // cadical exits 10 for SAT; hilsolve 0 when solved.
  return { seconds: s!, kb: kb!, ok: r.status === 0 || r.status === 10 };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const lines = [
  `Start-up, whole process (median of ${runs}; wall clock and peak resident memory from GNU time)`,
  '',
  '| command | wall clock | peak memory | runs ok |',
  '|---|---|---|---|',
];
for (const row of ROWS) {
  const ms = Array.from({ length: runs }, () => measure(row.cmd));
  lines.push(`| \`${row.name}\` | ${median(ms.map((m) => m.seconds)).toFixed(2)} s | ${Math.round(median(ms.map((m) => m.kb)) / 1024)} MB | ${ms.filter((m) => m.ok).length}/${runs} |`);
  process.stderr.write(`${row.name}: done\n`);
}
process.stdout.write(`${lines.join('\n')}\n`);
