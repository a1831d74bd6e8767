// CaDiCaL and CryptoMiniSat on a CNF instance. For many solutions: CryptoMiniSat's own
// `--maxsol N` (it adds a blocking clause after each solution and keeps solving incrementally);
// the CaDiCaL command line has no such option, so it is run again from scratch on the formula plus
// one blocking clause per solution found so far. Every model a solver prints is checked with the
// model checker before it counts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkModel } from '../../src/check/model-checker.ts';
import type { Model } from '../../src/model/types.ts';
import { runTimed } from './proc.ts';

/** One peer run asked for some number of solutions. */
export interface PeerRun {
  wallMs: number;
  /** Distinct, checked solutions. */
  found: number;
  maxRssKb: number;
  /** The solver proved there are no more (fewer exist than were asked for). */
  complete: boolean;
  timedOut: boolean;
  /** MiniZinc only: its own account of the time spent flattening and in Gecode's search. */
  flattenMs?: number;
  searchMs?: number;
}

export type SatSolver = 'cadical' | 'cryptominisat';

/** Models in solver output: the literals of each `v` block, one array per `s SATISFIABLE`. */
function parseModels(stdout: string): number[][] {
  const models: number[][] = [];
  let current: number[] | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('s SATISFIABLE')) models.push((current = []));
    else if (line.startsWith('v ') && current) {
      for (const tok of line.slice(2).trim().split(/\s+/)) if (tok !== '0' && tok !== '') current.push(Number(tok));
    }
  }
  return models;
}

function checked(model: Model, lits: number[], solver: string): string {
  const indices = new Array<number>(model.variables.length).fill(0);
  for (const l of lits) if (Math.abs(l) <= indices.length) indices[Math.abs(l) - 1] = l > 0 ? 1 : 0;
  if (!checkModel(model, indices).ok) throw new Error(`${solver} printed a model that violates the formula`);
  return indices.join('');
}

function withBlocking(cnf: string, vars: number, blocking: number[][]): string {
  if (blocking.length === 0) return cnf;
  const body = cnf.split('\n').filter((l) => !l.startsWith('p ') && !l.startsWith('c')).join('\n');
  const clauses = (cnf.match(/^p cnf \d+ (\d+)/m) ?? [])[1];
  const extra = blocking.map((m) => `${m.map((l) => -l).join(' ')} 0`).join('\n');
  return `p cnf ${vars} ${Number(clauses) + blocking.length}\n${body}\n${extra}\n`;
}

export async function runSat(solver: SatSolver, cnf: string, model: Model, solutions: number, timeoutMs: number): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-sat-'));
  const file = join(dir, 'f.cnf');
  const vars = model.variables.length;
  const seen = new Set<string>();
  try {
    if (solver === 'cryptominisat') {
      writeFileSync(file, cnf);
      const args = ['--verb', '0', '--maxsol', String(solutions), '--maxtime', String(Math.ceil(timeoutMs / 1000)), file];
      const r = await runTimed('cryptominisat5', args, { timeoutMs: timeoutMs + 5000 });
      for (const m of parseModels(r.stdout)) seen.add(checked(model, m, solver));
      const complete = /^s UNSATISFIABLE/m.test(r.stdout);
      return { wallMs: r.wallMs, found: seen.size, maxRssKb: r.maxRssKb, complete, timedOut: r.timedOut || (seen.size < solutions && !complete) };
    }
    const blocking: number[][] = [];
    let wallMs = 0;
    let maxRssKb = 0;
    let complete = false;
    let timedOut = false;
    while (seen.size < solutions) {
      const left = timeoutMs - wallMs;
      if (left <= 0) { timedOut = true; break; }
      writeFileSync(file, withBlocking(cnf, vars, blocking));
      const r = await runTimed('cadical', ['-q', '-t', String(Math.max(1, Math.ceil(left / 1000))), file], { timeoutMs: left + 5000 });
      wallMs += r.wallMs;
      maxRssKb = Math.max(maxRssKb, r.maxRssKb);
      if (r.code === 20) { complete = true; break; }
      const m = parseModels(r.stdout)[0];
      if (r.code !== 10 || !m) { timedOut = true; break; }
      const key = checked(model, m, solver);
      if (seen.has(key)) throw new Error('cadical repeated a blocked model');
      seen.add(key);
      blocking.push(m.filter((l) => Math.abs(l) <= vars));
    }
    return { wallMs, found: seen.size, maxRssKb, complete, timedOut };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
