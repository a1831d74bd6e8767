// MiniZinc with Gecode on a CSP instance: the same model the hilsolve compiler sees (the parsed
// Model), written out as MiniZinc, so both sides solve exactly one problem. allDifferent with
// offsets becomes the global alldifferent over x[i] + offset_i (the textbook queens model);
// clauses, comparisons, tables and linear sums map one to one. Every solution Gecode prints is
// checked with the model checker before it counts.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkModel } from '../../src/check/model-checker.ts';
import type { Constraint, Literal, Model } from '../../src/model/types.ts';
import { runTimed } from './proc.ts';
import type { PeerRun } from './sat-solvers.ts';

const x = (i: number): string => `x[${i + 1}]`;
const plus = (term: string, c: number): string => (c === 0 ? term : c > 0 ? `${term} + ${c}` : `${term} - ${-c}`);
const set = (values: readonly number[]): string => `{${values.join(', ')}}`;

function literal(l: Literal): string {
  const inSet = l.values.length === 1 ? `${x(l.var)} = ${l.values[0]}` : `${x(l.var)} in ${set(l.values)}`;
  return l.negated ? `not (${inSet})` : `(${inSet})`;
}

function constraint(c: Constraint): string {
  switch (c.type) {
    case 'clause':
      return c.literals.length === 0 ? 'false' : c.literals.map(literal).join(' \\/ ');
    case 'compare':
      return `${x(c.x)} ${c.op} ${plus(x(c.y), c.c)}`;
    case 'allDifferent':
      return `alldifferent([${c.vars.map((v, i) => plus(x(v), c.offsets[i] ?? 0)).join(', ')}])`;
    case 'table': {
      if (c.mode === 'forbidden') {
        return c.tuples.length === 0 ? 'true' : c.tuples.map((t) => `not (${t.map((v, i) => `${x(c.vars[i]!)} = ${v}`).join(' /\\ ')})`).join(' /\\ ');
      }
      const flat = c.tuples.flat().join(', ');
      return `table([${c.vars.map(x).join(', ')}], array2d(1..${c.tuples.length}, 1..${c.vars.length}, [${flat}]))`;
    }
    case 'linear':
      return `${c.terms.map((t) => `${t.coef} * ${x(t.var)}`).join(' + ') || '0'} ${c.op} ${c.rhs}`;
  }
}

/** The model as MiniZinc: x[1..n] with the model's domains, its constraints, a SOL line per solution. */
export function toMiniZinc(model: Model): string {
  const vars = model.variables;
  const lines = ['include "alldifferent.mzn";', 'include "table.mzn";'];
  const lo = Math.min(...vars.map((v) => v.min));
  const hi = Math.max(...vars.map((v) => v.min + v.size - 1));
  lines.push(`array[1..${vars.length}] of var ${lo}..${hi}: x;`);
  vars.forEach((v, i) => {
    const values = v.allowed.flatMap((ok, a) => (ok ? [v.min + a] : []));
    if (v.min !== lo || v.size !== hi - lo + 1 || values.length !== v.size) lines.push(`constraint ${x(i)} in ${set(values)};`);
  });
  for (const c of model.constraints) lines.push(`constraint ${constraint(c)};`);
  lines.push('solve satisfy;', 'output ["SOL ", show(x), "\\n"];');
  return `${lines.join('\n')}\n`;
}

/** Gecode through MiniZinc: the first `solutions` solutions (all of them when fewer exist). */
export async function runGecode(model: Model, solutions: number, timeoutMs: number): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-mzn-'));
  const file = join(dir, 'model.mzn');
  writeFileSync(file, toMiniZinc(model));
  try {
    const args = ['--solver', 'gecode', '-s', '-n', String(solutions), '--time-limit', String(timeoutMs), file];
    const r = await runTimed('minizinc', args, { timeoutMs: timeoutMs + 5000 });
    const stat = (name: string): number => Number(new RegExp(`^%%%mzn-stat: ${name}=([\\d.e+-]+)`, 'm').exec(r.stdout)?.[1] ?? NaN) * 1000;
    const found = new Set<string>();
    for (const line of r.stdout.split('\n')) {
      if (!line.startsWith('SOL ')) continue;
      const values = JSON.parse(line.slice(4)) as number[];
      const indices = values.map((v, i) => v - model.variables[i]!.min);
      if (!checkModel(model, indices).ok) throw new Error(`Gecode printed an assignment that violates the model: ${line.slice(0, 80)}`);
      found.add(line);
    }
    const complete = r.stdout.includes('==========');
    return {
      wallMs: r.wallMs, found: found.size, maxRssKb: r.maxRssKb, complete, timedOut: r.timedOut || (found.size < solutions && !complete),
      flattenMs: stat('flatTime'), searchMs: stat('initTime') + stat('solveTime'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
