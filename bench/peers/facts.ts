// The measured facts behind "where hilsolve loses" in bench/README.md, from the raw runs: where
// the time goes (host or device), bytes and engine cycles per candidate, what the ablation found.
// Printed after the tables and kept in the JSON, so the explanation can be checked on every run.

import type { HilsolveEnd, HilsolveRun } from './hilsolve-run.ts';
import type { RowResult } from './report.ts';

export interface RowRaw {
  guided: { runs: HilsolveRun[]; end: HilsolveEnd };
  uniform: { runs: HilsolveRun[]; end: HilsolveEnd };
}

export interface RowFacts {
  row: string;
  /** Share of hilsolve's wall time spent waiting for the device. */
  deviceShare: number;
  txPerCandidate: number;
  rxPerCandidate: number;
  busyCyclesPerCandidate: number;
  /** Guided minus uniform peak memory: the ONNX session and the factor graph. */
  modelMemoryMb: number;
  uniformRuns: number;
  uniformSolved: number;
  uniformSkipped: number;
  /** MiniZinc's own account of the first Gecode solution. */
  gecodeFlattenMs?: number;
  gecodeSearchMs?: number;
}

export function rowFacts(result: RowResult, raw: RowRaw): RowFacts {
  const runs = raw.guided.runs;
  const sum = (f: (r: HilsolveRun) => number): number => runs.reduce((a, r) => a + f(r), 0);
  const candidates = Math.max(1, sum((r) => r.stats.candidates));
  const gecode = result.methods.gecode;
  return {
    row: result.row,
    deviceShare: sum((r) => r.end.deviceMs) / sum((r) => r.end.wallMs),
    txPerCandidate: sum((r) => r.end.txBytes) / candidates,
    rxPerCandidate: sum((r) => r.end.rxBytes) / candidates,
    busyCyclesPerCandidate: sum((r) => r.end.busyCycles) / candidates,
    modelMemoryMb: (raw.guided.end.maxRssKb - raw.uniform.end.maxRssKb) / 1024,
    uniformRuns: raw.uniform.runs.length,
    uniformSolved: raw.uniform.runs.filter((r) => r.found > 0).length,
    uniformSkipped: raw.uniform.end.skipped,
    ...(gecode?.searchFirstMs !== undefined ? { gecodeFlattenMs: gecode.flattenFirstMs, gecodeSearchMs: gecode.searchFirstMs } : {}),
  };
}

export function factsTable(facts: RowFacts[]): string {
  const f1 = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(x >= 100 ? 0 : 1));
  const lines = [
    '| instance | host waits for device | tx B/candidate | rx B/candidate | engine cycles/candidate | ONNX + factor graph memory | uniform: solved/ran (skipped) | Gecode flatten / search |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const f of facts) {
    lines.push(`| ${f.row} | ${(100 * f.deviceShare).toFixed(0)} % | ${f1(f.txPerCandidate)} | ${f1(f.rxPerCandidate)} | ${f1(f.busyCyclesPerCandidate)} | ` +
      `${f.modelMemoryMb.toFixed(0)} MB | ${f.uniformSolved}/${f.uniformRuns} (${f.uniformSkipped}) | ` +
      `${f.gecodeSearchMs === undefined ? '—' : `${f1(f.gecodeFlattenMs)} / ${f1(f.gecodeSearchMs)} ms`} |`);
  }
  return `**where the time goes** (hilsolve guided runs; bytes and cycles per candidate include the program load)\n\n${lines.join('\n')}\n`;
}
