// The host tree search (src/propagate/: propagation + dom/wdeg branching + restarts with nogoods)
// on the public instances, with CaDiCaL (CNF) or Gecode through MiniZinc (CSP) on the
// same instance in the same run:
//   npx tsx bench/tree-search.ts [--quick] [--time-limit S] [--scaling] [--only NAME,NAME]
// - the named rows: ../shared/instances/ (MANIFEST.md): sudokus top95-01/02 and hardest-01..05,
//   hole6, uuf50-01, uuf100-01, myciel3 at 3 colours, queen5_5 at 4 (all UNSAT but the sudokus),
//   and satisfiable ones (uf50/100/175, flat50, par8, myciel4 at 5, queen5_5 at 5, le450_5a at 5).
// - --scaling adds the rows that show where the complete search stops finishing: pigeonhole
//   hole7..hole10 (generated here), seeded random 3-SAT at 4.26 clauses per variable that
//   CaDiCaL proves unsatisfiable (125..250 variables), myciel4 at 4, myciel5 at 5, queen6_6 at 6.
// Every SAT answer of the tree search is checked with the model checker. Times are wall clock
// (ours: in process, after parsing; peers: the whole process, via GNU time) with the same limit.
// Prints one Markdown table; --quick runs a few rows with 10 s.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { checkModel } from '../src/check/model-checker.ts';
import { parseProblem } from '../src/model/parse.ts';
import { Prng } from '../src/model/prng.ts';
import type { Model, ProblemFormat } from '../src/model/types.ts';
import { TreeSearch } from '../src/propagate/tree.ts';
import { toMiniZinc } from './peers/minizinc.ts';
import { ensurePeers } from './peers/packages.ts';
import { runTimed } from './peers/proc.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scaling: { type: 'boolean', default: false },
    'time-limit': { type: 'string' },
    only: { type: 'string' },
  },
});
const limitMs = 1000 * Number(values['time-limit'] ?? (values.quick ? 10 : 30));
if (!(limitMs > 0)) throw new RangeError('--time-limit must be a positive number of seconds');

interface Row {
  name: string;
  format: ProblemFormat;
  text: () => string;
  colors?: number;
  expect: 'sat' | 'unsat';
}

const shared = (path: string) => (): string => readFileSync(new URL(`../../shared/instances/${path}`, import.meta.url), 'utf8');

/** Pigeonhole: n + 1 pigeons, n holes, variable (p, h) = p * n + h + 1. */
function hole(n: number): string {
  const v = (p: number, h: number) => p * n + h + 1;
  const clauses: string[] = [];
  for (let p = 0; p <= n; p++) clauses.push(`${Array.from({ length: n }, (_, h) => v(p, h)).join(' ')} 0`);
  for (let h = 0; h < n; h++) for (let p = 0; p <= n; p++) for (let q = p + 1; q <= n; q++) clauses.push(`-${v(p, h)} -${v(q, h)} 0`);
  return `p cnf ${(n + 1) * n} ${clauses.length}\n${clauses.join('\n')}\n`;
}

/** Uniform random 3-SAT, seeded (the same instances every run). */
function random3Sat(vars: number, seed: number): string {
  const rng = new Prng(seed);
  const m = Math.round(4.26 * vars);
  const lines = [`p cnf ${vars} ${m}`];
  for (let c = 0; c < m; c++) {
    const chosen = new Set<number>();
    while (chosen.size < 3) chosen.add(1 + rng.int(vars));
    lines.push(`${[...chosen].map((x) => (rng.int(2) ? x : -x)).join(' ')} 0`);
  }
  return `${lines.join('\n')}\n`;
}

const sudoku = (name: string): Row => ({ name, format: 'json', text: shared(`sudoku/${name}.json`), expect: 'sat' });
const cnf = (name: string, path: string, expect: 'sat' | 'unsat'): Row => ({ name, format: 'cnf', text: shared(path), expect });
const col = (name: string, colors: number, expect: 'sat' | 'unsat'): Row => ({ name: `${name} k=${colors}`, format: 'col', text: shared(`col/${name}.col`), colors, expect });

const NAMED: Row[] = [
  sudoku('top95-01'), sudoku('top95-02'), sudoku('hardest-01'), sudoku('hardest-02'), sudoku('hardest-03'), sudoku('hardest-04'), sudoku('hardest-05'),
  cnf('hole6', 'sat-structured/hole6.cnf', 'unsat'),
  cnf('uuf50-01', 'unsat-uniform/uuf50-01.cnf', 'unsat'),
  cnf('uuf100-01', 'unsat-uniform/uuf100-01.cnf', 'unsat'),
  col('myciel3', 3, 'unsat'),
  col('queen5_5', 4, 'unsat'),
  cnf('uf50-01', 'sat-uniform/uf50-01.cnf', 'sat'),
  cnf('uf100-01', 'sat-uniform/uf100-01.cnf', 'sat'),
  cnf('uf175-01', 'sat-uniform/uf175-01.cnf', 'sat'),
  cnf('flat50-1000', 'sat-flat/flat50-1000.cnf', 'sat'),
  cnf('par8-1-c', 'sat-structured/par8-1-c.cnf', 'sat'),
  col('myciel4', 5, 'sat'),
  col('queen5_5', 5, 'sat'),
  col('le450_5a', 5, 'sat'),
];

