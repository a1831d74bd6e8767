// N-queens as a JSON problem: q[i] is the column of the queen in row i; rows, columns and both
// diagonals distinct, each diagonal family one allDifferent with offsets (q[i] + i, q[i] - i).

import { writeJsonProblem } from '../../src/model/parse-json.ts';
import type { Model } from '../../src/model/types.ts';

export function queensModel(n: number): Model {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`queens: n must be an integer in 1..256, got ${n}`);
  const rows = Array.from({ length: n }, (_, i) => i);
  return {
    format: 'json',
    variables: rows.map((i) => ({ name: `q[${i}]`, min: 0, size: n, allowed: new Array<boolean>(n).fill(true), kind: 'int' })),
    constraints: [
      { type: 'allDifferent', vars: rows, offsets: rows.map(() => 0) },
      { type: 'allDifferent', vars: rows, offsets: rows },
      // -i, but 0 rather than -0 so that the model equals its own JSON round trip
      { type: 'allDifferent', vars: rows, offsets: rows.map((i) => (i === 0 ? 0 : -i)) },
    ],
    meta: { name: `${n}-queens` },
  };
}

export function queensProblem(n: number): string {
  return writeJsonProblem(queensModel(n));
}
