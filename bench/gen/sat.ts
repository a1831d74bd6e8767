// Random k-SAT with a planted solution: each clause draws k distinct variables and random signs,
// redrawn until the planted assignment satisfies it, so the instance is satisfiable by construction.

import { Prng } from '../../src/model/prng.ts';

export interface PlantedSat {
  /** DIMACS CNF text. */
  cnf: string;
  /** The planted assignment as DIMACS `v` lines. */
  solution: string;
  planted: boolean[];
}

export function plantedSat(vars: number, clauses: number, seed: number, k = 3): PlantedSat {
  if (!Number.isInteger(vars) || vars < k) throw new RangeError(`sat: need at least ${k} variables, got ${vars}`);
  if (!Number.isInteger(clauses) || clauses < 0) throw new RangeError(`sat: bad clause count ${clauses}`);
  const rng = new Prng(seed);
  const planted = Array.from({ length: vars }, () => rng.int(2) === 1);
  const lines = [`c random ${k}-SAT with a planted solution, seed ${seed}`, `p cnf ${vars} ${clauses}`];
  for (let c = 0; c < clauses; c++) {
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(rng.int(vars));
    let lits: number[];
    do {
      lits = [...chosen].map((v) => (rng.int(2) === 1 ? v + 1 : -(v + 1)));
    } while (!lits.some((l) => planted[Math.abs(l) - 1] === l > 0));
    lines.push(`${lits.join(' ')} 0`);
  }
  const values = planted.map((p, i) => (p ? i + 1 : -(i + 1)));
  const vLines: string[] = [];
  for (let i = 0; i < values.length; i += 10) vLines.push(`v ${values.slice(i, i + 10).join(' ')}`);
  return { cnf: `${lines.join('\n')}\n`, solution: `s SATISFIABLE\n${vLines.join('\n')}\nv 0\n`, planted };
}