function scalingRows(): Row[] {
  const rows: Row[] = [7, 8, 9, 10].map((n) => ({ name: `hole${n} (generated)`, format: 'cnf' as const, text: () => hole(n), expect: 'unsat' as const }));
  for (const vars of [125, 150, 175, 200, 250]) rows.push({ name: `rand3sat-${vars} (unsat seeds)`, format: 'cnf', text: () => '', expect: 'unsat' });
  rows.push(col('myciel4', 4, 'unsat'), col('myciel5', 5, 'unsat'), col('queen6_6', 6, 'unsat'));
  return rows;
}

const QUICK = new Set(['top95-01', 'hardest-01', 'hole6', 'uuf50-01', 'uuf100-01', 'myciel3 k=3', 'queen5_5 k=4', 'uf100-01']);

interface Ours { outcome: string; ms: number; nodes: number; failures: number; restarts: number; nogoods: number }

function runOurs(model: Model): Ours {
  const t0 = performance.now();
  const search = new TreeSearch(model);
  const r = search.run({ deadline: t0 + limitMs, now: () => performance.now() });
  const ms = performance.now() - t0;
  let outcome: string = r.status === 'unsat' ? `UNSAT (${r.proof})` : r.status === 'sat' ? 'SAT' : `UNKNOWN (${r.limit})`;
  if (r.status === 'sat' && !checkModel(model, r.indices).ok) outcome = 'WRONG SAT';
  const { nodes, failures, restarts, nogoods } = r.stats;
  return { outcome, ms, nodes, failures, restarts, nogoods };
}

/**
 * CaDiCaL on the CNF (exit 10 / 20), or Gecode through MiniZinc (the translation of
 * bench/peers/minizinc.ts; `=====UNSATISFIABLE=====` or a solution), with the same time limit.
 * SATLIB files end with a `%` line that hilsolve's parser accepts and CaDiCaL does not: cut there.
 */
async function runPeer(row: Row, text: string, model: Model): Promise<{ verdict: string; ms: number; solver: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-tree-bench-'));
  try {
    if (row.format === 'cnf') {
      const file = join(dir, 'f.cnf');
      writeFileSync(file, text.replace(/^%[\s\S]*$/m, ''));
      const r = await runTimed('cadical', ['-q', '-n', '-t', String(Math.ceil(limitMs / 1000)), file], { timeoutMs: limitMs + 5000 });
      return { solver: 'CaDiCaL', ms: r.wallMs, verdict: r.code === 10 ? 'SAT' : r.code === 20 ? 'UNSAT' : r.timedOut || r.code === 0 ? 'UNKNOWN' : `error (exit ${r.code})` };
    }
    const file = join(dir, 'm.mzn');
    writeFileSync(file, toMiniZinc(model));
    const r = await runTimed('minizinc', ['--solver', 'gecode', '--time-limit', String(limitMs), file], { timeoutMs: limitMs + 5000 });
    const verdict = r.stdout.includes('=====UNSATISFIABLE=====') ? 'UNSAT' : r.stdout.includes('SOL ') ? 'SAT' : 'UNKNOWN';
    return { solver: 'Gecode', ms: r.wallMs, verdict };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A seeded random 3-SAT instance of `vars` variables that CaDiCaL proves unsatisfiable. */
async function unsatRandom(vars: number): Promise<string> {
  for (let seed = 1; seed < 50; seed++) {
    const text = random3Sat(vars, vars * 1000 + seed);
    const model = parseProblem(text, { format: 'cnf' });
    if ((await runPeer({ name: 'seed', format: 'cnf', text: () => text, expect: 'unsat' }, text, model)).verdict === 'UNSAT') return text;
  }
  throw new Error(`no unsatisfiable seed for ${vars} variables`);
}

function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
  ensurePeers((line) => process.stderr.write(`${line}\n`));
  let rows = [...NAMED, ...(values.scaling ? scalingRows() : [])];
  if (values.quick) rows = rows.filter((r) => QUICK.has(r.name));
  if (values.only) {
    const only = new Set(values.only.split(','));
    rows = rows.filter((r) => only.has(r.name));
  }
  console.log(`Tree search (src/propagate/) vs. peers, limit ${limitMs / 1000} s per run, one run each\n`);
  console.log('| instance | vars | constraints | expected | tree search | time | nodes | failures | restarts | nogoods | peer, same run |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const m = /^rand3sat-(\d+)/.exec(row.name);
    const text = m ? await unsatRandom(Number(m[1])) : row.text();
    const model = parseProblem(text, { format: row.format, name: row.name, ...(row.colors ? { colors: row.colors } : {}) });
    const ours = runOurs(model);
    const p = await runPeer(row, text, model);
    const peer = `${p.solver} ${p.verdict} ${fmtMs(p.ms)}`;
    const flag = ours.outcome.startsWith('UNKNOWN') || ours.outcome.toLowerCase().startsWith(row.expect) ? '' : ' (DISAGREES)';
    console.log(`| ${row.name} | ${model.variables.length} | ${model.constraints.length} | ${row.expect.toUpperCase()} | ${ours.outcome}${flag} | ${fmtMs(ours.ms)} | ${ours.nodes} | ${ours.failures} | ${ours.restarts} | ${ours.nogoods} | ${peer} |`);
  }
}

await main();
